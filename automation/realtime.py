"""Forwarding committed events to connected browsers and API clients over Channels groups."""

from __future__ import annotations

from asgiref.sync import async_to_sync
from channels.layers import get_channel_layer

from automation.catalog import CATALOG
from automation.events import subscriber
from automation.models import Event


def org_group(organization_id: int) -> str:
    return f"org.{organization_id}"


def user_group(user_id: int) -> str:
    return f"user.{user_id}"


@subscriber("realtime")
def forward_to_websockets(event: Event) -> None:
    layer = get_channel_layer()
    if layer is None:
        return
    async_to_sync(layer.group_send)(
        org_group(event.organization_id),
        {
            "type": "event.forward",
            "organization": event.organization_id,
            "perm": CATALOG[event.name].visible_to,
            "event": event.as_message(),
        },
    )
