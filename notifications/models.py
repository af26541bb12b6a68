"""Notifications: what a member was told, how it reached them, and what they want to be told.

A ``Notification`` is the record of one thing a user is told (the notification center lists
them); a ``Delivery`` is its trip through one outside channel (email, Telegram). In-app needs
no delivery row: the notification itself is shown and pushed over the user's sockets.
Idempotency hangs on ``Notification(user, key)`` — the key is the type plus the source (the
event id, a login session) — and on ``Delivery(notification, channel)``: one notice per event,
user and channel, however often an event is redispatched.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone

from accounts.models import Organization, OrgOwned


class Channel(models.TextChoices):
    IN_APP = "in_app", "In the app"
    EMAIL = "email", "Email"
    TELEGRAM = "telegram", "Telegram"


class Notification(OrgOwned):
    # Null for account-level notices (a new sign-in, MFA changed) that belong to no
    # organization: they show in every organization's notification center of their user.
    organization = models.ForeignKey(
        Organization,
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="+",
        db_index=True,
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notifications"
    )
    type = models.CharField(max_length=64)  # a key of notifications.registry
    # "<type>:<source>", e.g. "deal.won:event:812": the same source never notifies twice.
    key = models.CharField(max_length=160)
    event = models.ForeignKey(
        "automation.Event", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    title = models.CharField(max_length=200)
    body = models.TextField(blank=True)
    url = models.CharField(max_length=500, blank=True)  # a path in the app: where it leads
    object_type = models.CharField(max_length=40, blank=True)  # "deal", "chat", "draft"…
    object_id = models.BigIntegerField(null=True, blank=True)
    data = models.JSONField(default=dict, blank=True)  # per type extras (buttons' ids…)
    # False when the user turned this type's in-app channel off: the row still carries the
    # email/Telegram deliveries but the center does not list it.
    in_app = models.BooleanField(default=True)
    created_at = models.DateTimeField(default=timezone.now)
    read_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["user", "key"], name="notification_unique_key")
        ]
        indexes = [
            models.Index(fields=["user", "-created_at"], name="notification_user_recent"),
            models.Index(
                fields=["user", "organization"],
                name="notification_user_unread",
                condition=models.Q(read_at__isnull=True, in_app=True),
            ),
        ]
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.user} · {self.title}"

    @property
    def is_read(self) -> bool:
        return self.read_at is not None


class Delivery(models.Model):
    """A notification's trip through email or Telegram, queued, retried and recorded."""

    class Status(models.TextChoices):
        PENDING = "pending", "Pending"  # waits for ``due_at`` (quiet hours) or its task
        DIGEST = "digest", "In the next digest"  # goes out with the user's email digest
        SENT = "sent", "Sent"
        FAILED = "failed", "Failed"  # gave up after the retries
        SKIPPED = "skipped", "Skipped"  # nowhere to send it (no Telegram link), or not allowed

    notification = models.ForeignKey(
        Notification, on_delete=models.CASCADE, related_name="deliveries"
    )
    channel = models.CharField(max_length=16, choices=Channel.choices)
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.PENDING)
    due_at = models.DateTimeField(default=timezone.now)
    attempts = models.PositiveSmallIntegerField(default=0)
    last_error = models.TextField(blank=True)
    detail = models.CharField(max_length=200, blank=True)  # "Telegram message 81", skip reason
    sent_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["notification", "channel"], name="delivery_unique_channel"
            )
        ]
        indexes = [
            models.Index(
                fields=["due_at"],
                name="delivery_waiting_due",
                condition=models.Q(status__in=["pending", "digest"]),
            )
        ]
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.notification} → {self.channel} ({self.status})"


class Preference(models.Model):
    """A user's own choice for one type and channel; it wins over the organization's default
    and the type's built-in default. Global to the user (all their organizations)."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notification_prefs"
    )
    type = models.CharField(max_length=64)
    channel = models.CharField(max_length=16, choices=Channel.choices)
    enabled = models.BooleanField()

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["user", "type", "channel"], name="notification_pref_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.user} · {self.type} · {self.channel}: {'on' if self.enabled else 'off'}"


class OrgDefault(OrgOwned):
    """An organization admin's default for one type and channel, for members who did not
    choose themselves."""

    type = models.CharField(max_length=64)
    channel = models.CharField(max_length=16, choices=Channel.choices)
    enabled = models.BooleanField()

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["organization", "type", "channel"], name="notification_default_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.organization_id} · {self.type} · {self.channel}"


class UserSettings(models.Model):
    """Quiet hours (in ``User.time_zone``) and the email digest choice of one user."""

    class Digest(models.TextChoices):
        OFF = "off", "Send each email at once"
        HOURLY = "hourly", "Hourly digest"
        DAILY = "daily", "Daily digest (at the end of quiet hours, else 09:00)"

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        primary_key=True,
        related_name="notification_settings",
    )
    # Both set: email and Telegram wait from start to end (may wrap past midnight); in-app
    # notices still arrive. Urgent types (security) ignore quiet hours.
    quiet_start = models.TimeField(null=True, blank=True)
    quiet_end = models.TimeField(null=True, blank=True)
    digest = models.CharField(max_length=8, choices=Digest.choices, default=Digest.OFF)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name_plural = "user settings"

    def __str__(self) -> str:
        return f"Notification settings of {self.user}"


class TelegramLinkCode(OrgOwned):
    """A one-time code a member sends to the organization's bot (``/start link_<code>``) to
    link their Telegram account; only its hash is stored."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    code_hash = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(default=timezone.now)
    expires_at = models.DateTimeField()
    used_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        indexes = [models.Index(fields=["organization", "user"])]

    def __str__(self) -> str:
        return f"Telegram link code of {self.user}"
