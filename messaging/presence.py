"""Typing indicators and online status: ephemeral, in Redis with a TTL, never in Postgres.

Browsers send ``{"type": "typing", "chat": <id>}`` while their user types (every few seconds)
and ``{"type": "presence"}`` as a heartbeat (every ~25 s while a page is open) over ``/ws/``.
The handlers below, registered from ``MessagingConfig.ready()`` in automation's client-message
registry, check the user may view the chat, store the state in Redis and broadcast an
ephemeral message to the organization's sockets (members with ``message.view``):

- ``{"type": "typing", "data": {"chat": id, "user": {"id", "name"}, "expires_in": s}}``;
- ``{"type": "presence", "data": {"organization": id, "online": [{"id", "name"}, …]}}`` —
  the whole list, sent to everyone when someone comes online and to the heartbeat's sender
  every time, so a client replaces its list and people who left drop out within a TTL.

Redis layout (one sorted set per chat / organization, scored by expiry in ms, plus a hash of
display names), so concurrent typists never overwrite each other and expired entries are
pruned by score: ``<prefix>:typing:<chat>`` / ``:names``, ``<prefix>:presence:<org>`` / ``:names``.
"""

from __future__ import annotations

import time
from functools import cache
from typing import Any

import redis
from channels.db import database_sync_to_async
from django.conf import settings

from accounts.models import User
from accounts.permissions import role_has_perm
from automation.realtime_handlers import (
    ClientContext,
    ClientMessageRejected,
    register_client_message,
)
from messaging.models import Chat

VIEW_PERM = "message.view"


@cache
def _client(url: str) -> redis.Redis:
    return redis.Redis.from_url(url, socket_connect_timeout=2, socket_timeout=5)


def _redis() -> redis.Redis:
    return _client(settings.REDIS_URL)


def _key(*parts: object) -> str:
    return ":".join([settings.REDIS_KEY_PREFIX, *map(str, parts)])


def _now_ms() -> int:
    return int(time.time() * 1000)


def _person(user: User) -> dict[str, Any]:
    return {"id": user.pk, "name": user.display_name}


def _touch(key: str, user: User, ttl: float) -> float | None:
    """Mark ``user`` present in the set ``key`` for ``ttl`` seconds; returns the seconds their
    previous mark had left, or None when they were not present."""
    now = _now_ms()
    ttl_ms = int(ttl * 1000)
    pipe = _redis().pipeline(transaction=True)
    pipe.zremrangebyscore(key, "-inf", now)
    pipe.zscore(key, str(user.pk))
    pipe.zadd(key, {str(user.pk): now + ttl_ms})
    pipe.hset(f"{key}:names", str(user.pk), user.display_name)
    pipe.pexpire(key, ttl_ms)
    pipe.pexpire(f"{key}:names", ttl_ms)
    previous = pipe.execute()[1]
    return None if previous is None else (previous - now) / 1000


def _members(key: str) -> list[dict[str, Any]]:
    client = _redis()
    ids = client.zrangebyscore(key, _now_ms(), "+inf")
    if not ids:
        return []
    names = client.hmget(f"{key}:names", ids)
    people = [
        {"id": int(user_id), "name": (name or b"").decode()}
        for user_id, name in zip(ids, names, strict=True)
    ]
    return sorted(people, key=lambda person: person["id"])


def typing_start(org_id: int, chat_id: int, user: User) -> bool:
    """``user`` is typing in the chat for the next ``TYPING_TTL_SECONDS``; True when the others
    should be told (the user was not typing, or over half of their indicator's time passed).

    Browsers send "typing" every few seconds while keys are pressed; a client sending far more
    often refreshes the indicator but is not echoed to every teammate each time. The caller has
    checked that the chat belongs to ``org_id`` and the user may view it.
    """
    ttl = settings.TYPING_TTL_SECONDS
    left = _touch(_key("typing", chat_id), user, ttl)
    return left is None or left < ttl / 2


def typing_list(chat_id: int) -> list[dict[str, Any]]:
    """Who is typing in the chat now: ``[{"id", "name"}]`` by user id."""
    return _members(_key("typing", chat_id))


def presence_touch(org_id: int, user: User) -> bool:
    """``user`` is online in the organization for ``PRESENCE_TTL_SECONDS``; True when they were
    not online before (the moment to tell the others)."""
    return _touch(_key("presence", org_id), user, settings.PRESENCE_TTL_SECONDS) is None


def online_users(org_id: int) -> list[dict[str, Any]]:
    """The organization's members online now: ``[{"id", "name"}]`` by user id."""
    return _members(_key("presence", org_id))


# --- WebSocket handlers -----------------------------------------------------------------------


def _chat_organization(chat_id: Any) -> int | None:
    if not isinstance(chat_id, int) or isinstance(chat_id, bool):
        return None
    return Chat.objects.filter(pk=chat_id).values_list("organization_id", flat=True).first()


def _typing(user: User, chat_id: int, roles: dict[int, str]) -> int | None:
    """The chat's organization when the others should hear of it, else None."""
    organization_id = _chat_organization(chat_id)
    # Another organization's chat and an unknown id get the same answer.
    if organization_id is None or not role_has_perm(roles.get(organization_id), VIEW_PERM):
        raise ClientMessageRejected("Unknown chat.")
    return organization_id if typing_start(organization_id, chat_id, user) else None


async def handle_typing(context: ClientContext, content: dict[str, Any]) -> None:
    chat_id = content.get("chat")
    organization_id = await database_sync_to_async(_typing)(context.user, chat_id, context.roles)
    if organization_id is None:
        return
    await context.broadcast(
        organization_id,
        {
            "type": "typing",
            "data": {
                "chat": chat_id,
                "user": _person(context.user),
                "expires_in": settings.TYPING_TTL_SECONDS,
            },
        },
        perm=VIEW_PERM,
    )


def _presence(user: User, roles: dict[int, str]) -> list[tuple[int, bool, list[dict[str, Any]]]]:
    visible = [org for org, role in sorted(roles.items()) if role_has_perm(role, VIEW_PERM)]
    changes = []
    for organization_id in visible:
        came_online = presence_touch(organization_id, user)
        changes.append((organization_id, came_online, online_users(organization_id)))
    return changes


async def handle_presence(context: ClientContext, content: dict[str, Any]) -> None:
    for organization_id, came_online, online in await database_sync_to_async(_presence)(
        context.user, context.roles
    ):
        message = {"type": "presence", "data": {"organization": organization_id, "online": online}}
        if came_online:
            await context.broadcast(organization_id, message, perm=VIEW_PERM, include_self=True)
        else:
            await context.reply(message)


def register_realtime_handlers() -> None:
    """Called from ``MessagingConfig.ready()``."""
    register_client_message("typing", handle_typing)
    register_client_message("presence", handle_presence)
