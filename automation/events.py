"""Emitting domain events and subscribing to them.

``emit`` writes an ``Event`` row inside the caller's transaction (so an event exists exactly when
its change was committed) and schedules its dispatch on commit. ``dispatch`` runs every
registered subscriber once per event: a subscriber's receipt is committed with its own writes,
so a redispatch (task retry, sweeper) skips the subscribers that already succeeded.
"""

from __future__ import annotations

import json
import logging
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.db import connection, transaction
from django.db.models import F
from django.utils import timezone

from accounts.models import Organization, User
from automation.catalog import CATALOG, PayloadMismatch, payload_errors
from automation.models import Event, SubscriberReceipt
from automation.triggers.loops import current_chain

logger = logging.getLogger(__name__)

Subscriber = Callable[[Event], None]
BatchSubscriber = Callable[[list[Event]], None]


@dataclass(frozen=True)
class _Registration:
    func: Callable[..., None]
    events: frozenset[str] | None
    batch: bool

    def hears(self, event: Event) -> bool:
        return self.events is None or event.name in self.events


_subscribers: dict[str, _Registration] = {}


class SubscriberFailed(Exception):
    """Some subscribers raised; the task retries and only those run again."""


def subscriber(
    name: str, *, events: list[str] | None = None, batch: bool = False
) -> Callable[[Callable[..., None]], Callable[..., None]]:
    """Register ``func`` under a stable ``name`` (its idempotency key) for ``events`` (or all).

    The name is stored in receipts: renaming a subscriber makes it run again for events that a
    redispatch still reaches, so pick it once. A ``batch`` subscriber is called with the list
    of events of a dispatch batch (in id order) and succeeds or fails for all of them: for
    work with a fixed cost per call, such as one Redis round trip for many websocket messages.
    """
    unknown = sorted(set(events or []) - set(CATALOG))
    if unknown:
        raise ValueError(f"Subscriber {name!r} listens to unknown events: {', '.join(unknown)}")

    def register(func: Callable[..., None]) -> Callable[..., None]:
        _subscribers[name] = _Registration(
            func, frozenset(events) if events is not None else None, batch
        )
        return func

    return register


def unsubscribe(name: str) -> None:
    """Remove a subscriber (a plugin being unloaded, a test cleaning up)."""
    _subscribers.pop(name, None)


def registered_subscribers() -> dict[str, _Registration]:
    return dict(_subscribers)


def emit(
    organization: Organization, name: str, payload: dict[str, Any], actor: User | None = None
) -> Event:
    """Record event ``name`` for ``organization`` and dispatch it after the transaction commits.

    Raises ``ValueError`` for a name missing from the catalogue, and ``PayloadMismatch`` for a
    payload that does not match its schema when ``AUTOMATION_VALIDATE_EVENT_PAYLOADS`` is on
    (tests, development). When the transaction rolls back
    the event disappears with it and nothing is dispatched.
    """
    event_type = CATALOG.get(name)
    if event_type is None:
        raise ValueError(f"Unknown event {name!r}: add it to automation/catalog/entries.py")
    if settings.AUTOMATION_VALIDATE_EVENT_PAYLOADS:
        # As stored (tuples become lists), so the check sees what receivers will get.
        errors = payload_errors(name, json.loads(json.dumps(payload)))
        if errors:
            raise PayloadMismatch(f"Payload of {name!r} does not match its schema: {errors}")
    event = Event.objects.create(
        organization=organization,
        name=name,
        version=event_type.version,
        payload=payload,
        actor=actor if actor is not None and actor.pk else None,
        # Set while a trigger's actions run: what loop protection reads.
        trigger_chain=current_chain(),
    )
    transaction.on_commit(lambda: _enqueue(event.pk))
    return event


DISPATCH_BATCH = 200
# Events wait at most this long in a deferred batch: live screens must not lag behind a long
# loop (issue 6 wants a message on screen within 100 ms of its webhook).
DISPATCH_BATCH_SECONDS = 0.05


class _Batch:
    """Ids of committed events waiting to be dispatched together (``dispatch_deferred``)."""

    def __init__(self, *, inline: bool) -> None:
        self.ids: list[int] = []
        self.started = 0.0
        self.inline = inline

    def add(self, event_id: int) -> None:
        if not self.ids:
            self.started = time.monotonic()
        self.ids.append(event_id)
        if (
            len(self.ids) >= DISPATCH_BATCH
            or time.monotonic() - self.started >= DISPATCH_BATCH_SECONDS
        ):
            self.flush()

    def flush(self) -> None:
        ids, self.ids = self.ids, []
        if not ids:
            return
        from automation.tasks import dispatch_event, dispatch_events

        try:
            if not self.inline:
                dispatch_events.delay(ids)
                return
            for event_id, _names in dispatch_many(ids):
                dispatch_event.apply_async((event_id,), countdown=2)
        except Exception:
            logger.exception("Could not dispatch %s events; the sweeper will", len(ids))


_deferred: ContextVar[_Batch | None] = ContextVar("deferred_event_dispatch", default=None)


def _enqueue(event_id: int) -> None:
    batch = _deferred.get()
    if batch is not None:
        batch.add(event_id)
        return
    from automation.tasks import dispatch_event

    try:
        dispatch_event.delay(event_id)
    except Exception:
        # The broker being down must not fail the request that already committed; the sweeper
        # picks the event up.
        logger.exception("Could not enqueue event %s; the sweeper will dispatch it", event_id)


@contextmanager
def dispatch_deferred(*, inline: bool = False) -> Iterator[None]:
    """Dispatch the events committed inside the block in batches: when ``DISPATCH_BATCH`` have
    gathered, when the oldest has waited ``DISPATCH_BATCH_SECONDS``, and when the block ends.

    For loops that commit many small transactions (a batch of Telegram updates, one per
    update): one dispatch per batch instead of one task per event. ``inline`` runs the
    dispatch right here (for code already on a worker: no second trip through the broker,
    which is what a live screen waits for); subscribers that fail go on as ``dispatch_event``
    tasks with their retries. Events committed before a crash inside the block are not lost:
    the sweeper dispatches them.
    """
    if _deferred.get() is not None:  # nested: the outermost block dispatches
        yield
        return
    batch = _Batch(inline=inline)
    token = _deferred.set(batch)
    try:
        yield
    finally:
        _deferred.reset(token)
        batch.flush()


def dispatch(event_id: int) -> None:
    """Run every subscriber that has not yet handled the event, then mark it dispatched.

    Raises ``SubscriberFailed`` when any subscriber raised, after running all the others.
    """
    failed = dispatch_many([event_id])
    if failed:
        raise SubscriberFailed(f"Event {event_id}: subscribers failed: {', '.join(failed[0][1])}")


def dispatch_many(event_ids: list[int]) -> list[tuple[int, list[str]]]:
    """``dispatch`` for several events with a fixed number of queries around the subscribers
    (attempts, events, receipts, dispatched marks). Returns the events some subscriber failed
    on, with the failing names; the others are marked dispatched."""
    # Deleted with their organization, or already dispatched: nothing to do for those.
    events = list(
        Event.objects.filter(pk__in=event_ids, dispatched_at__isnull=True)
        .select_related("organization")
        .order_by("pk")
    )
    if not events:
        return []
    Event.objects.filter(pk__in=[event.pk for event in events]).update(
        dispatch_attempts=F("dispatch_attempts") + 1, last_attempt_at=timezone.now()
    )
    done = set(
        SubscriberReceipt.objects.filter(event__in=events).values_list("event_id", "subscriber")
    )
    failed: dict[int, list[str]] = {}
    for name, registration in list(_subscribers.items()):
        due = [e for e in events if registration.hears(e) and (e.pk, name) not in done]
        if not due:
            continue
        if registration.batch:
            try:
                with transaction.atomic():
                    taken = _take_receipts(due, name)
                    if taken:
                        registration.func([e for e in due if e.pk in taken])
            except Exception:
                logger.exception("Subscriber %s failed on %s events", name, len(due))
                for event in due:
                    failed.setdefault(event.pk, []).append(name)
            continue
        for event in due:
            try:
                with transaction.atomic():
                    if not _take_receipt(event, name):
                        continue  # a concurrent dispatch handled it
                    registration.func(event)
            except Exception:
                logger.exception("Subscriber %s failed on event %s", name, event.pk)
                failed.setdefault(event.pk, []).append(name)
    failures = sorted(failed.items())
    failed_ids = {pk for pk, _ in failures}
    Event.objects.filter(
        pk__in=[event.pk for event in events if event.pk not in failed_ids],
        dispatched_at__isnull=True,
    ).update(dispatched_at=timezone.now())
    return failures


def _take_receipts(events: list[Event], name: str) -> set[int]:
    """``_take_receipt`` for many events in one statement; the ids whose receipt was taken."""
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {SubscriberReceipt._meta.db_table} (event_id, subscriber, handled_at) "
            "SELECT unnest(%s::bigint[]), %s, now() "
            "ON CONFLICT (event_id, subscriber) DO NOTHING RETURNING event_id",
            [[event.pk for event in events], name],
        )
        return {row[0] for row in cursor.fetchall()}


def _take_receipt(event: Event, name: str) -> bool:
    """Insert the receipt first: a concurrent dispatch blocks on it, then finds it taken.

    The receipt commits or rolls back with the subscriber's own writes.
    """
    return bool(_take_receipts([event], name))
