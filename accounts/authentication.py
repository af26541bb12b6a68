"""DRF authentication: organization API keys, JWT for users, and the browser session.

API keys are sent as ``Authorization: Api-Key bidi_…``. JWT and session users who enrolled an
authenticator must have passed it (JWT: the token endpoint asked for the code).
"""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _
from rest_framework import authentication, exceptions
from rest_framework_simplejwt.authentication import JWTAuthentication as BaseJWTAuthentication
from rest_framework_simplejwt.exceptions import AuthenticationFailed, InvalidToken
from rest_framework_simplejwt.settings import api_settings as jwt_settings
from rest_framework_simplejwt.tokens import Token
from rest_framework_simplejwt.utils import get_md5_hash_password

from accounts.mfa import session_passed_mfa
from accounts.models import Membership
from accounts.services import api_key_authenticate
from accounts.tenancy import memberships_preload


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
    """simplejwt's authentication, reading the user together with their memberships and
    organizations in one query: the API's organization lookup (``api_org_context``) that every
    org-scoped request makes next then needs no query of its own. The checks are simplejwt's own
    (``get_user``): the user id claim, the user's existence, ``is_active`` and, when enabled,
    the password-change revocation claim; the token itself (signature, expiry, blacklist) is
    validated before, unchanged."""

    def get_user(self, validated_token: Token) -> Any:
        try:
            user_id = validated_token[jwt_settings.USER_ID_CLAIM]
        except KeyError as e:
            raise InvalidToken(_("Token contained no recognizable user identification")) from e
        lookup = {f"user__{jwt_settings.USER_ID_FIELD}": user_id}
        memberships = list(
            Membership.objects.filter(**lookup).select_related("user", "organization")
        )
        if memberships:
            user = memberships[0].user
            for membership in memberships:  # one user object, as a user query would give
                membership.user = user
        else:
            try:
                user = self.user_model.objects.get(**{jwt_settings.USER_ID_FIELD: user_id})
            except self.user_model.DoesNotExist as e:
                raise AuthenticationFailed(_("User not found"), code="user_not_found") from e
        if jwt_settings.CHECK_USER_IS_ACTIVE and not user.is_active:
            raise AuthenticationFailed(_("User is inactive"), code="user_inactive")
        if jwt_settings.CHECK_REVOKE_TOKEN and validated_token.get(
            jwt_settings.REVOKE_TOKEN_CLAIM
        ) != get_md5_hash_password(user.password):
            raise AuthenticationFailed(
                _("The user's password has been changed."), code="password_changed"
            )
        memberships_preload(user, memberships)
        return user


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
