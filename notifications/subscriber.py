"""The event spine → notices: one batch subscriber for every event some type listens to.

For each event and each type registered for its name, the type names its recipients; the
engine keeps those who are still members of the event's organization and whose role grants
both the event's ``visible_to`` and the type's ``perm`` (never a notice about data the user
cannot see), drops the actor, renders the notice per user and hands it to ``notify`` with
source ``event:<id>`` (idempotent per event, user and type, so per channel too).
"""

from __future__ import annotations

import logging

from accounts.models import Membership
from accounts.permissions import role_has_perm
from automation.catalog import CATALOG
from automation.events import subscriber
from automation.models import Event
from notifications.registry import NotificationType, notification_types, types_for_event
from notifications.services import notify

logger = logging.getLogger(__name__)

SUBSCRIBER_NAME = "notifications"


def _heard_events() -> list[str]:
    return sorted({name for t in notification_types().values() for name in t.events})


def notify_for_event(event: Event) -> int:
    """Create the notices ``event`` causes; returns how many were created or found."""
    told = 0
    for notification_type in types_for_event(event.name):
        told += _notify_type(event, notification_type)
    return told


def _notify_type(event: Event, notification_type: NotificationType) -> int:
    if notification_type.recipients is None or notification_type.render is None:
        return 0
    user_ids = set(notification_type.recipients(event))
    if event.actor_id is not None and not notification_type.notify_actor:
        user_ids.discard(event.actor_id)
    if not user_ids:
        return 0
    visible_to = CATALOG[event.name].visible_to
    memberships = Membership.objects.filter(
        organization_id=event.organization_id, user_id__in=user_ids, user__is_active=True
    ).select_related("user")
    told = 0
    for membership in memberships:
        if not (
            role_has_perm(membership.role, visible_to)
            and role_has_perm(membership.role, notification_type.perm)
        ):
            continue
        content = notification_type.render(event, membership.user)
        if content is None:
            continue
        notice = notify(
            user=membership.user,
            type_key=notification_type.key,
            content=content,
            source=f"event:{event.pk}",
            organization=event.organization,
            event_id=event.pk,
            actor=event.actor,
        )
        told += notice is not None
    return told


def subscribe() -> None:
    """(Re)register the subscriber for the events the registered types listen to; called
    once every app's ``ready()`` registered its types (``notifications.registrations``)."""

    @subscriber(SUBSCRIBER_NAME, events=_heard_events(), batch=True)
    def notifications_from_events(events: list[Event]) -> None:
        for event in events:
            notify_for_event(event)
