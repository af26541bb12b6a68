"""Telegram bots an organization connected, and the raw updates Telegram sent them."""

from __future__ import annotations

import secrets

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone

from accounts.crypto import EncryptedTextField
from accounts.models import OrgOwned


def webhook_secret_new() -> str:
    """43 URL-safe characters: Telegram allows A-Z, a-z, 0-9, _ and - up to 256."""
    return secrets.token_urlsafe(32)


class TelegramBot(OrgOwned):
    class Mode(models.TextChoices):
        WEBHOOK = "webhook", "Webhook"
        POLLING = "polling", "Long polling"

    name = models.CharField(max_length=120)
    username = models.CharField(max_length=64, help_text="The bot's @username, without @.")
    telegram_id = models.BigIntegerField()
    # Encrypted at rest (accounts.crypto); never shown again after connecting.
    token = EncryptedTextField()
    webhook_secret = models.CharField(max_length=64, default=webhook_secret_new, unique=True)
    mode = models.CharField(max_length=16, choices=Mode.choices, default=Mode.POLLING)
    is_active = models.BooleanField(default=True)
    polling_offset = models.BigIntegerField(default=0)
    last_error = models.TextField(blank=True)
    connected_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    connected_at = models.DateTimeField(default=timezone.now)
    disconnected_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["organization", "telegram_id"],
                condition=Q(is_active=True),
                name="telegrambot_unique_active",
            )
        ]
        indexes = [models.Index(fields=["organization", "is_active"])]
        ordering = ["name"]

    def __str__(self) -> str:
        return f"@{self.username}"


class TelegramUpdate(OrgOwned):
    """One update exactly as Telegram sent it, stored before anything else happens."""

    class Status(models.TextChoices):
        PENDING = "pending", "Pending"
        PROCESSED = "processed", "Processed"
        FAILED = "failed", "Failed"

    bot = models.ForeignKey(TelegramBot, on_delete=models.CASCADE, related_name="updates")
    update_id = models.BigIntegerField()
    payload = models.JSONField()
    received_at = models.DateTimeField(default=timezone.now)
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.PENDING)
    attempts = models.PositiveIntegerField(default=0)
    error = models.TextField(blank=True)
    processed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["bot", "update_id"], name="telegramupdate_unique")
        ]
        indexes = [
            models.Index(
                fields=["status", "received_at"],
                condition=Q(status="pending"),
                name="telegramupdate_pending",
            ),
            models.Index(fields=["organization", "-received_at"]),
        ]
        ordering = ["-received_at"]

    def __str__(self) -> str:
        return f"update {self.update_id} of bot {self.bot_id}"
