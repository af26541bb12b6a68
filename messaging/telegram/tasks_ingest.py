"""Celery tasks of the ingest side: process a stored update, fetch an attachment, sweep.

Thin wrappers (the work is in processing.py and attachments.py). Registered by importing this
module from ``MessagingConfig.ready()``; messaging/tasks.py holds the sending side's tasks.
Inbound work runs on the ``default`` queue: the ``telegram`` queue is paced by the outbound
rate limiter and must not delay reading what customers write.
"""

from __future__ import annotations

import logging
from datetime import timedelta

from celery import shared_task
from django.conf import settings
from django.db.models import Q
from django.utils import timezone

from automation.events import dispatch_deferred
from messaging.models import TelegramUpdate
from messaging.telegram import processing

logger = logging.getLogger(__name__)

SWEEP_LIMIT = 2000
# Longer than a processing task's retry chain: older failed updates get a fresh chain.
RETRY_CHAIN_SECONDS = 15 * 60


@shared_task(
    acks_late=True,
    autoretry_for=(processing.UpdateFailed,),
    retry_backoff=2,
    retry_backoff_max=300,
    max_retries=processing.MAX_ATTEMPTS,
)
def update_process(update_pk: int) -> str:
    with dispatch_deferred(inline=True):  # live screens get the events without another hop
        return processing.update_process(update_pk)


@shared_task(acks_late=True)
def updates_process(update_pks: list[int]) -> int:
    """A batch stored by the ASGI fast path: each update in its own transaction; one that fails
    goes on alone with the retries of ``update_process``. Returns how many were processed."""
    done = 0
    for pk in update_pks:
        # Each update's events are dispatched here as soon as it is committed: the inbox shows
        # the message without a second trip through the broker (issue 6: < 100 ms).
        with dispatch_deferred(inline=True):
            try:
                done += processing.update_process(pk) == "processed"
            except processing.UpdateFailed:
                update_process.apply_async((pk,), countdown=2)
    return done


def update_enqueue(update_pk: int) -> None:
    """Queue processing; a broker outage is left to the sweeper (the update is stored)."""
    try:
        update_process.delay(update_pk)
    except Exception:  # kombu raises many kinds; the stored row is safe either way
        logger.warning("Could not enqueue Telegram update %s; the sweeper will", update_pk)


@shared_task(acks_late=True, autoretry_for=(Exception,), retry_backoff=5, max_retries=5)
def attachment_fetch(attachment_pk: int) -> str:
    from messaging.telegram.attachments import attachment_download

    return attachment_download(attachment_pk)


@shared_task
def sweep_pending_updates(older_than_seconds: int | None = None, limit: int = SWEEP_LIMIT) -> int:
    """Re-enqueue updates still pending a while after they arrived: the enqueue after storing
    was lost (crash, broker outage: never attempted) or a retry chain ended long ago.
    Processing skips rows another worker holds and rows already done, so a copy is harmless."""
    now = timezone.now()
    age = (
        settings.TELEGRAM_SWEEP_AFTER_SECONDS if older_than_seconds is None else older_than_seconds
    )
    ids = list(
        TelegramUpdate.objects.filter(
            Q(attempts=0) | Q(received_at__lt=now - timedelta(seconds=RETRY_CHAIN_SECONDS)),
            status=TelegramUpdate.Status.PENDING,
            received_at__lt=now - timedelta(seconds=age),
        )
        .order_by("received_at")
        .values_list("pk", flat=True)[:limit]
    )
    for pk in ids:
        update_process.delay(pk)
    return len(ids)
