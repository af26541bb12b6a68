"""Fetching link previews in Celery after a message with links was committed.

A subscriber on the message events (not a call inside the recording services) starts the
fetch, so the Telegram ingest and the send path know nothing about previews.
"""

from __future__ import annotations

from celery import shared_task
from django.conf import settings
from django.db import transaction

from automation.events import subscriber
from automation.models import Event
from messaging.linkpreview import services
from messaging.models import Message


@shared_task(acks_late=True, ignore_result=True, soft_time_limit=60)
def link_previews_fetch(message_id: int) -> int:
    """Fetch the previews of one message's links; returns how many links it had."""
    message = Message.objects.select_related("organization").filter(pk=message_id).first()
    if message is None or not settings.LINK_PREVIEW_ENABLED:
        return 0
    return len(services.link_previews_fetch_for_message(message=message))


@subscriber(
    "link_previews", events=["message.received", "message.queued", "message.edited"], batch=True
)
def enqueue_link_previews(events: list[Event]) -> None:
    """One query for a dispatch batch (every inbound message passes through here)."""
    if not settings.LINK_PREVIEW_ENABLED:
        return
    ids = [(event.payload.get("message") or {}).get("id") for event in events]
    messages = Message.objects.filter(pk__in=[pk for pk in ids if pk], deleted_at__isnull=True)
    for message in messages:
        if services.message_urls(message):
            transaction.on_commit(lambda pk=message.pk: link_previews_fetch.delay(pk))
