"""A Telegram Desktop export uploaded for import (the import itself: messaging.services.history)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone

from accounts.models import OrgOwned
from messaging.models.bots import TelegramBot


def history_upload_to(instance: HistoryImport, filename: str) -> str:
    return f"history-imports/{instance.organization_id}/{timezone.now():%Y/%m}/{filename}"


class HistoryImport(OrgOwned):
    class Status(models.TextChoices):
        UPLOADED = "uploaded", "Uploaded"
        QUEUED = "queued", "Queued"
        RUNNING = "running", "Running"
        DONE = "done", "Done"
        FAILED = "failed", "Failed"

    file = models.FileField(upload_to=history_upload_to, max_length=255)
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.UPLOADED)
    bot = models.ForeignKey(
        TelegramBot, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    total = models.PositiveIntegerField(default=0)
    processed = models.PositiveIntegerField(default=0)
    chats_created = models.PositiveIntegerField(default=0)
    contacts_created = models.PositiveIntegerField(default=0)
    messages_created = models.PositiveIntegerField(default=0)
    messages_skipped = models.PositiveIntegerField(default=0)
    report = models.JSONField(default=list, blank=True)
    error = models.TextField(blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        indexes = [models.Index(fields=["organization", "-created_at"])]
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"History import {self.pk} ({self.status})"
