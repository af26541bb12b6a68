"""Authenticate WebSocket handshakes: the browser's session, or a JWT for API clients.

A JWT is taken from the ``Authorization: Bearer`` header or, because browsers cannot set headers
on a WebSocket, from the ``token`` query parameter. A JWT that fails to verify makes the
connection anonymous (closed with 4401), never falls back to the session. A session whose user
has an authenticator enrolled but has not passed the second factor is treated as anonymous.
"""

from __future__ import annotations

from importlib import import_module
from typing import Any
from urllib.parse import parse_qs

from channels.auth import get_user
from channels.db import database_sync_to_async
from channels.middleware import BaseMiddleware
from channels.security.websocket import OriginValidator
from django.conf import settings
from django.contrib.auth import HASH_SESSION_KEY, SESSION_KEY
from django.contrib.auth.models import AnonymousUser
from django.utils.crypto import constant_time_compare
from rest_framework_simplejwt.exceptions import TokenError
from rest_framework_simplejwt.tokens import AccessToken

from accounts.mfa import session_passed_mfa
from accounts.models import User


class SameSiteOriginValidator(OriginValidator):
    """Refuse handshakes a browser makes from a page of another site (cross-site WebSocket
    hijacking rides on the session cookie). Browsers always send ``Origin``; a handshake without
    one comes from a non-browser client, which cannot be tricked into it, so it passes.

    ``ALLOWED_HOSTS`` is read on each handshake, not frozen at import like channels' factory.
    """

    def __init__(self, application: Any) -> None:
        super().__init__(application, allowed_origins=[])

    def valid_origin(self, parsed_origin: Any) -> bool:
        if parsed_origin is None:
            return True
        allowed = settings.ALLOWED_HOSTS
        if settings.DEBUG and not allowed:
            allowed = ["localhost", "127.0.0.1", "[::1]"]
        return any(
            pattern == "*" or self.match_allowed_origin(parsed_origin, pattern)
            for pattern in allowed
        )


class WebSocketAuthMiddleware(BaseMiddleware):
    async def __call__(self, scope: dict[str, Any], receive: Any, send: Any) -> Any:
        scope = dict(scope)
        token = _bearer_token(scope)
        if token:
            user, expires_at = await _user_from_jwt(token)
            scope["user"] = user
            scope["auth_method"] = "jwt"
            scope["auth_expires_at"] = expires_at
        else:
            user = await get_user(scope)
            if user.is_authenticated and not await _session_mfa_ok(scope, user):
                user = AnonymousUser()
            scope["user"] = user
            scope["auth_method"] = "session"
        return await super().__call__(scope, receive, send)


def _bearer_token(scope: dict[str, Any]) -> str:
    for name, value in scope.get("headers", []):
        if name == b"authorization":
            kind, _, token = value.decode("latin-1").partition(" ")
            if kind.lower() == "bearer":
                return token.strip()
    query = parse_qs(scope.get("query_string", b"").decode("latin-1"))
    return (query.get("token") or [""])[0]


@database_sync_to_async
def _user_from_jwt(raw: str) -> tuple[User | AnonymousUser, float | None]:
    try:
        token = AccessToken(raw)
    except TokenError:
        return AnonymousUser(), None
    user = User.objects.filter(pk=token.get("user_id"), is_active=True).first()
    if user is None:
        return AnonymousUser(), None
    return user, float(token["exp"])


@database_sync_to_async
def _session_mfa_ok(scope: dict[str, Any], user: User) -> bool:
    return session_passed_mfa(scope["session"], user)


@database_sync_to_async
def credentials_still_valid(scope: dict[str, Any]) -> bool:
    """Whether an open socket's user may stay connected: still active and, for a browser socket,
    its session still exists and is theirs (not signed out or revoked, password unchanged).

    A JWT socket's expiry is enforced by the consumer's timer instead.
    """
    user = User.objects.filter(pk=scope["user"].pk, is_active=True).first()
    if user is None:
        return False
    if scope.get("auth_method") != "session":
        return True
    session_key = scope["session"].session_key
    if not session_key:
        return False
    data = import_module(settings.SESSION_ENGINE).SessionStore(session_key).load()
    return (
        str(data.get(SESSION_KEY)) == str(user.pk)
        and constant_time_compare(data.get(HASH_SESSION_KEY, ""), user.get_session_auth_hash())
        and session_passed_mfa(data, user)
    )
