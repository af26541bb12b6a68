"""Inbound messages: store what Telegram delivered, exactly once.

A message is unique per (chat, Telegram message id), so recording the same Telegram message
again (a redelivered update, a retried task, a reply that quotes it) finds the stored one.
Edits overwrite text and entities and stamp ``edited_at``; deletions stamp ``deleted_at`` and
keep the row (the conversation's history stays readable). Attachments are stored as pending
rows here and downloaded by their own task after commit, so a slow download never holds the
transaction that records the message.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from typing import Any

from django.db import transaction
from django.db.models.functions import Greatest

from automation.events import emit
from crm.models import Contact
from messaging.models import Attachment, Chat, Message
from messaging.services.inbox import chat_note_message


def message_payload(message: Message) -> dict[str, Any]:
    """The message as events carry it (the text is cut to what a preview shows)."""
    return {
        "id": message.pk,
        "chat": message.chat_id,
        "direction": message.direction,
        "kind": message.kind,
        "text": message.text[:500],
        "status": message.status,
        "sender_contact": message.sender_contact_id,
        "sender_user": message.sender_user_id,
        "telegram_message_id": message.telegram_message_id,
        "sent_at": message.sent_at.isoformat(),
        "edited": message.edited_at is not None,
        "deleted": message.deleted_at is not None,
        "attachments": message.attachments_count if hasattr(message, "attachments_count") else 0,
    }


@dataclass
class AttachmentData:
    kind: str
    telegram_file_id: str
    telegram_file_unique_id: str = ""
    mime_type: str = ""
    file_name: str = ""
    size: int | None = None
    width: int | None = None
    height: int | None = None
    duration: int | None = None


@dataclass
class InboundMessage:
    """A Telegram message as the processing step understood it."""

    telegram_message_id: int
    sent_at: datetime.datetime
    kind: str = Message.Kind.TEXT
    text: str = ""
    entities: list[dict[str, Any]] = field(default_factory=list)
    sender_contact: Contact | None = None
    sent_by_bot: bool = False
    reply_to_telegram_id: int | None = None
    reply_markup: dict[str, Any] | None = None
    service_action: str = ""
    edited_at: datetime.datetime | None = None
    attachments: list[AttachmentData] = field(default_factory=list)


@transaction.atomic
def message_record(*, chat: Chat, data: InboundMessage) -> tuple[Message, bool]:
    """Store ``data`` in ``chat`` (or apply it as an edit) and return (message, created).

    Emits ``message.received`` for a new message and ``message.edited`` when an edit changed
    its text. The caller holds the chat's advisory lock (see ``chat_for_telegram_chat``).
    """
    message = Message.objects.filter(
        chat=chat, telegram_message_id=data.telegram_message_id
    ).first()
    if message is not None:
        if data.edited_at and (message.edited_at is None or data.edited_at > message.edited_at):
            changed = (message.text, message.entities) != (data.text, data.entities)
            message.text, message.entities = data.text, data.entities
            message.edited_at = data.edited_at
            message.save(update_fields=["text", "entities", "edited_at"])
            if changed:
                emit(chat.organization, "message.edited", {"message": message_payload(message)})
        return message, False
    reply_to = None
    if data.reply_to_telegram_id is not None:
        reply_to = Message.objects.filter(
            chat=chat, telegram_message_id=data.reply_to_telegram_id
        ).first()
    message = Message.objects.create(
        organization_id=chat.organization_id,
        chat=chat,
        direction=Message.Direction.IN,
        kind=data.kind,
        text=data.text,
        entities=data.entities,
        telegram_message_id=data.telegram_message_id,
        reply_to=reply_to,
        sender_contact=data.sender_contact,
        sent_by_bot=data.sent_by_bot,
        status=Message.Status.RECEIVED,
        source=Message.Source.TELEGRAM,
        reply_markup=data.reply_markup,
        service_action=data.service_action,
        sent_at=data.sent_at,
        edited_at=data.edited_at,
    )
    if data.attachments:
        Attachment.objects.bulk_create(
            [
                Attachment(
                    organization_id=chat.organization_id,
                    message=message,
                    kind=item.kind,
                    telegram_file_id=item.telegram_file_id,
                    telegram_file_unique_id=item.telegram_file_unique_id,
                    mime_type=item.mime_type[:127],
                    file_name=item.file_name[:255],
                    size=item.size,
                    width=item.width,
                    height=item.height,
                    duration=item.duration,
                )
                for item in data.attachments
            ]
        )
    message.attachments_count = len(data.attachments)
    # Preview, unread counter and reopening a done/snoozed chat (messaging.services.inbox).
    chat_note_message(chat=chat, message=message)
    if data.sender_contact is not None and data.kind != Message.Kind.SERVICE:
        Contact.objects.filter(pk=data.sender_contact.pk).update(
            last_replied_at=Greatest("last_replied_at", data.sent_at)
        )
    emit(chat.organization, "message.received", {"message": message_payload(message)})
    return message, True


@transaction.atomic
def messages_mark_deleted(
    *, chat: Chat, telegram_message_ids: list[int], at: datetime.datetime
) -> int:
    """Stamp ``deleted_at`` on the listed messages (once) and emit message.deleted for each."""
    messages = list(
        Message.objects.select_for_update().filter(
            chat=chat, telegram_message_id__in=telegram_message_ids, deleted_at__isnull=True
        )
    )
    for message in messages:
        message.deleted_at = at
        message.save(update_fields=["deleted_at"])
        emit(chat.organization, "message.deleted", {"message": message_payload(message)})
    return len(messages)
