"""The one realtime socket per browser tab: ``/ws/``.

Server → client messages are ``{"type": "<event name>", "id": ..., "data": {...}}``. Clients
may send ``{"type": "resume", "last_event_id": N}`` after a reconnect to receive what they missed.
"""

from __future__ import annotations

from typing import Any

from channels.db import database_sync_to_async
from channels.generic.websocket import AsyncJsonWebsocketConsumer

from accounts.models import Membership
from accounts.permissions import role_has_perm
from automation.catalog import CATALOG
from automation.models import Event
from automation.realtime import org_group, user_group

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
        self.roles: dict[int, str] = await self._roles(user.pk)
        self.groups_joined = [user_group(user.pk), *(org_group(org) for org in self.roles)]
        for group in self.groups_joined:
            await self.channel_layer.group_add(group, self.channel_name)
        await self.accept()
        await self.send_json({"type": "hello", "data": {"organizations": list(self.roles)}})

    async def disconnect(self, code: int) -> None:
        for group in getattr(self, "groups_joined", []):
            await self.channel_layer.group_discard(group, self.channel_name)

    async def receive_json(self, content: Any, **kwargs: Any) -> None:
        if not isinstance(content, dict):
            await self.send_json({"type": "error", "data": {"message": "Expected a JSON object."}})
            return
        if content.get("type") == "resume":
            last_id = content.get("last_event_id")
            if not isinstance(last_id, int) or last_id < 0:
                await self.send_json(
                    {"type": "error", "data": {"message": "last_event_id must be an integer."}}
                )
                return
            for message in await self._missed_events(last_id):
                await self.send_json(_client_message(message))
            return
        if content.get("type") == "ping":
            await self.send_json({"type": "pong", "data": {}})
            return
        await self.send_json({"type": "error", "data": {"message": "Unknown message type."}})

    async def event_forward(self, message: dict[str, Any]) -> None:
        role = self.roles.get(message["organization"])
        if role_has_perm(role, message["perm"]):
            await self.send_json(_client_message(message["event"]))

    @database_sync_to_async
    def _roles(self, user_id: int) -> dict[int, str]:
        return dict(
            Membership.objects.filter(user_id=user_id).values_list("organization_id", "role")
        )

    @database_sync_to_async
    def _missed_events(self, last_id: int) -> list[dict[str, Any]]:
        events = Event.objects.filter(
            organization_id__in=list(self.roles), pk__gt=last_id
        ).order_by("pk")[:RESUME_LIMIT]
        return [
            e.as_message()
            for e in events
            if role_has_perm(self.roles[e.organization_id], CATALOG[e.name].visible_to)
        ]


def _client_message(event: dict[str, Any]) -> dict[str, Any]:
    return {
        "type": event["type"],
        "id": event["id"],
        "data": event["data"],
        "at": event["created_at"],
    }
