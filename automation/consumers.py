"""The one realtime socket per browser tab: ``/ws/`` (docs/architecture/realtime.md).

Server → client messages are ``{"type": "<event name>", "id": ..., "data": {...}, "at": ...}``.
Clients may send ``{"type": "resume", "last_event_id": N}`` after a reconnect to receive what
they missed, and ``{"type": "ping"}``; other types go to the handler an app registered in
automation/realtime_handlers.py (typing, presence), which may answer with ephemeral messages.
"""

from __future__ import annotations

import asyncio
import json
import logging
import time
from typing import Any

from channels.db import database_sync_to_async
from channels.generic.websocket import AsyncJsonWebsocketConsumer
from django.conf import settings

from accounts.permissions import role_has_perm
from automation.catalog import CATALOG
from automation.realtime import org_group, user_group
from automation.realtime_handlers import (
    ClientContext,
    ClientMessageHandler,
    ClientMessageRejected,
    client_message_handler,
)
from automation.selectors import events_visible_after, last_visible_event_id, realtime_memberships
from automation.ws_auth import credentials_still_valid

logger = logging.getLogger(__name__)

CLOSE_UNAUTHENTICATED = 4401
RESUME_LIMIT = 500


class RealtimeConsumer(AsyncJsonWebsocketConsumer):
    async def connect(self) -> None:
        user = self.scope.get("user")
        if user is None or not user.is_authenticated:
            # Accept first so the client receives a close code it can act on (re-login),
            # rather than a bare handshake failure.
            await self.accept()
            await self.close(code=CLOSE_UNAUTHENTICATED, reason="authentication required")
            return
        self.roles: dict[int, str] = {}
        self.groups_joined: set[str] = set()
        await self._follow(await self._roles())
        await self.channel_layer.group_add(user_group(user.pk), self.channel_name)
        self.groups_joined.add(user_group(user.pk))
        last_event_id = await database_sync_to_async(last_visible_event_id)(user)
        await self.accept()
        loop = asyncio.get_running_loop()
        self.watchers = [loop.create_task(self._recheck_periodically())]
        if (expires_at := self.scope.get("auth_expires_at")) is not None:
            # A JWT socket lives no longer than its token; the client reconnects with a new one.
            self.watchers.append(loop.create_task(self._expire(expires_at - time.time())))
        await self.send_json(
            {
                "type": "hello",
                "data": {"organizations": sorted(self.roles), "last_event_id": last_event_id},
            }
        )

    async def disconnect(self, code: int) -> None:
        for task in getattr(self, "watchers", ()):
            task.cancel()
        for group in getattr(self, "groups_joined", ()):
            await self.channel_layer.group_discard(group, self.channel_name)

    async def receive(self, text_data: str | None = None, bytes_data: bytes | None = None) -> None:
        try:
            content = json.loads(text_data or bytes_data or b"")
        except (ValueError, UnicodeDecodeError):
            await self._send_error("Expected a JSON object.")
            return
        await self.receive_json(content)

    async def receive_json(self, content: Any, **kwargs: Any) -> None:
        kind = content.get("type") if isinstance(content, dict) else None
        if kind == "resume":
            await self._resume(content.get("last_event_id"))
        elif kind == "ping":
            await self.send_json({"type": "pong", "data": {}})
        elif (handler := client_message_handler(kind)) is not None:
            await self._handle_client_message(handler, content)
        elif isinstance(content, dict):
            await self._send_error("Unknown message type.")
        else:
            await self._send_error("Expected a JSON object.")

    async def event_forward(self, message: dict[str, Any]) -> None:
        """A committed event for one of the socket's organizations (sent by automation.realtime)."""
        event = message["event"]
        role = self.roles.get(message["organization"])
        event_type = CATALOG.get(event["type"])
        if (
            role is not None
            and event_type is not None
            and role_has_perm(role, event_type.visible_to)
        ):
            await self.send_json(_client_message(event))

    async def user_message(self, message: dict[str, Any]) -> None:
        """A message for this user only (``automation.realtime.users_send``): their
        notifications. Sent as it is; it carries no event id and is not replayed."""
        await self.send_json(message["message"])

    async def ephemeral_forward(self, message: dict[str, Any]) -> None:
        """Typing, presence and the like (automation/realtime_handlers.py): never stored."""
        if message.get("exclude_channel") == self.channel_name:
            return
        role = self.roles.get(message["organization"])
        if role is not None and role_has_perm(role, message["perm"]):
            await self.send_json(message["message"])

    async def _handle_client_message(self, handler: ClientMessageHandler, content: Any) -> None:
        context = ClientContext(
            user=self.scope["user"],
            roles=dict(self.roles),
            channel_layer=self.channel_layer,
            channel_name=self.channel_name,
            reply=self.send_json,
        )
        try:
            await handler(context, content)
        except ClientMessageRejected as exc:
            await self._send_error(str(exc))

    async def membership_changed(self, message: dict[str, Any]) -> None:
        """The user joined, left or changed role somewhere: follow the organizations anew."""
        await self._follow(await self._roles())

    async def _resume(self, last_id: Any) -> None:
        if not isinstance(last_id, int) or isinstance(last_id, bool) or last_id < 0:
            await self._send_error("last_event_id must be a non-negative integer.")
            return
        user = self.scope["user"]
        events = await database_sync_to_async(events_visible_after)(
            user, after_id=last_id, limit=RESUME_LIMIT + 1
        )
        replayed = events[:RESUME_LIMIT]
        for event in replayed:
            await self.send_json(_client_message(event.as_message()))
        # More were missed than we replay (truncated): the client should reload its page.
        await self.send_json(
            {
                "type": "resumed",
                "data": {
                    "last_event_id": replayed[-1].pk if replayed else last_id,
                    "truncated": len(events) > RESUME_LIMIT,
                },
            }
        )

    async def _follow(self, roles: dict[int, str]) -> None:
        """Join the groups of ``roles``' organizations and leave the ones no longer in it."""
        wanted = {org_group(org) for org in roles}
        current = {g for g in self.groups_joined if g.startswith("org.")}
        for group in wanted - current:
            await self.channel_layer.group_add(group, self.channel_name)
        for group in current - wanted:
            await self.channel_layer.group_discard(group, self.channel_name)
        self.groups_joined = (self.groups_joined - current) | wanted
        self.roles = roles

    async def _roles(self) -> dict[int, str]:
        memberships = await database_sync_to_async(realtime_memberships)(self.scope["user"])
        return {m.organization_id: m.role for m in memberships}

    async def _recheck_periodically(self) -> None:
        """Close once the session is signed out or revoked elsewhere, or the user deactivated;
        otherwise follow the organizations anew and re-join every group (channels-redis drops
        group members after a day)."""
        while True:
            await asyncio.sleep(settings.REALTIME_RECHECK_SECONDS)
            try:
                if not await credentials_still_valid(self.scope):
                    await self.close(code=CLOSE_UNAUTHENTICATED, reason="signed out")
                    return
                await self._follow(await self._roles())
                for group in self.groups_joined:
                    await self.channel_layer.group_add(group, self.channel_name)
            except Exception:
                # The database or Redis is briefly away: keep the socket, try again next time.
                logger.warning("Realtime re-check failed", exc_info=True)

    async def _expire(self, delay: float) -> None:
        await asyncio.sleep(max(0.0, delay))
        await self.close(code=CLOSE_UNAUTHENTICATED, reason="credentials expired")

    async def _send_error(self, message: str) -> None:
        await self.send_json({"type": "error", "data": {"message": message}})


def _client_message(event: dict[str, Any]) -> dict[str, Any]:
    return {
        "type": event["type"],
        "id": event["id"],
        "version": event["version"],
        "data": event["data"],
        "at": event["created_at"],
    }
