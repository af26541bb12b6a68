"""Messages in chats (both directions) and the files attached to them."""

from __future__ import annotations

import uuid

from django.conf import settings
from django.contrib.postgres.indexes import GinIndex, OpClass
from django.contrib.postgres.search import SearchVector
from django.db import models
from django.db.models import Q
from django.db.models.functions import Lower
from django.utils import timezone

from accounts.models import OrgOwned
from crm.models import Contact
from messaging.models.chats import Chat


class Message(OrgOwned):
    class Direction(models.TextChoices):
        IN = "in", "Inbound"
        OUT = "out", "Outbound"

    class Kind(models.TextChoices):
        TEXT = "text", "Text"
        PHOTO = "photo", "Photo"
        DOCUMENT = "document", "Document"
        VOICE = "voice", "Voice"
        VIDEO = "video", "Video"
        VIDEO_NOTE = "video_note", "Video note"
        AUDIO = "audio", "Audio"
        ANIMATION = "animation", "Animation"
        STICKER = "sticker", "Sticker"
        CONTACT = "contact", "Shared contact"
        LOCATION = "location", "Location"
        POLL = "poll", "Poll"
        SERVICE = "service", "Service"
        OTHER = "other", "Other"

    class Status(models.TextChoices):
        RECEIVED = "received", "Received"
        QUEUED = "queued", "Queued"
        SENDING = "sending", "Sending"
        SENT = "sent", "Sent"
        FAILED = "failed", "Failed"

    class Source(models.TextChoices):
        TELEGRAM = "telegram", "Telegram"
        MANUAL = "manual", "Manual"
        CAMPAIGN = "campaign", "Campaign"
        AGENT = "agent", "Agent"
        IMPORT = "import", "History import"
        COMMAND = "command", "Bot command"
        AUTOMATION = "automation", "Automation"

    chat = models.ForeignKey(Chat, on_delete=models.CASCADE, related_name="messages")
    direction = models.CharField(max_length=3, choices=Direction.choices)
    kind = models.CharField(max_length=16, choices=Kind.choices, default=Kind.TEXT)
    text = models.TextField(blank=True)
    entities = models.JSONField(default=list, blank=True)
    telegram_message_id = models.BigIntegerField(null=True, blank=True)
    reply_to = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.SET_NULL, related_name="replies"
    )
    sender_contact = models.ForeignKey(
        Contact, null=True, blank=True, on_delete=models.SET_NULL, related_name="messages_sent"
    )
    sender_user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    sent_by_bot = models.BooleanField(default=False)
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.RECEIVED)
    failure_reason = models.TextField(blank=True)
    attempts = models.PositiveIntegerField(default=0)
    next_attempt_at = models.DateTimeField(null=True, blank=True)
    idempotency_key = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    source = models.CharField(max_length=16, choices=Source.choices, default=Source.TELEGRAM)
    reply_markup = models.JSONField(null=True, blank=True)
    service_action = models.CharField(max_length=40, blank=True)
    sent_at = models.DateTimeField(default=timezone.now)
    edited_at = models.DateTimeField(null=True, blank=True)
    deleted_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["chat", "telegram_message_id"],
                condition=Q(telegram_message_id__isnull=False),
                name="message_unique_telegram",
            )
        ]
        indexes = [
            models.Index(
                "organization", "chat", models.F("sent_at").desc(), name="message_chat_sent"
            ),
            models.Index(fields=["status", "next_attempt_at"], name="message_status_next"),
            # Inbox search (messaging.selectors_inbox.inbox_search): words, then fragments.
            GinIndex(SearchVector("text", config="simple"), name="message_text_search"),
            GinIndex(OpClass(Lower("text"), name="gin_trgm_ops"), name="message_text_trgm"),
        ]
        ordering = ["sent_at", "id"]

    def __str__(self) -> str:
        return f"{self.get_direction_display()} {self.kind} in chat {self.chat_id}"


def attachment_upload_to(instance: Attachment, filename: str) -> str:
    stamp = timezone.now()
    return f"attachments/{instance.organization_id}/{stamp:%Y/%m}/{filename}"


class Attachment(OrgOwned):
    class Status(models.TextChoices):
        PENDING = "pending", "Pending"
        STORED = "stored", "Stored"
        TOO_LARGE = "too_large", "Too large"
        FAILED = "failed", "Failed"

    message = models.ForeignKey(Message, on_delete=models.CASCADE, related_name="attachments")
    kind = models.CharField(max_length=16, choices=Message.Kind.choices)
    file = models.FileField(upload_to=attachment_upload_to, max_length=255, blank=True)
    telegram_file_id = models.CharField(max_length=255, blank=True)
    telegram_file_unique_id = models.CharField(max_length=64, blank=True)
    mime_type = models.CharField(max_length=127, blank=True)
    file_name = models.CharField(max_length=255, blank=True)
    size = models.BigIntegerField(null=True, blank=True)
    width = models.PositiveIntegerField(null=True, blank=True)
    height = models.PositiveIntegerField(null=True, blank=True)
    duration = models.PositiveIntegerField(null=True, blank=True)
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.PENDING)
    error = models.TextField(blank=True)

    class Meta:
        indexes = [models.Index(fields=["organization", "message"])]
        ordering = ["id"]

    def __str__(self) -> str:
        return self.file_name or f"{self.kind} attachment {self.pk}"
