"""Celery tasks that deliver committed events; thin wrappers around ``automation.events``."""

from __future__ import annotations

from datetime import timedelta

from celery import shared_task
from django.db.models import Q
from django.utils import timezone

from automation import events
from automation.models import Event

DISPATCH_MAX_RETRIES = 8
# Longer than a dispatch task's whole retry chain (backoff 2, 4, … capped at 300 s), so the
# sweeper never starts a second chain beside a live one.
RETRY_CHAIN_SECONDS = 15 * 60
# After this many attempts an event is left for a person to look at (dispatched_at stays empty).
SWEEP_MAX_ATTEMPTS = 5 * (DISPATCH_MAX_RETRIES + 1)


@shared_task(
    acks_late=True,
    autoretry_for=(Exception,),
    retry_backoff=2,
    retry_backoff_max=300,
    max_retries=DISPATCH_MAX_RETRIES,
)
def dispatch_event(event_id: int) -> None:
    events.dispatch(event_id)


@shared_task(acks_late=True)
def dispatch_events(event_ids: list[int]) -> int:
    """A batch from ``events.dispatch_deferred``; an event a subscriber failed on goes on alone
    with the retries of ``dispatch_event``. Returns how many were dispatched."""
    failures = events.dispatch_many(event_ids)
    for event_id, _names in failures:
        dispatch_event.apply_async((event_id,), countdown=2)
    return len(event_ids) - len(failures)


@shared_task
def sweep_undispatched_events(older_than_seconds: int = 30, limit: int = 500) -> int:
    """Redispatch events whose on-commit enqueue never happened (crash, broker outage), and
    events whose retries ran out, until ``SWEEP_MAX_ATTEMPTS``. Returns how many it enqueued."""
    now = timezone.now()
    ids = list(
        Event.objects.filter(
            Q(last_attempt_at__isnull=True)
            | Q(last_attempt_at__lt=now - timedelta(seconds=RETRY_CHAIN_SECONDS)),
            dispatched_at__isnull=True,
            created_at__lt=now - timedelta(seconds=older_than_seconds),
            dispatch_attempts__lt=SWEEP_MAX_ATTEMPTS,
        )
        .order_by("created_at")
        .values_list("pk", flat=True)[:limit]
    )
    # Stamped before enqueueing, so a backlog that keeps the tasks queued past the next sweep
    # does not pile up copies of them.
    Event.objects.filter(pk__in=ids).update(last_attempt_at=now)
    for event_id in ids:
        dispatch_event.delay(event_id)
    return len(ids)


@shared_task
def idempotency_keys_purge() -> int:
    """Forget Idempotency-Key answers older than ``IDEMPOTENCY_KEY_TTL_HOURS``."""
    from automation.idempotency import idempotency_keys_purge as purge

    return purge()


@shared_task(acks_late=True)
def trigger_run_execute(run_id: int) -> str:
    """One attempt of a trigger run; retries are enqueued by the runner itself (with the
    countdown a transient error asked for), so a crash never loses track of them."""
    from automation.triggers.runner import run_execute

    run = run_execute(run_id)
    return run.status if run is not None else "gone"


@shared_task
def triggers_fire_due() -> int:
    """Beat, every 30 s: runs of cron and relative triggers that are due."""
    from automation.triggers.scheduling import triggers_fire_due as fire_due

    return fire_due()


@shared_task
def trigger_runs_sweep() -> int:
    """Beat, every minute: re-enqueue runs stuck pending or retrying past their time."""
    from automation.triggers.runner import runs_sweep

    return runs_sweep()


# --- Outgoing webhooks (queue "webhooks"; automation/webhooks/delivery.py) --------------------


@shared_task(acks_late=True)
def webhook_deliveries_send(items: list[list[int]]) -> int:
    """Send a chunk of deliveries, ``[[delivery id, attempts so far], …]``; returns how many
    were sent (the others were sent already, by another task or since). No Celery retries:
    failed attempts are scheduled in the database and the poller sends them."""
    from automation.webhooks.delivery import deliveries_send

    return deliveries_send(items)


@shared_task
def webhook_deliveries_send_due() -> int:
    """Beat, every few seconds: enqueue deliveries whose retry (or lost first attempt) is due."""
    from automation.webhooks.delivery import deliveries_send_due

    return deliveries_send_due()
