"""Celery tasks of agents (thin wrappers around ``agents.services``), on the ``agents`` queue
(``CELERY_TASK_ROUTES``) so slow provider calls never hold up sends or ingest."""

from __future__ import annotations

from celery import shared_task

from agents.services import drafts


@shared_task(acks_late=True, reject_on_worker_lost=True, ignore_result=True, soft_time_limit=300)
def draft_generate(draft_id: int) -> str:
    """Generate one pending draft; a draft already generated (a redelivery) is left as is."""
    draft = drafts.draft_generate(draft_id=draft_id)
    return draft.status if draft is not None else "missing"


@shared_task(ignore_result=True)
def drafts_requeue_stale() -> int:
    """Periodic (CELERY_BEAT_SCHEDULE): drafts pending > 2 min are enqueued again; drafts
    pending far too long are failed so the inbox offers a retry."""
    return drafts.drafts_requeue_stale()
