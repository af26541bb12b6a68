"""Forwarding committed events to connected browsers and API clients over Channels groups.

Every socket of a member joins ``org.<id>``; each socket also joins ``user.<id>``, where it
hears that its memberships changed so it can follow its organizations anew.
"""

from __future__ import annotations

import asyncio
import os
import threading
from collections.abc import Coroutine
from typing import Any

from channels.layers import get_channel_layer

from automation.events import subscriber
from automation.models import Event


def org_group(organization_id: int) -> str:
    return f"org.{organization_id}"


def user_group(user_id: int) -> str:
    return f"user.{user_id}"


@subscriber("realtime", batch=True)
def forward_to_websockets(events: list[Event]) -> None:
    layer = get_channel_layer()
    if layer is None:
        return
    messages: list[tuple[str, dict[str, Any]]] = []
    for event in events:
        # Membership news first: the socket re-reads its roles before it judges the event.
        messages.extend(
            (user_group(user_id), {"type": "membership.changed"})
            for user_id in sorted(_users_whose_membership_changed(event))
        )
        messages.append(
            (
                org_group(event.organization_id),
                {
                    "type": "event.forward",
                    "organization": event.organization_id,
                    "event": event.as_message(),
                },
            )
        )
    # One Redis round trip per batch of events, not one per message. A redispatch may send an
    # event twice; clients drop ids they have seen (static/js/live.js).
    _sender.run(_send_all(layer, messages))


def users_send(messages: list[tuple[int, dict[str, Any]]]) -> None:
    """Send each ``(user id, client message)`` to every socket of that user, as it is.

    For notices about one person (their notifications): the message goes only to their own
    sockets, so the sender has already decided they may see it.
    """
    layer = get_channel_layer()
    if layer is None or not messages:
        return
    _sender.run(
        _send_all(
            layer,
            [
                (user_group(user_id), {"type": "user.message", "message": m})
                for user_id, m in messages
            ],
        )
    )


class _LoopThread:
    """One event loop per process, on its own thread, for channel-layer sends from sync code.

    ``async_to_sync`` from a thread without a loop starts a thread and a loop per call, and
    channels-redis keeps its connections per loop: every dispatch paid for a new thread and a
    new Redis connection. This loop lives as long as the process (re-created after a fork), so
    its connections are reused.
    """

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._loop: asyncio.AbstractEventLoop | None = None
        self._pid = 0

    def run(self, coroutine: Coroutine[Any, Any, None], timeout: float = 10) -> None:
        with self._lock:
            if self._loop is None or self._pid != os.getpid():
                self._loop = asyncio.new_event_loop()
                self._pid = os.getpid()
                threading.Thread(
                    target=self._loop.run_forever, name="realtime-sender", daemon=True
                ).start()
        asyncio.run_coroutine_threadsafe(coroutine, self._loop).result(timeout)


_sender = _LoopThread()


async def _send_all(layer: Any, messages: list[tuple[str, dict[str, Any]]]) -> None:
    for group, message in messages:
        await layer.group_send(group, message)


def _users_whose_membership_changed(event: Event) -> set[int]:
    payload: dict[str, Any] = event.payload
    if event.name.startswith("member."):
        member = payload.get("member") or {}
        return {member["user"]} if isinstance(member, dict) and member.get("user") else set()
    if event.name == "organization.ownership_transferred":
        return {payload[key] for key in ("from_user", "to_user") if payload.get(key)}
    return set()
