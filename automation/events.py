"""Emitting domain events and subscribing to them.

``emit`` writes an ``Event`` row inside the caller's transaction (so an event exists exactly when
its change was committed) and schedules its dispatch on commit. ``dispatch`` runs every
registered subscriber once per event: a subscriber's receipt is committed with its own writes,
so a redispatch (task retry, sweeper) skips the subscribers that already succeeded.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone

from accounts.models import Organization, User
from automation.catalog import CATALOG
from automation.models import Event, SubscriberReceipt

logger = logging.getLogger(__name__)

Subscriber = Callable[[Event], None]
_subscribers: dict[str, tuple[Subscriber, frozenset[str] | None]] = {}


class SubscriberFailed(Exception):
    """Some subscribers raised; the task retries and only those run again."""


def subscriber(name: str, *, events: list[str] | None = None) -> Callable[[Subscriber], Subscriber]:
    """Register ``func`` under a stable ``name`` (its idempotency key) for ``events`` (or all).

    The name is stored in receipts: renaming a subscriber makes it run again for events that a
    redispatch still reaches, so pick it once.
    """
    unknown = sorted(set(events or []) - set(CATALOG))
    if unknown:
        raise ValueError(f"Subscriber {name!r} listens to unknown events: {', '.join(unknown)}")

    def register(func: Subscriber) -> Subscriber:
        _subscribers[name] = (func, frozenset(events) if events is not None else None)
        return func

    return register


def unsubscribe(name: str) -> None:
    """Remove a subscriber (a plugin being unloaded, a test cleaning up)."""
    _subscribers.pop(name, None)


def registered_subscribers() -> dict[str, tuple[Subscriber, frozenset[str] | None]]:
    return dict(_subscribers)


def emit(
    organization: Organization, name: str, payload: dict[str, Any], actor: User | None = None
) -> Event:
    """Record event ``name`` for ``organization`` and dispatch it after the transaction commits.

    Raises ``ValueError`` for a name missing from the catalogue. When the transaction rolls back
    the event disappears with it and nothing is dispatched.
    """
    event_type = CATALOG.get(name)
    if event_type is None:
        raise ValueError(f"Unknown event {name!r}: add it to automation/catalog.py")
    event = Event.objects.create(
        organization=organization,
        name=name,
        version=event_type.version,
        payload=payload,
        actor=actor if actor is not None and actor.pk else None,
    )
    transaction.on_commit(lambda: _enqueue(event.pk))
    return event


def _enqueue(event_id: int) -> None:
    from automation.tasks import dispatch_event

    try:
        dispatch_event.delay(event_id)
    except Exception:
        # The broker being down must not fail the request that already committed; the sweeper
        # picks the event up.
        logger.exception("Could not enqueue event %s; the sweeper will dispatch it", event_id)


def dispatch(event_id: int) -> None:
    """Run every subscriber that has not yet handled the event, then mark it dispatched.

    Raises ``SubscriberFailed`` when any subscriber raised, after running all the others.
    """
    updated = Event.objects.filter(pk=event_id, dispatched_at__isnull=True).update(
        dispatch_attempts=F("dispatch_attempts") + 1, last_attempt_at=timezone.now()
    )
    if not updated:
        return  # deleted with its organization, or already dispatched
    event = Event.objects.select_related("organization").get(pk=event_id)
    failures = []
    for name, (func, names) in list(_subscribers.items()):
        if names is not None and event.name not in names:
            continue
        if SubscriberReceipt.objects.filter(event=event, subscriber=name).exists():
            continue
        try:
            with transaction.atomic():
                if not _take_receipt(event, name):
                    continue  # a concurrent dispatch handled it
                func(event)
        except Exception:
            logger.exception("Subscriber %s failed on event %s", name, event.pk)
            failures.append(name)
    if failures:
        raise SubscriberFailed(f"Event {event.pk}: subscribers failed: {', '.join(failures)}")
    Event.objects.filter(pk=event.pk, dispatched_at__isnull=True).update(
        dispatched_at=timezone.now()
    )


def _take_receipt(event: Event, name: str) -> bool:
    """Insert the receipt first: a concurrent dispatch blocks on it, then finds it taken.

    The receipt commits or rolls back with the subscriber's own writes.
    """
    try:
        with transaction.atomic():
            SubscriberReceipt.objects.create(event=event, subscriber=name)
    except IntegrityError:
        return False
    return True
