"""History import: a Telegram Desktop export (``result.json`` or a ZIP of the export folder)
becomes chats, contacts and messages of one of the organization's bots, with Telegram's
original timestamps.

``history_import_upload`` stores the file and queues ``messaging.tasks.history_import_run``,
which calls ``history_import_run`` here. The run walks the export chat by chat in chunks of
``CHUNK_MESSAGES`` (``history_writer``, which does the writing); each chunk is one transaction
that writes its messages and advances ``processed`` and the counters on the import row
(locked), so a crash loses at most the chunk in flight and a redelivered task resumes after the
last committed chunk.

Dedupe ("what the bot already has"). Supergroups and channels number messages the same for
everybody, so there the Telegram message id decides. Private chats and basic groups number
messages per account: the exporter's ids are not the bot's, so a message counts as already
present when the chat holds one with the same text within a second of the same time
(each stored message answers for one exported message). Importing the same file twice therefore
creates nothing the second time, and a chat the bot has been receiving is filled in around
what it already has.

Directions. The exporter is on our side: in a private chat the other party is the chat's own id
(``personal_chat``) and everything else is outbound; in a chat with our bot (``bot_chat``) the
bot's messages are outbound; in groups the exporting account (named by full exports) is
outbound. Outbound messages are attributed to the member who imported the file — Telegram
Desktop exports one's own account.

Like the CSV import, this bypasses per-message events (thousands would flood the outbox and
live pages): it emits ``history.progressed`` per chunk and ``history.finished`` at the end.
Skipped items (unsupported chats, unreadable or duplicate messages, files left out of the
export) are listed in ``report`` with the reason.
"""

from __future__ import annotations

import zipfile
from contextlib import ExitStack

from django.conf import settings
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils import timezone

from accounts.errors import ValidationError
from accounts.models import Organization, User
from accounts.services import require_permission
from automation.events import emit
from messaging.models import HistoryImport, TelegramBot
from messaging.services.history_writer import ChatImporter, history_payload, report_add
from messaging.telegram.export_format import Export, ExportFiles, ExportFormatError, parse_export

Status = HistoryImport.Status


class HistoryImportInvalid(Exception):
    """The stored file cannot be imported (retrying will not help)."""


def _looks_like_export(upload: UploadedFile) -> None:
    """A cheap check at upload; the run reads the whole file and reports what it cannot."""
    name = (upload.name or "").lower()
    upload.seek(0)
    if name.endswith(".zip") or zipfile.is_zipfile(upload):
        upload.seek(0)
        try:
            ExportFiles(zipfile.ZipFile(upload))
        except (zipfile.BadZipFile, ExportFormatError) as exc:
            message = str(exc) if isinstance(exc, ExportFormatError) else "The ZIP is damaged."
            raise ValidationError(message, fields={"file": [message]}) from exc
    else:
        upload.seek(0)
        head = upload.read(4096).lstrip(b"\xef\xbb\xbf \t\r\n")
        if not head.startswith(b"{"):
            message = (
                "This is not a Telegram Desktop export: upload result.json (format "
                '"Machine-readable JSON") or a ZIP of the export folder.'
            )
            raise ValidationError(message, fields={"file": [message]})
    upload.seek(0)


@transaction.atomic
def history_import_upload(
    *, organization: Organization, actor: User, file: UploadedFile, bot: TelegramBot
) -> HistoryImport:
    """Store an export and queue its import into ``bot``'s chats. Needs ``history.import``."""
    require_permission(organization, actor, "history.import")
    if bot.organization_id != organization.pk or not bot.is_active:
        raise ValidationError(
            "Choose a connected bot.", fields={"bot": ["Choose a connected bot."]}
        )
    if file.size > settings.TELEGRAM_HISTORY_MAX_BYTES:
        limit = settings.TELEGRAM_HISTORY_MAX_BYTES // (1024 * 1024)
        message = f"The file is larger than {limit} MB. Export fewer chats at a time."
        raise ValidationError(message, fields={"file": [message]})
    _looks_like_export(file)
    job = HistoryImport(organization=organization, bot=bot, created_by=actor, status=Status.QUEUED)
    job.file.save(file.name or "result.json", file, save=False)
    job.save()
    transaction.on_commit(lambda: _enqueue(job.pk))
    return job


def _enqueue(import_id: int) -> None:
    from messaging.tasks import history_import_run

    history_import_run.delay(import_id)


def history_import_fail(*, import_id: int, message: str) -> None:
    """Give up on an import; what was committed stays imported (a re-run dedupes it)."""
    with transaction.atomic():
        job = HistoryImport.objects.select_for_update().filter(pk=import_id).first()
        if job is None or job.status in (Status.DONE, Status.FAILED):
            return
        _finish(job, Status.FAILED, message)


def _finish(job: HistoryImport, status: str, error: str = "") -> None:
    job.status = status
    job.error = error[:2000]
    job.finished_at = timezone.now()
    job.save(update_fields=["status", "error", "finished_at"])
    emit(job.organization, "history.finished", {"import": history_payload(job)}, job.created_by)


def _open(job: HistoryImport, stack: ExitStack) -> tuple[Export, ExportFiles | None]:
    handle = stack.enter_context(job.file.open("rb"))
    try:
        if zipfile.is_zipfile(handle):
            handle.seek(0)
            files = ExportFiles(stack.enter_context(zipfile.ZipFile(handle)))
            with files.result_json() as result:
                return parse_export(result), files
        handle.seek(0)
        return parse_export(handle), None
    except (zipfile.BadZipFile, ExportFormatError) as exc:
        raise HistoryImportInvalid(str(exc)) from exc


def history_import_run(*, import_id: int) -> None:
    """Run (or resume) an import; see the module docstring."""
    with transaction.atomic():
        job = HistoryImport.objects.select_for_update().filter(pk=import_id).first()
        if job is None or job.status in (Status.DONE, Status.FAILED):
            return
        job.status = Status.RUNNING
        job.started_at = job.started_at or timezone.now()
        job.save(update_fields=["status", "started_at"])
    with ExitStack() as stack:
        try:
            export, files = _open(job, stack)
        except HistoryImportInvalid as exc:
            history_import_fail(import_id=job.pk, message=str(exc))
            return
        if job.bot is None or not job.bot.is_active:
            history_import_fail(import_id=job.pk, message="The bot was disconnected.")
            return
        if job.total == 0 and not job.report:
            job.total = export.message_count
            report_add(job, export.skipped_chats)
            job.save(update_fields=["total", "report"])
        ChatImporter.run_all(job, export, files)
    with transaction.atomic():
        job = HistoryImport.objects.select_for_update().get(pk=import_id)
        if job.status == Status.RUNNING:
            _finish(job, Status.DONE)
