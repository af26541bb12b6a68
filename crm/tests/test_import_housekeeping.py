"""Imports that stalled are resumed, and uploaded files do not outlive their import for long."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from crm import tasks
from crm.models import Contact, ImportJob
from crm.services import imports
from crm.tests.import_files import csv_upload, import_through

pytestmark = pytest.mark.django_db

PEOPLE = "Email\nann@example.com\nbob@example.com\n"


@pytest.fixture
def owner(make_member):
    return make_member("owner")


def queued_but_never_run(owner) -> ImportJob:
    """Started, but its task never reached a worker (the on-commit enqueue is not run here)."""
    job = csv_upload(owner, PEOPLE)
    imports.import_configure(job=job, actor=owner.user)
    return imports.import_start(job=job, actor=owner.user)


def test_an_import_stuck_in_the_queue_is_run_by_the_sweeper(
    owner, django_capture_on_commit_callbacks
):
    job = queued_but_never_run(owner)
    ImportJob.objects.filter(pk=job.pk).update(progressed_at=timezone.now() - timedelta(hours=1))

    with django_capture_on_commit_callbacks(execute=True):
        resumed = tasks.imports_resume_stalled()

    job.refresh_from_db()
    assert resumed == [job.pk]
    assert (job.status, job.created_count) == ("completed", 2)
    assert Contact.objects.count() == 2


def test_an_import_that_progressed_recently_is_left_alone(
    owner, django_capture_on_commit_callbacks
):
    job = queued_but_never_run(owner)

    with django_capture_on_commit_callbacks(execute=True):
        resumed = tasks.imports_resume_stalled()

    job.refresh_from_db()
    assert resumed == []
    assert job.status == "queued"


def test_a_resumed_import_is_not_queued_again_at_the_next_sweep(owner):
    job = queued_but_never_run(owner)
    ImportJob.objects.filter(pk=job.pk).update(progressed_at=timezone.now() - timedelta(hours=1))

    first = tasks.imports_resume_stalled()
    second = tasks.imports_resume_stalled()

    assert (first, second) == ([job.pk], [])


def test_old_finished_imports_lose_their_file_but_keep_their_report(owner, client):
    old = import_through(owner, "Email\nann@example.com\nnot-an-email\n")
    recent = import_through(owner, PEOPLE)
    ImportJob.objects.filter(pk=old.pk).update(finished_at=timezone.now() - timedelta(days=31))
    storage, old_name = old.file.storage, old.file.name

    purged = tasks.import_files_purge()

    old.refresh_from_db()
    recent.refresh_from_db()
    assert purged == 1
    assert old.file.name == ""
    assert not storage.exists(old_name)
    assert storage.exists(recent.file.name)
    client.force_login(owner.user)
    report = client.get(reverse("crm:import_detail", args=[old.pk]))
    assert report.status_code == 200
    errors = client.get(reverse("crm:import_errors", args=[old.pk]))
    assert "not-an-email" in b"".join(errors.streaming_content).decode()
