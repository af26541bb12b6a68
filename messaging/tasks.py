"""Celery tasks of the sending side (thin wrappers around ``messaging.services``).

Delivery runs on the ``telegram`` queue, the one the rate limiter paces; the ingest side's
tasks live in ``messaging/telegram/tasks_ingest.py`` on ``default``.
"""

from __future__ import annotations

from typing import Any

from celery import Task, shared_task

from messaging.services import history, inbox, sending


@shared_task(acks_late=True, reject_on_worker_lost=True, ignore_result=True)
def message_deliver(message_id: int) -> str:
    """Deliver one queued message; waits Telegram or the rate limiter asks for come back as a
    new task with a countdown (not ``retry``: they are not failures of this task)."""
    delivery = sending.message_deliver(message_id=message_id)
    if delivery.retry_in is not None:
        sending.message_enqueue(message_id, countdown=delivery.retry_in)
    return delivery.status


@shared_task(ignore_result=True)
def messages_requeue_stale() -> int:
    """Periodic (CELERY_BEAT_SCHEDULE): queued messages whose delivery task went missing."""
    return sending.messages_requeue_stale()


@shared_task(ignore_result=True)
def chats_wake_snoozed() -> int:
    """Periodic (CELERY_BEAT_SCHEDULE): reopen snoozed chats whose time has come."""
    return inbox.chats_wake_snoozed()


class _HistoryTask(Task):
    def on_failure(
        self, exc: Exception, task_id: str, args: tuple, kwargs: dict, einfo: Any
    ) -> None:
        """Retries ran out: mark the import failed so its page stops waiting."""
        import_id = args[0] if args else kwargs["import_id"]
        history.history_import_fail(import_id=import_id, message=str(exc) or type(exc).__name__)


@shared_task(
    base=_HistoryTask,
    acks_late=True,
    reject_on_worker_lost=True,
    autoretry_for=(Exception,),
    retry_backoff=5,
    retry_backoff_max=300,
    max_retries=3,
    ignore_result=True,
)
def history_import_run(import_id: int) -> None:
    """Run or resume a Telegram Desktop history import (resumes after the last committed
    chat chunk when redelivered)."""
    history.history_import_run(import_id=import_id)
