"""Housekeeping of CSV imports, run by Celery beat: resume imports that stalled, and delete
uploaded files once their import is long finished."""

from __future__ import annotations

from datetime import timedelta
from functools import partial

from django.db import transaction
from django.utils import timezone

from crm.models import ImportJob
from crm.services.imports import FINISHED, Status, import_enqueue


def imports_resume_stalled(*, stalled_for: timedelta) -> list[int]:
    """Queue again the imports that have made no progress for ``stalled_for``: their task never
    reached the broker, or the worker and its redeliveries are gone. ``import_run`` resumes
    after the last committed chunk and is safe beside a live run, so a false alarm costs
    nothing. Returns the ids queued."""
    now = timezone.now()
    with transaction.atomic():
        stalled = list(
            ImportJob.objects.select_for_update(skip_locked=True)
            .filter(status__in=(Status.QUEUED, Status.RUNNING), progressed_at__lt=now - stalled_for)
            .values_list("pk", flat=True)
        )
        # Stamped, so the next sweep waits a whole period for this attempt.
        ImportJob.objects.filter(pk__in=stalled).update(progressed_at=now)
        for job_id in stalled:
            transaction.on_commit(partial(import_enqueue, job_id))
    return stalled


def import_files_purge(*, older_than: timedelta) -> int:
    """Delete the uploaded files of imports finished more than ``older_than`` ago: they hold
    people's personal data, and the job keeps its counts and failed rows for the report."""
    finished = ImportJob.objects.filter(
        status__in=FINISHED, finished_at__lt=timezone.now() - older_than
    ).exclude(file="")
    purged = 0
    for job in finished.only("pk", "file").iterator():
        job.file.delete(save=False)
        ImportJob.objects.filter(pk=job.pk).update(file="")
        purged += 1
    return purged
