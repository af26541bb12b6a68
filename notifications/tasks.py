"""Celery tasks: thin wrappers over ``notifications.delivery``."""

from __future__ import annotations

from celery import shared_task
from django.utils import timezone

from notifications import delivery
from notifications.selectors import deliveries_due


@shared_task(acks_late=True, ignore_result=True)
def delivery_send(delivery_id: int) -> None:
    delivery.delivery_send(delivery_id)


@shared_task(ignore_result=True)
def deliveries_send_due() -> int:
    """Deliveries whose time came (quiet hours ended, a retry's backoff passed) or whose task
    was lost: sent one task each."""
    ids = list(deliveries_due(timezone.now()).values_list("pk", flat=True))
    for delivery_id in ids:
        delivery_send.delay(delivery_id)
    return len(ids)


@shared_task(ignore_result=True)
def digests_send_due() -> int:
    return delivery.digests_send_due()
