"""Per-user inbox state: how far each user has read each chat.

Unread counts never count messages: ``Chat.inbound_count`` counts the chat's unread-able
inbound messages as they are recorded, ``ChatReadState.read_inbound_count`` remembers that
counter at the moment the user read, and the difference is the unread count.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models

from accounts.models import OrgOwned
from messaging.models.chats import Chat


class ChatReadState(OrgOwned):
    chat = models.ForeignKey(Chat, on_delete=models.CASCADE, related_name="read_states")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="chat_read_states"
    )
    last_read_message_id = models.BigIntegerField(null=True, blank=True)
    last_read_at = models.DateTimeField(null=True, blank=True)
    read_inbound_count = models.PositiveIntegerField(
        default=0, help_text="Chat.inbound_count when the user last read the chat."
    )
    manual_unread = models.BooleanField(default=False)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["chat", "user"], name="chatreadstate_unique")
        ]
        indexes = [models.Index(fields=["organization", "user"], name="chatreadstate_org_user")]

    def __str__(self) -> str:
        return f"{self.user} read {self.chat} up to {self.last_read_message_id}"
