"""Turning a stored ``TelegramUpdate`` into chats, contacts, members and messages.

``update_process(update_id)`` is what the Celery task runs. It locks the update row
(``SKIP LOCKED``: a second worker holding the same update just returns), does all the work in
that one transaction, and marks the update processed in it too. A worker killed mid-way
therefore leaves nothing behind — the transaction rolls back, the update stays pending, and the
redelivered task (``acks_late``) or the sweeper runs it again from scratch. Beyond that, every
write is keyed by Telegram ids (see services/chats.py and services/inbound.py), so even
processing an update twice records nothing twice.

Side effects outside the database — attachment downloads, command replies, callback answers —
are scheduled with ``transaction.on_commit`` so they happen only for committed work.
"""

from __future__ import annotations

import datetime
import logging
from typing import Any

from django.db import transaction
from django.utils import timezone

from messaging.models import Chat, Message, TelegramBot, TelegramUpdate
from messaging.services import chats as chat_services
from messaging.services.inbound import (
    AttachmentData,
    InboundMessage,
    message_record,
    messages_mark_deleted,
)

logger = logging.getLogger(__name__)

# After this many failed attempts an update is marked failed and left for a person to look at.
MAX_ATTEMPTS = 5
MEDIA_KINDS = ("photo", "document", "voice", "video", "video_note", "audio", "animation", "sticker")
OTHER_KINDS = ("contact", "location", "poll")
SERVICE_FIELDS = {
    "new_chat_members": "member_joined",
    "left_chat_member": "member_left",
    "new_chat_title": "title_changed",
    "new_chat_photo": "photo_changed",
    "delete_chat_photo": "photo_deleted",
    "group_chat_created": "group_created",
    "supergroup_chat_created": "group_created",
    "migrate_to_chat_id": "migrated_to_supergroup",
    "migrate_from_chat_id": "migrated_from_group",
    "pinned_message": "message_pinned",
}


def _at(timestamp: int | None) -> datetime.datetime:
    if not timestamp:
        return timezone.now()
    return datetime.datetime.fromtimestamp(int(timestamp), tz=datetime.UTC)


class UpdateFailed(Exception):
    """Processing raised; the update keeps its error and is retried (or failed for good)."""


def update_process(update_pk: int) -> str:
    """Process one stored update. Returns what happened: "processed", "skipped" (already
    done or held by another worker), or raises ``UpdateFailed`` after recording the error."""
    with transaction.atomic():
        update = (
            TelegramUpdate.objects.select_for_update(skip_locked=True, of=("self",))
            .select_related("bot__organization")
            .filter(pk=update_pk, status=TelegramUpdate.Status.PENDING)
            .first()
        )
        if update is None:
            return "skipped"
        update.attempts += 1
        try:
            with transaction.atomic():
                update_handle(update.bot, update.payload)
        except Exception as error:  # a bug or an unexpected payload: keep it, retry later
            logger.exception("Telegram update %s failed", update.pk)
            update.error = f"{type(error).__name__}: {error}"[:2000]
            if update.attempts >= MAX_ATTEMPTS:
                update.status = TelegramUpdate.Status.FAILED
            update.save(update_fields=["attempts", "error", "status"])
            failed = update.status == TelegramUpdate.Status.PENDING
        else:
            update.status = TelegramUpdate.Status.PROCESSED
            update.processed_at = timezone.now()
            update.error = ""
            update.save(update_fields=["attempts", "status", "processed_at", "error"])
            return "processed"
    if failed:
        raise UpdateFailed(update.error)
    return "failed"


def update_handle(bot: TelegramBot, payload: dict[str, Any]) -> None:
    """Dispatch on the kind of update Telegram sent; unknown kinds are stored and ignored."""
    if "message" in payload:
        _message(bot, payload["message"])
    elif "edited_message" in payload:
        _message(bot, payload["edited_message"], edited=True)
    elif "channel_post" in payload:
        _message(bot, payload["channel_post"])
    elif "edited_channel_post" in payload:
        _message(bot, payload["edited_channel_post"], edited=True)
    elif "callback_query" in payload:
        from messaging.telegram.callbacks import callback_handle

        callback_handle(bot, payload["callback_query"])
    elif "my_chat_member" in payload:
        _my_chat_member(bot, payload["my_chat_member"])
    elif "deleted_business_messages" in payload:
        deleted = payload["deleted_business_messages"]
        chat = Chat.objects.filter(bot=bot, telegram_chat_id=deleted["chat"]["id"]).first()
        if chat is not None:
            messages_mark_deleted(
                chat=chat,
                telegram_message_ids=[int(i) for i in deleted.get("message_ids", [])],
                at=timezone.now(),
            )


def _sender_contact(bot: TelegramBot, user: dict[str, Any] | None):
    if not user or user.get("is_bot"):
        return None
    return chat_services.contact_for_telegram_user(
        organization_id=bot.organization_id, user=user, organization=bot.organization
    )


def _attachments(message: dict[str, Any]) -> tuple[str, list[AttachmentData]]:
    for kind in MEDIA_KINDS:
        media = message.get(kind)
        if not media:
            continue
        if kind == "photo":  # the sizes Telegram made: keep the largest
            media = max(
                media,
                key=lambda size: (
                    (size.get("width") or 0) * (size.get("height") or 0),
                    size.get("file_size") or 0,
                ),
            )
        name = media.get("file_name") or ""
        if not name and kind == "photo":
            name = f"photo_{message.get('message_id')}.jpg"
        elif not name and kind == "sticker":
            name = f"sticker_{media.get('file_unique_id', '')}.webp"
        mime = media.get("mime_type") or ("image/jpeg" if kind == "photo" else "")
        return kind, [
            AttachmentData(
                kind=kind,
                telegram_file_id=media["file_id"],
                telegram_file_unique_id=media.get("file_unique_id", ""),
                mime_type=mime,
                file_name=name,
                size=media.get("file_size"),
                width=media.get("width"),
                height=media.get("height"),
                duration=media.get("duration"),
            )
        ]
    for kind in OTHER_KINDS:
        if message.get(kind):
            return kind, []
    return Message.Kind.TEXT, []


def _service(bot: TelegramBot, chat: Chat, message: dict[str, Any], at) -> tuple[str, str]:
    """Apply a service message to the chat (members, title) and describe it."""
    action = next((a for f, a in SERVICE_FIELDS.items() if f in message), "")
    if not action:
        return "", ""
    if "new_chat_members" in message:
        names = []
        for user in message["new_chat_members"]:
            names.append(user.get("first_name") or user.get("username") or "someone")
            contact = _sender_contact(bot, user)
            if contact is not None:
                chat_services.chat_member_join(chat=chat, contact=contact, at=at)
        return action, f"{', '.join(names)} joined the group"
    if "left_chat_member" in message:
        user = message["left_chat_member"]
        contact = _sender_contact(bot, user)
        if contact is not None:
            chat_services.chat_member_leave(chat=chat, contact=contact, at=at)
        return action, f"{user.get('first_name') or 'someone'} left the group"
    if "new_chat_title" in message:
        return action, f"Group renamed to “{message['new_chat_title']}”"
    if "migrate_to_chat_id" in message:
        return action, "The group became a supergroup"
    return action, action.replace("_", " ").capitalize()


def _message(bot: TelegramBot, message: dict[str, Any], *, edited: bool = False) -> Message:
    chat_data = message["chat"]
    sender = message.get("from")
    chat, _ = chat_services.chat_for_telegram_chat(
        bot=bot,
        chat=chat_data,
        private_user=sender if chat_data.get("type") == "private" else None,
    )
    at = _at(message.get("date"))
    contact = chat.contact if chat.kind == Chat.Kind.PRIVATE else _sender_contact(bot, sender)
    if chat.is_group and contact is not None:
        chat_services.chat_member_join(chat=chat, contact=contact, at=at)
    reply = message.get("reply_to_message")
    if reply and reply.get("chat", {}).get("id") == chat_data["id"] and not edited:
        # The quoted message may predate the bot or have been missed: record it too.
        _message(bot, reply)
    kind, attachments = _attachments(message)
    action, service_text = _service(bot, chat, message, at)
    data = InboundMessage(
        telegram_message_id=int(message["message_id"]),
        sent_at=at,
        kind=Message.Kind.SERVICE if action else kind,
        text=service_text or message.get("text") or message.get("caption") or "",
        entities=message.get("entities") or message.get("caption_entities") or [],
        sender_contact=contact,
        sent_by_bot=bool(sender and sender.get("is_bot") and sender.get("id") == bot.telegram_id),
        reply_to_telegram_id=(reply or {}).get("message_id"),
        reply_markup=message.get("reply_markup"),
        service_action=action,
        edited_at=_at(message["edit_date"]) if edited and message.get("edit_date") else None,
        attachments=attachments,
    )
    if edited and data.edited_at is None:
        data.edited_at = timezone.now()
    stored, created = message_record(chat=chat, data=data)
    if created and attachments:
        from messaging.telegram.tasks_ingest import attachment_fetch

        for pk in stored.attachments.values_list("pk", flat=True):
            transaction.on_commit(lambda pk=pk: attachment_fetch.delay(pk))
    if created and not edited and not action:
        from messaging.telegram.commands import command_handle

        command_handle(bot=bot, chat=chat, message=stored, sender=sender)
    return stored


def _my_chat_member(bot: TelegramBot, change: dict[str, Any]) -> None:
    """The bot's own membership changed: blocked/unblocked in private, removed from a group."""
    status = (change.get("new_chat_member") or {}).get("status")
    chat_data = change["chat"]
    chat, _ = chat_services.chat_for_telegram_chat(
        bot=bot,
        chat=chat_data,
        private_user=change.get("from") if chat_data.get("type") == "private" else None,
    )
    chat_services.chat_set_blocked(chat=chat, blocked=status in ("kicked", "left"))
