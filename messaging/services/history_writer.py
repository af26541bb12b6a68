"""Writing one exported chat into a bot's Chat, chunk by chunk, for the history import.

``messaging.services.history`` owns the import's life cycle (upload, run, finish, fail) and
explains directions and dedupe; this module is the part that writes: find or create the chat
and its contacts, skip what the chat already holds, bulk-insert messages, link replies, copy
files out of the export and advance the import's counters in the same transaction.
"""

from __future__ import annotations

from collections import Counter
from datetime import timedelta
from typing import Any

from django.conf import settings
from django.core.files.base import ContentFile
from django.db import transaction

from automation.events import emit
from crm.models import Contact
from messaging.models import Attachment, Chat, HistoryImport, Message, TelegramBot
from messaging.services.chats import chat_for_telegram_chat, contact_for_telegram_user
from messaging.services.inbox import chat_note_message
from messaging.telegram.export_format import Export, ExportChat, ExportFiles, ExportMessage

CHUNK_MESSAGES = 500
REPORT_LIMIT = 1000
SHARED_ID_KINDS = (Chat.Kind.SUPERGROUP, Chat.Kind.CHANNEL)


def history_payload(job: HistoryImport) -> dict[str, Any]:
    """The import as events and the progress page see it."""
    return {
        "id": job.pk,
        "status": job.status,
        "bot": job.bot_id,
        "total": job.total,
        "processed": job.processed,
        "chats_created": job.chats_created,
        "contacts_created": job.contacts_created,
        "messages_created": job.messages_created,
        "messages_skipped": job.messages_skipped,
        "error": job.error,
    }


def report_add(job: HistoryImport, items: list[dict[str, Any]]) -> None:
    room = REPORT_LIMIT - len(job.report)
    job.report = job.report + items[: max(room, 0)]


class ChatImporter:
    """Imports one exported chat into its Chat, chunk by chunk."""

    def __init__(self, job: HistoryImport, export: Export, files: ExportFiles | None) -> None:
        self.job = job
        self.bot: TelegramBot = job.bot
        self.export = export
        self.files = files
        self.ids: dict[int, int] = {}  # export message id → our message id (this chat)
        self.contacts: dict[int, Contact | None] = {}

    @classmethod
    def run_all(cls, job: HistoryImport, export: Export, files: ExportFiles | None) -> None:
        position = 0
        for chat in export.chats:
            count = len(chat.messages)
            done = job.processed - position
            if done < count or (count == 0 and done == 0):
                cls(job, export, files).run(chat, max(done, 0))
            position += count

    # --- who is who -----------------------------------------------------------------------

    def _person_id(self, chat: ExportChat) -> tuple[int | None, str]:
        """The user id of the other party of a private chat, or why it cannot be imported."""
        if chat.export_type == "personal_chat":
            return chat.export_id, ""
        if chat.export_id != self.bot.telegram_id:
            return None, "A chat with another bot; only chats with this bot can be imported."
        for message in chat.messages:
            uid = message.sender_user_id
            if uid and uid != self.bot.telegram_id:
                return uid, ""
        return self.export.owner_user_id, ""

    def _target(self, chat: ExportChat) -> tuple[Chat | None, str]:
        org_id = self.bot.organization_id
        if chat.kind == Chat.Kind.PRIVATE:
            person, reason = self._person_id(chat)
            if person is None:
                return None, reason or "The export does not say who the chat is with."
            self.person = person
            first, _, last = self._name_of(chat, person).partition(" ")
            user = {"id": person, "first_name": first, "last_name": last}
            existed = Contact.objects.filter(organization_id=org_id, telegram_user_id=person)
            counted = existed.exists()
            target, created = chat_for_telegram_chat(
                bot=self.bot, chat={"id": person, "type": "private"}, private_user=user
            )
            self.contacts[person] = target.contact
            self.created_contacts = 0 if counted else 1
        else:
            self.person = None
            self.created_contacts = 0
            target, created = chat_for_telegram_chat(
                bot=self.bot,
                chat={"id": chat.bot_api_chat_id, "type": chat.kind, "title": chat.name},
            )
        self.created_chat = created
        return target, ""

    def _name_of(self, chat: ExportChat, person: int) -> str:
        if chat.export_type == "personal_chat":
            return chat.name
        for message in chat.messages:
            if message.sender_user_id == person and message.sender_name:
                return message.sender_name
        return ""

    def _contact(self, uid: int, name: str) -> Contact | None:
        if uid not in self.contacts:
            org_id = self.bot.organization_id
            known = Contact.objects.filter(organization_id=org_id, telegram_user_id=uid).exists()
            first, _, last = name.partition(" ")
            self.contacts[uid] = contact_for_telegram_user(
                organization_id=org_id,
                user={"id": uid, "first_name": first or str(uid), "last_name": last},
                source="telegram_import",
            )
            self.created_contacts += 0 if known else 1
        return self.contacts[uid]

    def _direction(self, chat: Chat, message: ExportMessage) -> tuple[str, Contact | None, bool]:
        """(direction, sender contact, sent by bot) of an exported message."""
        uid = message.sender_user_id
        if chat.kind == Chat.Kind.PRIVATE:
            if uid == self.bot.telegram_id:
                return Message.Direction.OUT, None, True
            if uid == self.person or (uid is None and message.is_service):
                return Message.Direction.IN, chat.contact, False
            return Message.Direction.OUT, None, False
        if uid is None:  # posted as a channel
            return Message.Direction.IN, None, False
        if uid == self.export.owner_user_id:
            return Message.Direction.OUT, None, False
        if uid == self.bot.telegram_id:
            return Message.Direction.OUT, None, True
        return Message.Direction.IN, self._contact(uid, message.sender_name), False

    # --- the chunks -------------------------------------------------------------------------

    def run(self, export_chat: ExportChat, start: int) -> None:
        with transaction.atomic():
            target, reason = self._target(export_chat)
            job = HistoryImport.objects.select_for_update().get(pk=self.job.pk)
            if start == 0:
                report_add(job, [{"chat": export_chat.name, **p} for p in export_chat.problems])
                job.messages_skipped += len(export_chat.problems)
            if target is None:
                count = len(export_chat.messages)
                report_add(job, [{"chat": export_chat.name, "reason": reason, "messages": count}])
                job.processed += count - start
                job.messages_skipped += count - start
                self._save(job)
                return
            job.chats_created += int(self.created_chat)
            job.contacts_created += self.created_contacts
            self._save(job, progressed=False)
        self.chat = target
        for offset in range(start, len(export_chat.messages), CHUNK_MESSAGES):
            self._chunk(export_chat, export_chat.messages[offset : offset + CHUNK_MESSAGES])

    def _save(self, job: HistoryImport, *, progressed: bool = True) -> None:
        job.save()
        self.job = job
        if progressed:
            emit(job.organization, "history.progressed", {"import": history_payload(job)})

    def _existing(self, batch: list[ExportMessage]) -> tuple[set[int], Counter]:
        """What the chat already holds around ``batch``: Telegram ids (shared-id chats) and a
        count per (second, text) fingerprint (per-account-id chats)."""
        chat = self.chat
        if chat.kind in SHARED_ID_KINDS:
            ids = [m.id for m in batch]
            found = Message.objects.filter(chat=chat, telegram_message_id__in=ids)
            return set(found.values_list("telegram_message_id", flat=True)), Counter()
        low = min(m.date for m in batch) - timedelta(seconds=1)
        high = max(m.date for m in batch) + timedelta(seconds=2)
        rows = Message.objects.filter(chat=chat, sent_at__gte=low, sent_at__lt=high)
        return set(), Counter(
            (int(sent_at.timestamp()), text)
            for sent_at, text in rows.values_list("sent_at", "text")
        )

    def _is_duplicate(self, message: ExportMessage, ids: set[int], prints: Counter) -> bool:
        if self.chat.kind in SHARED_ID_KINDS:
            return message.id in ids
        second = int(message.date.timestamp())
        for candidate in (second, second - 1, second + 1):
            key = (candidate, _text_of(message))
            if prints[key] > 0:
                prints[key] -= 1
                return True
        return False

    def _chunk(self, export_chat: ExportChat, batch: list[ExportMessage]) -> None:
        with transaction.atomic():
            job = HistoryImport.objects.select_for_update().get(pk=self.job.pk)
            self.created_contacts = 0
            ids, prints = self._existing(batch)
            rows: list[tuple[ExportMessage, Message]] = []
            skipped: list[dict[str, Any]] = []
            for item in batch:
                if self._is_duplicate(item, ids, prints):
                    skipped.append(_skip(export_chat, item, "Already in BiDi"))
                    continue
                rows.append((item, self._message(item)))
            Message.objects.bulk_create([m for _, m in rows])
            self._link_replies(rows)
            skipped += self._attachments(export_chat, rows)
            newest = max((m for _, m in rows), key=lambda m: m.sent_at, default=None)
            if newest is not None:  # the inbox row's preview, when it is the latest message
                chat_note_message(chat=self.chat, message=newest)
            report_add(job, skipped)
            job.processed += len(batch)
            job.messages_created += len(rows)
            job.messages_skipped += sum(1 for s in skipped if s["reason"] == "Already in BiDi")
            job.contacts_created += self.created_contacts
            self._save(job)

    def _message(self, item: ExportMessage) -> Message:
        direction, contact, by_bot = self._direction(self.chat, item)
        kind = Message.Kind.SERVICE if item.is_service else Message.Kind.TEXT
        if item.media is not None and not item.is_service:
            kind = item.media.kind if item.media.kind in Message.Kind.values else "document"
        return Message(
            organization_id=self.chat.organization_id,
            chat=self.chat,
            direction=direction,
            kind=kind,
            text=_text_of(item),
            entities=item.entities,
            telegram_message_id=item.id if self.chat.kind in SHARED_ID_KINDS else None,
            sender_contact=contact,
            sender_user=self.job.created_by if direction == "out" and not by_bot else None,
            sent_by_bot=by_bot,
            status=Message.Status.RECEIVED if direction == "in" else Message.Status.SENT,
            source=Message.Source.IMPORT,
            service_action=item.action[:40],
            sent_at=item.date,
            edited_at=item.edited,
        )

    def _link_replies(self, rows: list[tuple[ExportMessage, Message]]) -> None:
        for item, message in rows:
            self.ids[item.id] = message.pk
        linked = []
        for item, message in rows:
            if item.reply_to_id is None:
                continue
            target = self.ids.get(item.reply_to_id)
            if target is None and self.chat.kind in SHARED_ID_KINDS:
                target = (
                    Message.objects.filter(chat=self.chat, telegram_message_id=item.reply_to_id)
                    .values_list("pk", flat=True)
                    .first()
                )
            if target is not None:
                message.reply_to_id = target
                linked.append(message)
        Message.objects.bulk_update(linked, ["reply_to"])

    def _attachments(
        self, export_chat: ExportChat, rows: list[tuple[ExportMessage, Message]]
    ) -> list[dict[str, Any]]:
        skipped = []
        for item, message in rows:
            media = item.media
            if media is None or item.is_service:
                continue
            attachment = Attachment(
                organization_id=message.organization_id,
                message=message,
                kind=message.kind,
                mime_type=media.mime_type[:127],
                file_name=(media.file_name or (media.path or "").rsplit("/", 1)[-1])[:255],
                size=media.size,
                width=media.width,
                height=media.height,
                duration=media.duration,
            )
            reason = self._store(attachment, media.path, media.missing_reason)
            if reason:
                if attachment.status != Attachment.Status.TOO_LARGE:
                    attachment.status = Attachment.Status.FAILED
                attachment.error = reason
                skipped.append(_skip(export_chat, item, f"{media.kind} not imported: {reason}"))
            attachment.save()
        return skipped

    def _store(self, attachment: Attachment, path: str | None, missing: str) -> str:
        """Copy the file from the export into storage; returns why not, if it could not."""
        if path is None:
            return missing
        if self.files is None:
            return "Only result.json was uploaded; upload a ZIP of the export folder for files."
        info = self.files.member(path)
        if info is None:
            return f"{path} is not in the ZIP."
        if info.file_size > settings.TELEGRAM_MAX_FILE_BYTES:
            attachment.status = Attachment.Status.TOO_LARGE
            return f"{path} is larger than the attachment limit."
        with self.files.archive.open(info) as handle:
            data = handle.read()
        name = path.rsplit("/", 1)[-1]
        attachment.file.save(name, ContentFile(data), save=False)
        attachment.size = len(data)
        attachment.status = Attachment.Status.STORED
        return ""


def _text_of(item: ExportMessage) -> str:
    if not item.is_service:
        return item.text
    action = item.action.replace("_", " ")
    members = f": {', '.join(item.members)}" if item.members else ""
    return item.text or f"{item.sender_name or 'Someone'} — {action}{members}"


def _skip(chat: ExportChat, item: ExportMessage, reason: str) -> dict[str, Any]:
    return {
        "chat": chat.name,
        "message": item.id,
        "date": item.date.isoformat(),
        "text": _text_of(item)[:120],
        "reason": reason,
    }
