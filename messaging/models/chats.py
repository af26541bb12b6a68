"""Conversations: one Chat per (bot, Telegram chat), and who is in group chats."""

from __future__ import annotations

from django.conf import settings
from django.contrib.postgres.indexes import GinIndex, OpClass
from django.db import models
from django.db.models import F, Q
from django.db.models.functions import Coalesce, Lower
from django.utils import timezone

from accounts.models import OrgOwned
from crm.models import Contact
from messaging.models.bots import TelegramBot


class Chat(OrgOwned):
    class Channel(models.TextChoices):
        TELEGRAM = "telegram", "Telegram"

    class Kind(models.TextChoices):
        PRIVATE = "private", "Private"
        GROUP = "group", "Group"
        SUPERGROUP = "supergroup", "Supergroup"
        CHANNEL = "channel", "Channel"

    class Status(models.TextChoices):
        OPEN = "open", "Open"
        DONE = "done", "Done"
        SNOOZED = "snoozed", "Snoozed"

    bot = models.ForeignKey(
        TelegramBot, null=True, blank=True, on_delete=models.CASCADE, related_name="chats"
    )
    channel = models.CharField(max_length=16, choices=Channel.choices, default=Channel.TELEGRAM)
    telegram_chat_id = models.BigIntegerField(null=True, blank=True)
    kind = models.CharField(max_length=16, choices=Kind.choices, default=Kind.PRIVATE)
    title = models.CharField(max_length=255, blank=True)
    username = models.CharField(max_length=64, blank=True)
    contact = models.ForeignKey(
        Contact, null=True, blank=True, on_delete=models.SET_NULL, related_name="chats"
    )
    is_blocked = models.BooleanField(default=False)
    blocked_at = models.DateTimeField(null=True, blank=True)
    last_message_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    # Inbox state (messaging.services.inbox). The last-message preview and inbound_count are
    # denormalised where messages are recorded so the inbox list never scans messages.
    assigned_to = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.OPEN)
    snoozed_until = models.DateTimeField(null=True, blank=True)
    last_message_id = models.BigIntegerField(null=True, blank=True)
    last_message_text = models.CharField(max_length=200, blank=True)
    last_message_direction = models.CharField(max_length=3, blank=True)
    last_message_kind = models.CharField(max_length=16, blank=True)
    inbound_count = models.PositiveIntegerField(
        default=0, help_text="Inbound messages that can be unread (not imported, not service)."
    )

    class Meta:
        # The inbox orders by activity_at = COALESCE(last_message_at, created_at) (never NULL,
        # so keyset cursors work), newest first; see messaging.selectors_inbox.
        constraints = [
            models.UniqueConstraint(fields=["bot", "telegram_chat_id"], name="chat_unique_telegram")
        ]
        indexes = [
            models.Index(fields=["organization", "-last_message_at"]),
            models.Index(fields=["organization", "contact"]),
            models.Index(
                "organization",
                "status",
                Coalesce("last_message_at", "created_at").desc(),
                F("id").desc(),
                name="chat_inbox_status",
            ),
            models.Index(
                "organization",
                "assigned_to",
                "status",
                Coalesce("last_message_at", "created_at").desc(),
                F("id").desc(),
                name="chat_inbox_assignee",
            ),
            models.Index(
                fields=["snoozed_until"],
                condition=Q(status="snoozed"),
                name="chat_snoozed_due",
            ),
            GinIndex(OpClass(Lower("title"), name="gin_trgm_ops"), name="chat_title_trgm"),
            GinIndex(OpClass(Lower("username"), name="gin_trgm_ops"), name="chat_username_trgm"),
        ]
        ordering = ["-last_message_at", "-id"]

    def __str__(self) -> str:
        if self.title:
            return self.title
        if self.contact_id:
            return str(self.contact)
        return f"Chat {self.telegram_chat_id}"

    @property
    def is_group(self) -> bool:
        return self.kind in (self.Kind.GROUP, self.Kind.SUPERGROUP)


class ChatMember(OrgOwned):
    chat = models.ForeignKey(Chat, on_delete=models.CASCADE, related_name="members")
    contact = models.ForeignKey(Contact, on_delete=models.CASCADE, related_name="chat_memberships")
    joined_at = models.DateTimeField(default=timezone.now)
    left_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["chat", "contact"], name="chatmember_unique")
        ]
        indexes = [models.Index(fields=["organization", "contact"])]

    def __str__(self) -> str:
        return f"{self.contact} in {self.chat}"
