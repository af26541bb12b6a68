"""Downloading inbound attachments: ``getFile``, then the file URL, into Django storage.

Runs in its own task after the message committed. The row lock (``SKIP LOCKED``) keeps two
workers from fetching the same file; ``status`` makes a retry after success a no-op. Files
above ``TELEGRAM_MAX_FILE_BYTES`` (by the size Telegram announces, and again by the bytes that
arrive) are not kept: the attachment says "too large" and the message still shows it.
"""

from __future__ import annotations

import logging
import os
import re

import telegram
from django.conf import settings
from django.core.files.base import ContentFile
from django.db import transaction
from telegram.error import TelegramError

from messaging.models import Attachment
from messaging.telegram.client import is_transient, telegram_call

logger = logging.getLogger(__name__)

_UNSAFE = re.compile(r"[^A-Za-z0-9._-]+")


def _safe_name(attachment: Attachment, file_path: str) -> str:
    name = attachment.file_name or os.path.basename(file_path) or f"{attachment.kind}.bin"
    stem, ext = os.path.splitext(name)
    return (_UNSAFE.sub("_", stem).strip("._")[:80] or attachment.kind) + ext[:10]


def attachment_download(attachment_pk: int) -> str:
    """Fetch and store one pending attachment; returns its new status (or "skipped")."""
    limit = settings.TELEGRAM_MAX_FILE_BYTES
    with transaction.atomic():
        attachment = (
            Attachment.objects.select_for_update(skip_locked=True, of=("self",))
            .select_related("message__chat__bot")
            .filter(pk=attachment_pk, status=Attachment.Status.PENDING)
            .first()
        )
        if attachment is None:
            return "skipped"
        bot = attachment.message.chat.bot
        if bot is None or not attachment.telegram_file_id:
            return _finish(attachment, Attachment.Status.FAILED, "No Telegram file to fetch.")
        if attachment.size and attachment.size > limit:
            return _finish(attachment, Attachment.Status.TOO_LARGE, _too_large(attachment.size))

        async def fetch(client: telegram.Bot) -> tuple[telegram.File, bytes | None]:
            file = await client.get_file(attachment.telegram_file_id)
            if (file.file_size and file.file_size > limit) or not file.file_path:
                return file, None
            return file, bytes(await file.download_as_bytearray())

        try:
            file, data = telegram_call(bot, fetch)
        except TelegramError as error:
            if is_transient(error):
                raise  # the task retries with backoff
            return _finish(attachment, Attachment.Status.FAILED, f"Telegram: {error.message}")
        size = len(data) if data is not None else file.file_size
        if data is None or len(data) > limit:
            return _finish(attachment, Attachment.Status.TOO_LARGE, _too_large(size))
        attachment.file.save(
            _safe_name(attachment, file.file_path or ""), ContentFile(data), save=False
        )
        attachment.size = len(data)
        attachment.status = Attachment.Status.STORED
        attachment.error = ""
        attachment.save(update_fields=["file", "size", "status", "error"])
        return attachment.status


def _too_large(size: int | None) -> str:
    limit_mb = settings.TELEGRAM_MAX_FILE_BYTES / 1024 / 1024
    got = f"{size / 1024 / 1024:.1f} MB" if size else "unknown size (over 20 MB)"
    return f"The file ({got}) is over the {limit_mb:.0f} MB limit."


def _finish(attachment: Attachment, status: str, error: str) -> str:
    attachment.status = status
    attachment.error = error
    attachment.save(update_fields=["status", "error"])
    return status
