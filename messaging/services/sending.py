"""Outbound messages: queue them (``message_send``) and deliver them (``message_deliver``).

Everybody who writes to a chat — a member in the composer, a campaign, an agent, a bot command
— calls ``message_send``: it stores the message as ``queued``, emits ``message.queued`` and
enqueues ``messaging.tasks.message_deliver`` on the ``telegram`` queue after commit. Delivery
takes tokens from the shared rate limiter (``messaging.ratelimit``) and then sends:

- 429 → the bot's bucket is paused for ``retry_after`` and the message retried after it;
- 5xx, network errors, timeouts → retried with exponential backoff and jitter, at most
  ``TELEGRAM_SEND_MAX_ATTEMPTS`` attempts, then ``failed``;
- 403 → the chat is marked blocked (``chat.blocked``) and the message ``failed``, no retry;
- 400 and other refusals → ``failed`` with Telegram's description.
Every status change is an event: ``message.queued``, ``message.sent``, ``message.failed``.
A member can queue a failed message again with ``message_retry``.

Idempotency. Telegram has no idempotency key, so "never twice" rests on us. Delivery holds the
message's row lock (``SELECT … FOR UPDATE``) from before the Bot API call until the transaction
that records the result commits; a second delivery of the same message (a redelivered task, the
sweeper) waits on that lock and then finds it ``sent``. The one window left: the process dies
after Telegram accepted the message and before that commit (the response in flight, a few
small writes and the COMMIT — milliseconds); the rolled-back row is still ``queued`` and is
sent again. A read timeout is the same window seen from the outside (Telegram may have accepted
a message whose answer we never got) and is retried too: a late duplicate is judged better than
a lost message. The rate-limit token is taken inside the lock, right before the request.
"""

from __future__ import annotations

import logging
import random
import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import timedelta

from django.conf import settings
from django.core.files.uploadedfile import UploadedFile
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone
from telegram.error import TelegramError

from accounts.errors import ValidationError
from accounts.models import User
from accounts.services import require_permission
from automation.events import emit
from messaging import ratelimit
from messaging.models import Attachment, Chat, Message
from messaging.services.chats import chat_set_blocked
from messaging.services.inbound import message_payload
from messaging.services.inbox import chat_note_message
from messaging.telegram.sending import (
    CAPTION_LIMIT,
    TEXT_LIMIT,
    Outcome,
    RateLimited,
    classify,
    telegram_send,
)

logger = logging.getLogger(__name__)

# A worker sleeps through rate-limit waits up to this long; longer ones reschedule the task.
INLINE_WAIT_SECONDS = 1.5
BACKOFF_BASE_SECONDS = 2.0
BACKOFF_MAX_SECONDS = 300.0
MAX_UPLOAD_BYTES = 50 * 1024 * 1024  # the Bot API's upload limit
PHOTO_MAX_BYTES = 10 * 1024 * 1024  # larger images go as documents
PHOTO_TYPES = ("image/jpeg", "image/png", "image/webp")


def _attachment_kind(upload: UploadedFile) -> str:
    content_type = (upload.content_type or "").split(";")[0].strip().lower()
    if content_type in PHOTO_TYPES and upload.size <= PHOTO_MAX_BYTES:
        return Message.Kind.PHOTO
    if content_type == "audio/ogg":
        return Message.Kind.VOICE
    if content_type == "video/mp4":
        return Message.Kind.VIDEO
    if content_type in ("audio/mpeg", "audio/mp3", "audio/mp4", "audio/x-m4a"):
        return Message.Kind.AUDIO
    return Message.Kind.DOCUMENT


def _validate(
    *,
    chat: Chat,
    text: str,
    attachments: Sequence[UploadedFile],
    reply_to: Message | None,
) -> None:
    errors: dict[str, list[str]] = {}
    if not text.strip() and not attachments:
        errors["text"] = ["Write a message or attach a file."]
    limit = CAPTION_LIMIT if attachments else TEXT_LIMIT
    if len(text) > limit:
        what = "A caption" if attachments else "A message"
        errors["text"] = [f"{what} can be at most {limit} characters (this one has {len(text)})."]
    if len(attachments) > 1:
        errors["attachments"] = ["Attach one file per message."]
    elif attachments and attachments[0].size > MAX_UPLOAD_BYTES:
        errors["attachments"] = ["Telegram accepts files up to 50 MB from bots."]
    if reply_to is not None and reply_to.chat_id != chat.pk:
        errors["reply_to"] = ["The message replied to is in another chat."]
    if errors:
        raise ValidationError(next(iter(errors.values()))[0], fields=errors)
    _check_writable(chat)


def _check_writable(chat: Chat) -> None:
    if chat.bot_id is None or not chat.bot.is_active:
        raise ValidationError(
            "This chat's bot is disconnected; connect it again to write here.",
            code="channel_unavailable",
        )
    if chat.is_blocked:
        raise ValidationError(
            "The person blocked the bot (or removed it from the group); Telegram will not "
            "deliver messages to this chat.",
            code="chat_blocked",
        )


@transaction.atomic
def message_send(
    *,
    chat: Chat,
    actor: User | None,
    text: str = "",
    attachments: Sequence[UploadedFile] = (),
    reply_to: Message | None = None,
    reply_markup: dict | None = None,
    source: str = Message.Source.MANUAL,
) -> Message:
    """Queue a message to ``chat`` and return it (status ``queued``).

    A member (``actor``) needs ``message.send``; campaigns, agents and commands pass
    ``actor=None`` and name themselves in ``source``. One attachment at most (the caption is
    ``text``). Raises ``ValidationError`` for an empty or too long message, a file over 50 MB,
    a reply into another chat, a blocked chat or a disconnected bot.
    """
    if actor is not None:
        require_permission(chat.organization, actor, "message.send")
    _validate(chat=chat, text=text, attachments=attachments, reply_to=reply_to)
    now = timezone.now()
    kind = _attachment_kind(attachments[0]) if attachments else Message.Kind.TEXT
    message = Message.objects.create(
        organization_id=chat.organization_id,
        chat=chat,
        direction=Message.Direction.OUT,
        kind=kind,
        text=text,
        reply_to=reply_to,
        sender_user=actor,
        sent_by_bot=True,
        status=Message.Status.QUEUED,
        source=source,
        reply_markup=reply_markup,
        sent_at=now,
        next_attempt_at=now,
    )
    for upload in attachments:
        attachment = Attachment(
            organization_id=chat.organization_id,
            message=message,
            kind=kind,
            mime_type=(upload.content_type or "")[:127],
            file_name=(upload.name or "file")[:255],
            size=upload.size,
            status=Attachment.Status.STORED,
        )
        attachment.file.save(upload.name or "file", upload, save=False)
        attachment.save()
    message.attachments_count = len(attachments)
    chat_note_message(chat=chat, message=message)  # the inbox preview shows it at once
    emit(chat.organization, "message.queued", {"message": message_payload(message)}, actor)
    transaction.on_commit(lambda: message_enqueue(message.pk))
    return message


@transaction.atomic
def message_retry(*, message: Message, actor: User | None) -> Message:
    """Queue a failed outbound message again and return it (status ``queued``).

    The member (``actor``) needs ``message.send``. Only outbound messages that ``failed`` can be
    retried: a queued one is still on its way and a sent one would go out twice. The retry gets
    a fresh attempt budget (``TELEGRAM_SEND_MAX_ATTEMPTS``) and keeps its idempotency key. The
    chat must still be writable (bot connected, not blocked). Raises ``ValidationError``
    otherwise; emits ``message.queued`` like ``message_send``.
    """
    if actor is not None:
        require_permission(message.organization, actor, "message.send")
    message = (
        Message.objects.select_for_update(of=("self",))
        .select_related("chat__bot", "chat__organization")
        .get(pk=message.pk)
    )
    if message.direction != Message.Direction.OUT or message.status != Message.Status.FAILED:
        raise ValidationError(
            "Only an outbound message that failed can be retried.", code="not_retryable"
        )
    _check_writable(message.chat)
    message.status = Message.Status.QUEUED
    message.failure_reason = ""
    message.attempts = 0
    message.next_attempt_at = timezone.now()
    message.save(update_fields=["status", "failure_reason", "attempts", "next_attempt_at"])
    message.attachments_count = message.attachments.count()
    emit(message.chat.organization, "message.queued", {"message": message_payload(message)}, actor)
    transaction.on_commit(lambda: message_enqueue(message.pk))
    return message


def message_enqueue(message_id: int, *, countdown: float = 0) -> None:
    """Queue delivery; a broker outage is left to ``messages_requeue_stale`` (the row is
    stored as queued)."""
    from messaging.tasks import message_deliver

    try:
        message_deliver.apply_async((message_id,), countdown=countdown or None, queue="telegram")
    except Exception:  # kombu raises many kinds; the queued row is safe either way
        logger.warning("Could not enqueue delivery of message %s; the sweeper will", message_id)


@dataclass(frozen=True)
class Delivery:
    """What happened to one delivery attempt; ``retry_in`` (seconds) asks for another."""

    status: str
    retry_in: float | None = None


def _backoff(attempt: int) -> float:
    """Exponential backoff with jitter: 2, 4, 8 … s (each between half and all of it)."""
    delay = min(BACKOFF_MAX_SECONDS, BACKOFF_BASE_SECONDS * 2 ** max(attempt - 1, 0))
    return delay * random.uniform(0.5, 1.0)  # noqa: S311  (jitter, not a secret)


def _fail(message: Message, reason: str) -> Delivery:
    message.status = Message.Status.FAILED
    message.failure_reason = reason[:2000]
    message.next_attempt_at = None
    message.save(update_fields=["status", "failure_reason", "next_attempt_at", "attempts"])
    emit(message.chat.organization, "message.failed", {"message": message_payload(message)})
    return Delivery(Message.Status.FAILED)


def _later(message: Message, seconds: float, reason: str) -> Delivery:
    message.status = Message.Status.QUEUED
    message.failure_reason = reason[:2000]
    message.next_attempt_at = timezone.now() + timedelta(seconds=seconds)
    message.save(update_fields=["status", "failure_reason", "next_attempt_at", "attempts"])
    return Delivery(Message.Status.QUEUED, retry_in=seconds)


def message_deliver(*, message_id: int) -> Delivery:
    """Try to deliver a queued message once; the task calls this and reschedules on
    ``retry_in``. Safe to call any number of times, concurrently (see the module docstring)."""
    with transaction.atomic():
        # No ORDER BY/LIMIT (``first()``) and no join to the replied message (loaded only for a
        # reply): compiling this query is a good part of a delivery's CPU.
        message = next(
            iter(
                Message.objects.select_for_update(of=("self",))
                .select_related("chat__bot", "chat__organization")
                .filter(pk=message_id)
            ),
            None,
        )
        if message is None:
            return Delivery("missing")
        if message.status != Message.Status.QUEUED:
            return Delivery(message.status)  # a concurrent delivery finished it
        chat = message.chat
        message.attempts += 1
        if chat.bot is None or not chat.bot.is_active:
            return _fail(message, "The chat's bot was disconnected before the message went out.")
        if chat.is_blocked:
            return _fail(message, "The person blocked the bot.")

        bucket = {
            "bot_id": chat.bot_id,
            "chat_id": chat.telegram_chat_id or 0,
            "chat_kind": chat.kind,
            # Unique per attempt, also across a manual retry (which starts attempts again).
            "send_id": f"{message.pk}:{uuid.uuid4().hex[:12]}",
            # Campaign messages also stay within the bot's campaign share.
            "campaign": message.source == Message.Source.CAMPAIGN,
        }

        def take_token() -> float:
            return ratelimit.acquire_blocking(**bucket, max_wait=INLINE_WAIT_SECONDS)

        try:
            try:
                sent = telegram_send(message, take_token=take_token)
            finally:
                ratelimit.release(**bucket)  # no-op when no token was taken
        except RateLimited as limited:
            # Nothing was sent: the attempt is not counted, only when to come back.
            Message.objects.filter(pk=message_id).update(
                next_attempt_at=timezone.now() + timedelta(seconds=limited.wait)
            )
            return Delivery(Message.Status.QUEUED, retry_in=limited.wait)
        except TelegramError as exc:
            error = classify(exc)
            if error.outcome is Outcome.RETRY_AFTER:
                ratelimit.pause_bot(bot_id=chat.bot_id, seconds=error.retry_after)
                if message.attempts >= settings.TELEGRAM_SEND_MAX_ATTEMPTS:
                    return _fail(message, f"Gave up after {message.attempts} attempts: {error}")
                return _later(message, error.retry_after, error.reason)
            if error.outcome is Outcome.RETRY:
                if message.attempts >= settings.TELEGRAM_SEND_MAX_ATTEMPTS:
                    reason = f"Gave up after {message.attempts} attempts: {error.reason}"
                    return _fail(message, reason)
                return _later(message, _backoff(message.attempts), error.reason)
            if error.outcome is Outcome.BLOCKED:
                chat_set_blocked(chat=chat, blocked=True)
            return _fail(message, error.reason)
        # The window in the module docstring starts here: a few statements and the COMMIT.
        now = timezone.now()
        sent_fields = {
            "status": Message.Status.SENT,
            "failure_reason": "",
            "next_attempt_at": None,
            "sent_at": now,
            "attempts": message.attempts,
        }
        # A chat that already holds a row with this Telegram id (an imported message, say) gets
        # the message recorded without the id: the clash rolls back to the savepoint only, never
        # the transaction (which would send the message again). A plain UPDATE in a savepoint
        # costs far less CPU to build than one UPDATE with a CASE … EXISTS for the rare clash.
        updated = Message.objects.filter(pk=message.pk)
        try:
            with transaction.atomic():
                updated.update(telegram_message_id=sent.telegram_message_id, **sent_fields)
            message.telegram_message_id = sent.telegram_message_id
        except IntegrityError:
            updated.update(telegram_message_id=None, **sent_fields)
            message.telegram_message_id = None
        message.status, message.failure_reason = Message.Status.SENT, ""
        message.next_attempt_at, message.sent_at = None, now
        if sent.file_id:
            message.attachments.filter(telegram_file_id="").update(
                telegram_file_id=sent.file_id, telegram_file_unique_id=sent.file_unique_id
            )
        Chat.objects.filter(pk=chat.pk).filter(
            Q(last_message_at__isnull=True) | Q(last_message_at__lt=message.sent_at)
        ).update(last_message_at=message.sent_at)
        emit(chat.organization, "message.sent", {"message": message_payload(message)})
        return Delivery(Message.Status.SENT)


def messages_requeue_stale(*, older_than_seconds: float = 120, limit: int = 2000) -> int:
    """Enqueue again queued messages whose delivery is overdue (the enqueue after commit was
    lost, or a worker died holding the task). A copy of a live task is harmless: delivery
    takes the row lock and skips what is no longer queued."""
    cutoff = timezone.now() - timedelta(seconds=older_than_seconds)
    ids = list(
        Message.objects.filter(status=Message.Status.QUEUED, next_attempt_at__lt=cutoff)
        .order_by("next_attempt_at")
        .values_list("pk", flat=True)[:limit]
    )
    for message_id in ids:
        Message.objects.filter(pk=message_id).update(next_attempt_at=timezone.now())
        message_enqueue(message_id)
    return len(ids)
