"""Conversations: one Chat per (bot, Telegram chat), and who is in group chats."""

from __future__ import annotations

from django.db import models
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

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["bot", "telegram_chat_id"], name="chat_unique_telegram")
        ]
        indexes = [
            models.Index(fields=["organization", "-last_message_at"]),
            models.Index(fields=["organization", "contact"]),
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
