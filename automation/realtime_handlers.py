"""Messages a browser sends over ``/ws/`` that a domain app answers (typing, presence, …).

The socket (automation/consumers.py) knows no domain: apps register a handler per client
message ``type`` from their ``AppConfig.ready()`` and the consumer dispatches every type it
does not handle itself (``resume``, ``ping``) through this registry. A handler gets what the
socket knows about its user (the organizations it follows, with roles) and may reply to this
socket or broadcast an *ephemeral* message to an organization's sockets.

Ephemeral messages are not events: they are not stored in the outbox, not replayed after a
reconnect and carry no ``id``. Use them for state that is worthless a few seconds later.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any

from accounts.models import User
from automation.realtime import org_group

RESERVED_TYPES = frozenset({"resume", "ping"})


class ClientMessageRejected(Exception):
    """The message is refused; its text is sent back to the socket as an ``error``."""


@dataclass(frozen=True)
class ClientContext:
    user: User
    roles: dict[int, str]  # organization id → role, for the organizations the socket follows
    channel_layer: Any
    channel_name: str
    reply: Callable[[dict[str, Any]], Awaitable[None]]  # send a message to this socket only

    async def broadcast(
        self,
        organization_id: int,
        message: dict[str, Any],
        *,
        perm: str,
        include_self: bool = False,
    ) -> None:
        """Send ``message`` to the sockets of ``organization_id`` whose role grants ``perm``."""
        await broadcast_ephemeral(
            self.channel_layer,
            organization_id,
            message,
            perm=perm,
            exclude_channel=None if include_self else self.channel_name,
        )


ClientMessageHandler = Callable[[ClientContext, dict[str, Any]], Awaitable[None]]
_handlers: dict[str, ClientMessageHandler] = {}


def register_client_message(message_type: str, handler: ClientMessageHandler) -> None:
    """Let ``handler`` answer client messages of ``message_type``; one handler per type."""
    if message_type in RESERVED_TYPES:
        raise ValueError(f"{message_type!r} is handled by the socket itself")
    existing = _handlers.get(message_type)
    if existing is not None and existing is not handler:
        raise ValueError(f"A handler for client messages {message_type!r} is registered")
    _handlers[message_type] = handler


def unregister_client_message(message_type: str) -> None:
    _handlers.pop(message_type, None)


def client_message_handler(message_type: Any) -> ClientMessageHandler | None:
    return _handlers.get(message_type) if isinstance(message_type, str) else None


async def broadcast_ephemeral(
    channel_layer: Any,
    organization_id: int,
    message: dict[str, Any],
    *,
    perm: str,
    exclude_channel: str | None = None,
) -> None:
    """Group-send ``message`` (``{"type": ..., "data": ...}``) to an organization's sockets;
    each socket forwards it when its role there grants ``perm``."""
    await channel_layer.group_send(
        org_group(organization_id),
        {
            "type": "ephemeral.forward",
            "organization": organization_id,
            "perm": perm,
            "exclude_channel": exclude_channel,
            "message": message,
        },
    )
