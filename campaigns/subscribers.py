"""Event subscribers of campaigns: delivery tracking (message.sent / message.failed of campaign
messages), reply detection and opt-out words (message.received). The work is in
``campaigns.engine.tracking``; both take whole dispatch batches (a 10,000-recipient campaign
emits 10,000 message.sent)."""

from __future__ import annotations

from automation.events import subscriber
from automation.models import Event
from campaigns.engine import tracking


@subscriber("campaigns.delivery", events=["message.sent", "message.failed"], batch=True)
def track_deliveries(events: list[Event]) -> None:
    tracking.track_deliveries(events)


@subscriber("campaigns.replies", events=["message.received"], batch=True)
def track_replies(events: list[Event]) -> None:
    tracking.track_replies(events)
