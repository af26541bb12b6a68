"""DRF authentication: organization API keys, JWT for users, and the browser session.

API keys are sent as ``Authorization: Api-Key bidi_…``. JWT and session users who enrolled an
authenticator must have passed it (JWT: the token endpoint asked for the code).
"""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from rest_framework import authentication, exceptions
from rest_framework_simplejwt.authentication import JWTAuthentication as BaseJWTAuthentication

from accounts.mfa import session_passed_mfa
from accounts.services import api_key_authenticate


class ApiKeyAuthentication(authentication.BaseAuthentication):
    keyword = "Api-Key"

    def authenticate(self, request: HttpRequest) -> tuple[Any, Any] | None:
        header = request.META.get("HTTP_AUTHORIZATION", "")
        kind, _, raw = header.partition(" ")
        if kind != self.keyword:
            return None
        api_key = api_key_authenticate(raw.strip())
        if api_key is None:
            raise exceptions.AuthenticationFailed("Invalid or revoked API key.")
        if api_key.created_by is None or not api_key.created_by.is_active:
            raise exceptions.AuthenticationFailed("The API key's creator is no longer active.")
        return api_key.created_by, api_key

    def authenticate_header(self, request: HttpRequest) -> str:
        return self.keyword


class JWTAuthentication(BaseJWTAuthentication):
    pass


class SessionAuthentication(authentication.SessionAuthentication):
    """Session auth that also requires the second factor when the user has one."""

    def authenticate(self, request: HttpRequest) -> tuple[Any, Any] | None:
        result = super().authenticate(request)
        if result is None:
            return None
        user = result[0]
        if not session_passed_mfa(request._request.session, user):  # type: ignore[attr-defined]
            return None
        return result
