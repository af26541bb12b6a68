"""The events subscriber that turns every committed event into deliveries for the endpoints of
its organization that subscribed to it ("*" or its name).

A batch subscriber: one query for the endpoints and one insert for all the deliveries of a
dispatch batch. Its receipt commits with the inserted rows, and the unique (endpoint, message
id) makes a redispatch after a crash insert nothing twice. Every catalogue event may go out:
only managers (``webhook.manage``) set endpoints up, and they may see every event type.
"""

from __future__ import annotations

from automation.events import subscriber
from automation.models import Event
from automation.webhooks.delivery import deliveries_for_events


@subscriber("webhooks.deliveries", batch=True)
def webhook_deliveries_create(events: list[Event]) -> None:
    deliveries_for_events(events)
