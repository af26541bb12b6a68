"""A crash in the middle of an import loses only the chunk in flight; running it again resumes
after the last committed chunk, with the right counts and no duplicates."""

import pytest
from django.db import connection

from crm.models import Contact, ImportJob, ImportRowError
from crm.services import imports
from crm.tasks import IMPORT_MAX_RETRIES
from crm.tasks import import_run as import_run_task
from crm.tests.import_files import csv_upload

ROWS = 10
CRASH_EMAIL = "person7@example.com"  # row 8 of 10: in the third chunk of three rows


@pytest.fixture
def owner(make_member):
    return make_member("owner")


@pytest.fixture
def crash_on_insert(db):
    """A database trigger that fails the insert of one contact, as a crash would."""
    with connection.cursor() as cursor:
        cursor.execute(
            f"""
            CREATE FUNCTION crm_import_test_crash() RETURNS trigger AS $$
            BEGIN
                IF '{CRASH_EMAIL}' = ANY(NEW.emails) THEN
                    RAISE EXCEPTION 'simulated crash';
                END IF;
                RETURN NEW;
            END $$ LANGUAGE plpgsql;
            CREATE TRIGGER crm_import_test_crash BEFORE INSERT ON crm_contact
                FOR EACH ROW EXECUTE FUNCTION crm_import_test_crash();
            """
        )

    def stop() -> None:
        with connection.cursor() as cursor:
            cursor.execute("DROP TRIGGER crm_import_test_crash ON crm_contact")

    return stop


def started_job(owner) -> ImportJob:
    content = "Email,Tags\n" + "".join(f"person{i}@example.com,t{i}\n" for i in range(ROWS))
    job = csv_upload(owner, content)
    return imports.import_start(job=job, actor=owner.user)


def test_a_crash_keeps_the_committed_chunks_and_nothing_of_the_chunk_in_flight(
    owner, crash_on_insert
):
    job = started_job(owner)

    with pytest.raises(Exception, match="simulated crash"):
        imports.import_run(job_id=job.pk, chunk_size=3)

    job.refresh_from_db()
    assert (job.status, job.processed_rows, job.created_count) == ("running", 6, 6)
    assert "resumes from the last saved row" in job.error_message
    assert Contact.objects.count() == 6
    assert not Contact.objects.filter(emails__contains=["person6@example.com"]).exists()
    assert not Contact.tags.through.objects.filter(tag__name="t6").exists()
    assert not ImportRowError.objects.exists()


def test_running_again_resumes_after_the_last_committed_chunk(owner, crash_on_insert):
    job = started_job(owner)
    with pytest.raises(Exception, match="simulated crash"):
        imports.import_run(job_id=job.pk, chunk_size=3)
    crash_on_insert()

    job = imports.import_run(job_id=job.pk, chunk_size=3)

    assert (job.status, job.processed_rows, job.total_rows) == ("completed", ROWS, ROWS)
    assert (job.created_count, job.updated_count, job.skipped_count) == (ROWS, 0, 0)
    assert job.error_message == ""
    assert Contact.objects.count() == ROWS
    assert Contact.tags.through.objects.count() == ROWS


def test_a_finished_import_is_not_run_again(owner):
    job = started_job(owner)
    imports.import_run(job_id=job.pk)
    Contact.objects.all().delete()

    job = imports.import_run(job_id=job.pk)

    assert job.created_count == ROWS
    assert not Contact.objects.exists()


def test_the_task_marks_the_import_failed_when_its_retries_run_out(owner, crash_on_insert):
    job = started_job(owner)

    last_attempt = IMPORT_MAX_RETRIES
    result = import_run_task.apply(args=[job.pk], retries=last_attempt, throw=False)

    assert result.failed()
    job.refresh_from_db()
    assert job.status == "failed"
    assert job.finished_at is not None
    assert f"stopped after 0 of {ROWS} rows" in job.error_message
