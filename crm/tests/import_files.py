"""Building and running CSV imports in tests, through the same services the web, the API and
the Celery task use."""

from __future__ import annotations

from django.core.files.uploadedfile import SimpleUploadedFile

from crm.models import ImportJob
from crm.services import imports


def csv_upload(member, content: str | bytes, entity: str = "contact", name: str = "people.csv"):
    data = content.encode() if isinstance(content, str) else content
    return imports.import_upload(
        organization=member.organization,
        actor=member.user,
        entity=entity,
        file=SimpleUploadedFile(name, data, content_type="text/csv"),
    )


def import_through(
    member,
    content: str | bytes,
    *,
    entity: str = "contact",
    mapping: dict[str, str] | None = None,
    dedupe_mode: str = "update",
    chunk_size: int | None = None,
) -> ImportJob:
    """Upload, map (the suggestion unless ``mapping``), start and run the import to the end."""
    job = csv_upload(member, content, entity)
    imports.import_configure(job=job, actor=member.user, mapping=mapping, dedupe_mode=dedupe_mode)
    imports.import_start(job=job, actor=member.user)
    return imports.import_run(job_id=job.pk, chunk_size=chunk_size)
