from __future__ import annotations

from datetime import timedelta

from celery import shared_task
from django.utils import timezone

from automation import events
from automation.models import Event


@shared_task(acks_late=True, autoretry_for=(Exception,), retry_backoff=2, max_retries=8)
def dispatch_event(event_id: int) -> None:
    events.dispatch(event_id)


@shared_task
def sweep_undispatched_events(older_than_seconds: int = 30, limit: int = 500) -> int:
    """Redispatch events whose on-commit enqueue never happened (crash, broker outage)."""
    cutoff = timezone.now() - timedelta(seconds=older_than_seconds)
    ids = list(
        Event.objects.filter(dispatched_at__isnull=True, created_at__lt=cutoff)
        .order_by("created_at")
        .values_list("pk", flat=True)[:limit]
    )
    for event_id in ids:
        dispatch_event.delay(event_id)
    return len(ids)
