"""CSV import of contacts and companies: upload → mapping → preview → start → run.

``import_upload`` sniffs the file (encoding, delimiter, header, row count) and suggests a
mapping; ``import_configure`` sets the mapping and dedupe mode; ``import_preview`` cleans the
first rows exactly as the run will; ``import_start`` queues ``crm.tasks.import_run``, which calls
``import_run`` here.

The run writes chunks of ``CRM_IMPORT_CHUNK_ROWS`` rows, each in one transaction that also
advances ``processed_rows`` and the counters: a crash loses at most the chunk in flight, and
running the task again resumes after the last committed chunk — never half a row. Rows are
written in bulk (``crm.import_writers``), so the run emits summary events — ``import.progressed``
per chunk and ``import.finished`` at the end — not one ``contact.created`` per row.
"""

from __future__ import annotations

import queue
import sys
import threading
import uuid
from collections.abc import Generator, Iterator
from contextlib import closing, contextmanager
from dataclasses import dataclass
from itertools import islice
from pathlib import PurePath
from typing import IO, Any

from django.conf import settings
from django.core.files.uploadedfile import UploadedFile
from django.db import connection, transaction
from django.utils import timezone

from accounts.audit import audit_record
from accounts.errors import Conflict, ValidationError
from accounts.models import Organization, User
from accounts.services import require_permission
from automation.events import emit
from crm import csv_formats
from crm.custom_fields import definitions_for
from crm.import_fields import (
    CleanRow,
    RowCleaner,
    Target,
    mapping_suggest,
    mapping_validate,
    targets_for,
)
from crm.import_writers import companies_write, contacts_write
from crm.models import Entity, ImportJob, ImportRowError
from crm.normalize import phone_regions

Status = ImportJob.Status
PREVIEW_ROWS = 20
READ_AHEAD_SWITCH_INTERVAL = 0.0005  # seconds
FINISHED = (Status.COMPLETED, Status.FAILED, Status.CANCELLED)


def max_bytes() -> int:
    return settings.CRM_IMPORT_MAX_BYTES


def size_label(size: int) -> str:
    if size >= 1024 * 1024:
        return f"{size / 1024 / 1024:.1f}".removesuffix(".0") + " MB"
    return f"{size / 1024:.0f} KB"


def too_large_message(size: int) -> str:
    return (
        f"The file is {size_label(size)}; the limit is {size_label(max_bytes())}. Split it into "
        "smaller files and import them one after another."
    )


def import_payload(job: ImportJob) -> dict[str, Any]:
    """The job as events and the progress page see it (JSON-safe)."""
    return {
        "id": job.pk,
        "entity": job.entity,
        "status": job.status,
        "file_name": job.original_filename,
        "total_rows": job.total_rows,
        "processed_rows": job.processed_rows,
        "created": job.created_count,
        "updated": job.updated_count,
        "skipped": job.skipped_count,
        "failed": job.failed_count,
    }


# --- Upload and configuration ----------------------------------------------------------------


@dataclass(frozen=True)
class Sniffed:
    encoding: str
    delimiter: str
    headers: list[str]
    total_rows: int


def file_sniff(stream: IO[bytes]) -> Sniffed:
    """Encoding, delimiter, header and data-row count of a CSV file, or ValidationError."""
    encoding = csv_formats.encoding_detect(stream)
    text = csv_formats.text_open(stream, encoding)
    try:
        delimiter = csv_formats.delimiter_detect(text.read(csv_formats.SAMPLE_BYTES))
        text.seek(0)
        header, records = csv_formats.records_read(text, delimiter)
        total = sum(1 for _ in records)
    finally:
        text.detach()  # the caller still needs the binary stream
    if total == 0:
        message = "The file has a header row but no rows to import."
        raise ValidationError(message, fields={"file": [message]})
    return Sniffed(encoding, delimiter, csv_formats.headers_unique(header), total)


@transaction.atomic
def import_upload(
    *, organization: Organization, actor: User, entity: str, file: UploadedFile
) -> ImportJob:
    """Store an uploaded CSV as a new import with its detected format and a suggested mapping.

    Refuses empty files, files over ``CRM_IMPORT_MAX_BYTES``, files that are not CSV text
    (spreadsheets, archives, images) and files without data rows, each with its own message.
    """
    require_permission(organization, actor, "crm.import")
    if entity not in Entity.values:
        raise ValidationError("Choose contacts or companies.", fields={"entity": ["Invalid."]})
    if file.size is not None and file.size > max_bytes():
        message = too_large_message(file.size)
        raise ValidationError(message, fields={"file": [message]})
    if not file.size:
        raise ValidationError("The file is empty.", fields={"file": ["The file is empty."]})
    stream = getattr(file, "file", file)
    sniffed = file_sniff(stream)
    stream.seek(0)
    original = PurePath(file.name or "import.csv").name[:255]
    # A random stored name: the original may say something about the people in it.
    file.name = f"{uuid.uuid4().hex}.csv"
    job = ImportJob.objects.create(
        organization=organization,
        entity=entity,
        file=file,
        original_filename=original,
        encoding=sniffed.encoding,
        delimiter=sniffed.delimiter,
        headers=sniffed.headers,
        mapping=mapping_suggest(entity, sniffed.headers, definitions_for(organization, entity)),
        total_rows=sniffed.total_rows,
        created_by=actor,
    )
    audit_record(
        action="crm.import_uploaded",
        actor=actor,
        organization=organization,
        target=job,
        metadata={"entity": entity, "rows": sniffed.total_rows, "file": original},
    )
    return job


def import_targets(job: ImportJob) -> list[Target]:
    """The fields this import's columns can go to."""
    return targets_for(job.entity, definitions_for(job.organization, job.entity))


@transaction.atomic
def import_configure(
    *,
    job: ImportJob,
    actor: User,
    mapping: dict[str, str] | None = None,
    dedupe_mode: str | None = None,
    phone_region: str | None = None,
) -> ImportJob:
    """Set the column mapping, the dedupe mode and/or the country of phone numbers written
    without a country code ("" for none) of an import that has not started.

    The mapping is checked whole: known columns and fields, one column per single field, and
    the columns a record needs (contacts: a name, email, phone or Telegram; companies: name).
    """
    require_permission(job.organization, actor, "crm.import")
    job = ImportJob.objects.select_for_update().get(pk=job.pk)
    if job.status != Status.UPLOADED:
        raise Conflict("This import has already started; its settings can no longer change.")
    if dedupe_mode is not None:
        if dedupe_mode not in ImportJob.DedupeMode.values:
            raise ValidationError(
                "Choose “update existing” or “skip existing”.",
                fields={"dedupe_mode": ["Choose update or skip."]},
            )
        job.dedupe_mode = dedupe_mode
    if phone_region is not None:
        phone_region = phone_region.strip().upper()
        if phone_region and phone_region not in dict(phone_regions()):
            raise ValidationError(
                "Choose the country of the phone numbers from the list.",
                fields={"phone_region": [f"“{phone_region}” is not a country code we know."]},
            )
        job.phone_region = phone_region
    if mapping is not None:
        definitions = definitions_for(job.organization, job.entity)
        job.mapping = mapping_validate(job.entity, job.headers, mapping, definitions)
    job.save(update_fields=["mapping", "dedupe_mode", "phone_region"])
    return job


@transaction.atomic
def import_start(*, job: ImportJob, actor: User) -> ImportJob:
    """Queue the import; the Celery task runs it after this transaction commits."""
    require_permission(job.organization, actor, "crm.import")
    job = ImportJob.objects.select_for_update().get(pk=job.pk)
    if job.status != Status.UPLOADED:
        raise Conflict("This import has already been started.")
    definitions = definitions_for(job.organization, job.entity)
    job.mapping = mapping_validate(job.entity, job.headers, job.mapping, definitions)
    job.status = Status.QUEUED
    job.progressed_at = timezone.now()
    job.save(update_fields=["mapping", "status", "progressed_at"])
    audit_record(
        action="crm.import_started",
        actor=actor,
        organization=job.organization,
        target=job,
        metadata={
            "mapping": job.mapping,
            "dedupe_mode": job.dedupe_mode,
            "phone_region": job.phone_region,
        },
    )
    transaction.on_commit(lambda: import_enqueue(job.pk))
    return job


def import_enqueue(job_id: int) -> None:
    """Hand the import to a worker (also used to resume stalled ones)."""
    from crm.tasks import import_run as import_run_task

    import_run_task.delay(job_id)


# --- Preview ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class PreviewCell:
    value: str
    error: str = ""


@dataclass(frozen=True)
class PreviewRow:
    line: int
    cells: list[PreviewCell]
    error: str = ""

    @property
    def ok(self) -> bool:
        return not self.error and not any(cell.error for cell in self.cells)


@dataclass(frozen=True)
class ImportPreview:
    columns: list[tuple[str, str]]  # (header, target label) of the mapped columns
    rows: list[PreviewRow]

    @property
    def invalid_count(self) -> int:
        return sum(1 for row in self.rows if not row.ok)


def import_preview(*, job: ImportJob, limit: int = PREVIEW_ROWS) -> ImportPreview:
    """The first rows with the mapped columns and what is wrong with each cell — the same
    cleaning the run applies (matching against existing records is not previewed)."""
    labels = {target.key: target.label for target in import_targets(job)}
    mapped = [(i, h) for i, h in enumerate(job.headers) if job.mapping.get(h) in labels]
    columns = [(header, labels[job.mapping[header]]) for _, header in mapped]
    cleaner = RowCleaner(
        organization=job.organization,
        entity=job.entity,
        headers=job.headers,
        mapping=job.mapping,
        phone_region=job.phone_region,
    )
    rows = []
    with _job_records(job) as records:
        for record in islice(records, limit):
            if record.values is None:
                rows.append(PreviewRow(record.line, [], record.error))
                continue
            clean = cleaner.clean(record.values)
            cells = [PreviewCell(record.values[i], clean.errors.get(h, "")) for i, h in mapped]
            rows.append(PreviewRow(record.line, cells, clean.errors.get("", "")))
    return ImportPreview(columns=columns, rows=rows)


def import_samples(*, job: ImportJob, rows: int = 3) -> dict[str, list[str]]:
    """A few non-empty values of each column, to help whoever maps them."""
    samples: dict[str, list[str]] = {header: [] for header in job.headers}
    with _job_records(job) as records:
        for record in islice(records, 50):
            for header, value in zip(job.headers, record.values or (), strict=False):
                if value.strip() and len(samples[header]) < rows:
                    samples[header].append(value.strip()[:60])
    return samples


@contextmanager
def _job_records(job: ImportJob) -> Iterator[Iterator[csv_formats.Record]]:
    with job.file.storage.open(job.file.name, "rb") as handle:
        text = csv_formats.text_open(getattr(handle, "file", handle), job.encoding)
        _, records = csv_formats.records_read(text, job.delimiter)
        yield records


# --- Run -------------------------------------------------------------------------------------


def import_run(*, job_id: int, chunk_size: int | None = None) -> ImportJob:
    """Run a queued import to the end, or resume a running one after its last committed chunk.

    Safe to call twice at once (a redelivered task beside a slow one): each chunk locks the job
    row and starts from the ``processed_rows`` it finds. An exception leaves the job running
    with a note in ``error_message`` and propagates, so the task retries and resumes.
    """
    chunk_size = chunk_size or settings.CRM_IMPORT_CHUNK_ROWS
    with transaction.atomic():
        job = ImportJob.objects.select_for_update().get(pk=job_id)
        if job.status not in (Status.QUEUED, Status.RUNNING):
            return job
        if job.status == Status.QUEUED:
            job.status = Status.RUNNING
            job.started_at = timezone.now()
        job.error_message = ""
        job.progressed_at = timezone.now()
        job.save(update_fields=["status", "started_at", "error_message", "progressed_at"])
    cleaner = RowCleaner(
        organization=job.organization,
        entity=job.entity,
        headers=job.headers,
        mapping=job.mapping,
        phone_region=job.phone_region,
    )
    try:
        with _job_records(job) as records:
            position = job.processed_rows
            for _ in range(position):
                next(records, None)  # resuming: these rows are committed already
            batches = _read_ahead(_batches_clean(records, cleaner, chunk_size))
            with closing(batches):  # stops the reader before the file closes
                for batch in batches:
                    with transaction.atomic():
                        job = ImportJob.objects.select_for_update().get(pk=job_id)
                        if job.status != Status.RUNNING:
                            return job
                        # Rows a concurrent run of the same job committed meanwhile.
                        done = min(job.processed_rows - position, len(batch))
                        position += done
                        if done < len(batch):
                            _chunk_write(job, batch[done:], cleaner)
                            position += len(batch) - done
        with transaction.atomic():
            job = ImportJob.objects.select_for_update().get(pk=job_id)
            if job.status == Status.RUNNING:
                _finish(job, Status.COMPLETED)
            return job
    except Exception as exc:
        note = f"Interrupted ({type(exc).__name__}: {exc}); it resumes from the last saved row."
        ImportJob.objects.filter(pk=job_id, status=Status.RUNNING).update(error_message=note[:2000])
        raise


Batch = list[tuple[csv_formats.Record, CleanRow | None]]


def _batches_clean(
    records: Iterator[csv_formats.Record], cleaner: RowCleaner, size: int
) -> Iterator[Batch]:
    while batch := list(islice(records, size)):
        yield [(r, None if r.values is None else cleaner.clean(r.values)) for r in batch]


def _read_ahead(items: Iterator[Batch]) -> Generator[Batch, None, None]:
    """Iterate ``items`` one step ahead in a thread: the next chunk is parsed and cleaned (pure
    Python, no database) while this one waits on PostgreSQL, so both cores of a small server
    work. The GIL switch interval is shortened meanwhile: with the default 5 ms, the thread
    returning from each database call would wait that long for the cleaner to let go."""
    handoff: queue.Queue[tuple[str, Any]] = queue.Queue(maxsize=1)
    stop = threading.Event()

    def hand(kind: str, value: Any) -> bool:
        while not stop.is_set():
            try:
                handoff.put((kind, value), timeout=0.1)
                return True
            except queue.Full:
                continue
        return False

    def produce() -> None:
        try:
            for item in items:
                if not hand("item", item):
                    return
            hand("done", None)
        except BaseException as exc:  # handed over: the consumer raises it
            hand("error", exc)

    interval = sys.getswitchinterval()
    sys.setswitchinterval(min(interval, READ_AHEAD_SWITCH_INTERVAL))
    thread = threading.Thread(target=produce, name="crm-import-read-ahead", daemon=True)
    thread.start()
    try:
        while True:
            kind, value = handoff.get()
            if kind == "error":
                raise value
            if kind == "done":
                return
            yield value
    finally:
        stop.set()
        thread.join(timeout=10)
        sys.setswitchinterval(interval)


def _chunk_write(job: ImportJob, batch: Batch, cleaner: RowCleaner) -> None:
    with connection.cursor() as cursor:
        # The chunk and the job's progress commit together, so a commit lost in a database
        # crash is a chunk the resumed run does again: no need to wait for the disk flush.
        cursor.execute("SET LOCAL synchronous_commit = off")
    good: list[tuple[int, dict[str, Any]]] = []
    failures: list[ImportRowError] = []
    cells_by_line: dict[int, list[str]] = {}
    for record, clean in batch:
        if clean is None:
            failures.append(_row_error(job, record.line, record.error, {"_raw": record.raw}))
            continue
        if clean.errors:
            row = dict(zip(job.headers, record.values, strict=True))
            failures.append(_row_error(job, record.line, clean.reason, row))
            continue
        good.append((record.line, clean.values))
        cells_by_line[record.line] = record.values
    write = contacts_write if job.entity == Entity.CONTACT else companies_write
    outcome = write(
        organization=job.organization,
        rows=good,
        update=job.dedupe_mode == ImportJob.DedupeMode.UPDATE,
        cleaner=cleaner,
    )
    for line, reason in outcome.failures:
        row = dict(zip(job.headers, cells_by_line[line], strict=True))
        failures.append(_row_error(job, line, reason, row))
    ImportRowError.objects.bulk_create(failures)
    job.processed_rows += len(batch)
    job.created_count += outcome.created
    job.updated_count += outcome.updated
    job.skipped_count += outcome.skipped
    job.failed_count += len(failures)
    job.progressed_at = timezone.now()
    job.save(
        update_fields=[
            "progressed_at",
            "processed_rows",
            "created_count",
            "updated_count",
            "skipped_count",
            "failed_count",
        ]
    )
    emit(job.organization, "import.progressed", {"import": import_payload(job)}, job.created_by)


def _row_error(job: ImportJob, line: int, reason: str, row: dict[str, str]) -> ImportRowError:
    return ImportRowError(
        organization_id=job.organization_id, job=job, line=line, reason=reason, row=row
    )


def _finish(job: ImportJob, status: str, message: str = "") -> None:
    job.status = status
    job.finished_at = timezone.now()
    job.error_message = message
    job.save(update_fields=["status", "finished_at", "error_message"])
    emit(job.organization, "import.finished", {"import": import_payload(job)}, job.created_by)


@transaction.atomic
def import_fail(*, job_id: int, message: str) -> None:
    """Give up on an import whose retries ran out; the committed rows stay imported."""
    job = ImportJob.objects.select_for_update().filter(pk=job_id).first()
    if job is None or job.status in FINISHED:
        return
    _finish(
        job,
        Status.FAILED,
        f"The import stopped after {job.processed_rows:,} of {job.total_rows:,} rows: {message}",
    )
