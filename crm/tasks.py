"""Celery tasks of the CRM; thin wrappers around ``crm.services``."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from celery import Task, shared_task
from django.conf import settings

from crm.services import import_housekeeping, imports

IMPORT_MAX_RETRIES = 5


class _ImportTask(Task):
    def on_failure(
        self, exc: Exception, task_id: str, args: tuple, kwargs: dict, einfo: Any
    ) -> None:
        """Retries ran out: mark the job failed so the page stops waiting for it."""
        job_id = args[0] if args else kwargs["job_id"]
        imports.import_fail(job_id=job_id, message=str(exc) or type(exc).__name__)


@shared_task(
    base=_ImportTask,
    acks_late=True,
    reject_on_worker_lost=True,
    autoretry_for=(Exception,),
    retry_backoff=5,
    retry_backoff_max=300,
    max_retries=IMPORT_MAX_RETRIES,
)
def import_run(job_id: int) -> None:
    """Run or resume a CSV import. Redelivered after a worker dies mid-run (``acks_late``):
    the service picks up after the last committed chunk."""
    imports.import_run(job_id=job_id)


@shared_task
def imports_resume_stalled() -> list[int]:
    """Periodic: queue again imports with no progress for ``CRM_IMPORT_STALL_MINUTES``."""
    stalled_for = timedelta(minutes=settings.CRM_IMPORT_STALL_MINUTES)
    return import_housekeeping.imports_resume_stalled(stalled_for=stalled_for)


@shared_task
def import_files_purge() -> int:
    """Periodic: delete uploaded CSV files ``CRM_IMPORT_FILE_RETENTION_DAYS`` after the end."""
    older_than = timedelta(days=settings.CRM_IMPORT_FILE_RETENTION_DAYS)
    return import_housekeeping.import_files_purge(older_than=older_than)
