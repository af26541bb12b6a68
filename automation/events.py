"""Emitting domain events and subscribing to them.

``emit`` writes an ``Event`` row inside the caller's transaction (so an event exists exactly when
its change was committed) and schedules its dispatch on commit. ``dispatch`` runs every
registered subscriber once per event; a subscriber that already handled an event is skipped on
redispatch, which makes the periodic sweeper safe.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone

from accounts.models import Organization, User
from automation.catalog import CATALOG
from automation.models import Event, SubscriberReceipt

logger = logging.getLogger(__name__)

Subscriber = Callable[[Event], None]
_subscribers: dict[str, tuple[Subscriber, frozenset[str] | None]] = {}


def subscriber(name: str, *, events: list[str] | None = None) -> Callable[[Subscriber], Subscriber]:
    """Register ``func`` under a stable ``name`` (the idempotency key) for ``events`` (or all)."""

    def register(func: Subscriber) -> Subscriber:
        _subscribers[name] = (func, frozenset(events) if events is not None else None)
        return func

    return register


def registered_subscribers() -> dict[str, tuple[Subscriber, frozenset[str] | None]]:
    return dict(_subscribers)


def emit(
    organization: Organization, name: str, payload: dict[str, Any], actor: User | None = None
) -> Event:
    """Record event ``name`` for ``organization`` and dispatch it after the transaction commits."""
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
    """Run every subscriber that has not yet handled the event, then mark it dispatched."""
    event = Event.objects.select_related("organization").filter(pk=event_id).first()
    if event is None or event.dispatched_at is not None:
        return
    failures = []
    for name, (func, names) in _subscribers.items():
        if names is not None and event.name not in names:
            continue
        if SubscriberReceipt.objects.filter(event=event, subscriber=name).exists():
            continue
        try:
            with transaction.atomic():
                SubscriberReceipt.objects.create(event=event, subscriber=name)
                func(event)
        except IntegrityError:
            continue  # a concurrent dispatch already handled it
        except Exception:
            logger.exception("Subscriber %s failed on event %s", name, event.pk)
            failures.append(name)
    if failures:
        raise RuntimeError(f"Subscribers failed: {', '.join(failures)}")
    Event.objects.filter(pk=event.pk, dispatched_at__isnull=True).update(
        dispatched_at=timezone.now()
    )
