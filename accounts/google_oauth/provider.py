"""Registers Google under allauth's provider id ``google``, with our adapter (see __init__)."""

from __future__ import annotations

from allauth.socialaccount.providers.google.provider import GoogleProvider as AllauthGoogleProvider

from accounts.google_oauth.views import GoogleOAuth2Adapter


class GoogleProvider(AllauthGoogleProvider):
    oauth2_adapter_class = GoogleOAuth2Adapter


provider_classes = [GoogleProvider]
