"""The OAuth2 login and callback views of Google sign-in, bound to our adapter."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from allauth.socialaccount.internal import jwtkit
from allauth.socialaccount.models import SocialApp
from allauth.socialaccount.providers.google import views as allauth_google
from allauth.socialaccount.providers.oauth2.views import OAuth2CallbackView, OAuth2LoginView
from django.conf import settings
from django.http import HttpRequest


@dataclass(frozen=True)
class GoogleEndpoints:
    authorize: str
    token: str
    userinfo: str
    certs: str
    issuer: str


def google_endpoints() -> GoogleEndpoints:
    """Google's own endpoints, or the same paths under ``GOOGLE_OAUTH_BASE_URL`` when set."""
    base = getattr(settings, "GOOGLE_OAUTH_BASE_URL", "").rstrip("/")
    if not base:
        return GoogleEndpoints(
            authorize=allauth_google.AUTHORIZE_URL,
            token=allauth_google.ACCESS_TOKEN_URL,
            userinfo=allauth_google.IDENTITY_URL,
            certs=allauth_google.CERTS_URL,
            issuer=allauth_google.ID_TOKEN_ISSUER,
        )
    return GoogleEndpoints(
        authorize=f"{base}/o/oauth2/v2/auth",
        token=f"{base}/token",
        userinfo=f"{base}/oauth2/v2/userinfo",
        certs=f"{base}/oauth2/v1/certs",
        issuer=base,
    )


class GoogleOAuth2Adapter(allauth_google.GoogleOAuth2Adapter):
    def __init__(self, request: HttpRequest) -> None:
        super().__init__(request)
        endpoints = google_endpoints()
        self.authorize_url = endpoints.authorize
        self.access_token_url = endpoints.token
        self.identity_url = endpoints.userinfo
        self.id_token_issuer = endpoints.issuer
        self.certs_url = endpoints.certs

    def _decode_id_token(self, app: SocialApp, id_token: str) -> dict[str, Any]:
        # allauth's checks, against our endpoints: issuer, audience (our client id) and expiry
        # always; the signature only when the token did not come straight from the token
        # endpoint over TLS (OpenID Connect Core 1.0, section 3.1.3.7).
        return jwtkit.verify_and_decode(
            credential=id_token,
            keys_url=self.certs_url,
            issuer=self.id_token_issuer,
            audience=app.client_id,
            lookup_kid=jwtkit.lookup_kid_pem_x509_certificate,
            verify_signature=not self.did_fetch_access_token,
        )


oauth2_login = OAuth2LoginView.adapter_view(GoogleOAuth2Adapter)
oauth2_callback = OAuth2CallbackView.adapter_view(GoogleOAuth2Adapter)
