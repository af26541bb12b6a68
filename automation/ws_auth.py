"""Authenticate WebSocket handshakes: the browser's session, or a JWT for API clients.

A JWT is taken from the ``Authorization: Bearer`` header or, because browsers cannot set headers
on a WebSocket, from the ``token`` query parameter. A session whose user has an authenticator
enrolled but has not passed the second factor is treated as anonymous.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import parse_qs

from channels.auth import get_user
from channels.db import database_sync_to_async
from channels.middleware import BaseMiddleware
from django.contrib.auth.models import AnonymousUser
from rest_framework_simplejwt.exceptions import TokenError
from rest_framework_simplejwt.tokens import AccessToken

from accounts.mfa import session_passed_mfa
from accounts.models import User


class WebSocketAuthMiddleware(BaseMiddleware):
    async def __call__(self, scope: dict[str, Any], receive: Any, send: Any) -> Any:
        token = _bearer_token(scope)
        if token:
            scope["user"] = await _user_from_jwt(token)
            scope["auth_method"] = "jwt"
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
    query = parse_qs(scope.get("query_string", b"").decode())
    return (query.get("token") or [""])[0]


@database_sync_to_async
def _user_from_jwt(raw: str) -> User | AnonymousUser:
    try:
        token = AccessToken(raw)
    except TokenError:
        return AnonymousUser()
    user = User.objects.filter(pk=token.get("user_id"), is_active=True).first()
    return user or AnonymousUser()


@database_sync_to_async
def _session_mfa_ok(scope: dict[str, Any], user: User) -> bool:
    return session_passed_mfa(scope["session"], user)
