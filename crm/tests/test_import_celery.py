"""An import started the normal way runs in a real Celery worker, to the end."""

import time

from crm.models import Contact, ImportJob
from crm.services import imports
from crm.tests.import_files import csv_upload


def wait_until(condition, timeout: float = 30) -> None:
    deadline = time.monotonic() + timeout
    while not condition() and time.monotonic() < deadline:
        time.sleep(0.05)


def test_a_started_import_runs_in_the_worker_and_completes(celery_worker, make_member, settings):
    settings.CRM_IMPORT_CHUNK_ROWS = 10
    member = make_member("bidi")
    rows = "".join(f"Person {i},person{i}@example.com\n" for i in range(45))
    job = csv_upload(member, "Name,Email\n" + rows)

    imports.import_start(job=job, actor=member.user)

    finished = ImportJob.objects.filter(pk=job.pk, status="completed")
    wait_until(finished.exists)
    job.refresh_from_db()
    assert (job.status, job.processed_rows, job.created_count) == ("completed", 45, 45)
    assert Contact.objects.filter(organization=member.organization).count() == 45
    assert job.started_at <= job.finished_at
