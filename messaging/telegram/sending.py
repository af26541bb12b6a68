"""One outbound message → one Bot API call, and what Telegram's answer means for delivery.

``telegram_send`` picks the method by the message's attachment (sendMessage, sendPhoto,
sendDocument, sendVoice, sendVideo, sendAudio, sendAnimation), uploads the stored file, and
returns what we keep of Telegram's answer. ``classify`` turns python-telegram-bot's exceptions
into the four outcomes delivery acts on — retry after Telegram's ``retry_after``, retry with
backoff, the chat blocked us, or a permanent failure — so ``messaging.services.sending`` never
inspects PTB types itself.
"""

from __future__ import annotations

import datetime
import enum
import warnings
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import telegram
from telegram import error as tg_error

from messaging.models import Attachment, Message
from messaging.telegram.client import session_call

# Attachment kind → (Bot API method name on telegram.Bot, its file parameter).
SEND_METHODS: dict[str, tuple[str, str]] = {
    Message.Kind.PHOTO: ("send_photo", "photo"),
    Message.Kind.DOCUMENT: ("send_document", "document"),
    Message.Kind.VOICE: ("send_voice", "voice"),
    Message.Kind.VIDEO: ("send_video", "video"),
    Message.Kind.AUDIO: ("send_audio", "audio"),
    Message.Kind.ANIMATION: ("send_animation", "animation"),
}
TEXT_LIMIT = 4096  # characters in a text message
CAPTION_LIMIT = 1024  # characters in a media caption


@dataclass(frozen=True)
class SentMessage:
    telegram_message_id: int
    file_id: str = ""
    file_unique_id: str = ""


class Outcome(enum.Enum):
    RETRY_AFTER = "retry_after"  # 429: wait what Telegram says
    RETRY = "retry"  # 5xx, network, timeout: back off and try again
    BLOCKED = "blocked"  # 403: the user blocked the bot / the bot was removed
    FAILED = "failed"  # 400 and anything else: Telegram will never accept this request


@dataclass(frozen=True)
class SendError:
    outcome: Outcome
    reason: str
    retry_after: float = 0.0
    migrate_to_chat_id: int | None = None


def classify(exc: tg_error.TelegramError) -> SendError:
    """What delivery should do after ``exc``. ``BadRequest`` subclasses ``NetworkError`` in
    PTB, so it is tested first."""
    if isinstance(exc, tg_error.RetryAfter):
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # PTB deprecates the int form; we take either
            value = exc.retry_after
        seconds = value.total_seconds() if isinstance(value, datetime.timedelta) else float(value)
        return SendError(Outcome.RETRY_AFTER, str(exc), retry_after=seconds)
    if isinstance(exc, tg_error.ChatMigrated):
        return SendError(Outcome.FAILED, str(exc), migrate_to_chat_id=exc.new_chat_id)
    if isinstance(exc, tg_error.Forbidden):
        return SendError(Outcome.BLOCKED, exc.message)
    if isinstance(exc, tg_error.BadRequest):
        return SendError(Outcome.FAILED, exc.message)
    if isinstance(exc, tg_error.InvalidToken):
        return SendError(Outcome.FAILED, "Telegram refused the bot's token (revoked?).")
    if isinstance(exc, tg_error.NetworkError):  # 5xx, connection refused/reset, timeouts
        return SendError(Outcome.RETRY, exc.message)
    return SendError(Outcome.FAILED, str(exc))


def _reply_markup(markup: dict[str, Any] | None) -> telegram.InlineKeyboardMarkup | None:
    if not markup:
        return None
    return telegram.InlineKeyboardMarkup.de_json(markup, None)


def _take(take_token: Callable[[], float]) -> None:
    wait = take_token()
    if wait:
        raise RateLimited(wait)


class RateLimited(Exception):
    """The rate limiter asked for a wait too long to sleep through; nothing was sent."""

    def __init__(self, wait: float) -> None:
        super().__init__(f"Rate limited for {wait:.2f} s")
        self.wait = wait


def telegram_send(message: Message, *, take_token: Callable[[], float]) -> SentMessage:
    """Send ``message`` (with its first attachment, if any) through its chat's bot.

    ``take_token`` (the rate limiter) runs after everything is prepared and the client is open,
    right before the request: what reaches Telegram is then paced like the tokens, not shifted
    by file reads or connection setup. When it returns a wait, ``RateLimited`` is raised and
    nothing is sent. Raises ``telegram.error.TelegramError`` as PTB does; see ``classify``."""
    chat = message.chat
    attachment: Attachment | None = None
    if message.kind != Message.Kind.TEXT:
        attachment = message.attachments.order_by("id").first()
    common: dict[str, Any] = {
        "chat_id": chat.telegram_chat_id,
        "reply_markup": _reply_markup(message.reply_markup),
    }
    if message.reply_to_id and message.reply_to.telegram_message_id:
        common["reply_parameters"] = telegram.ReplyParameters(
            message_id=message.reply_to.telegram_message_id, allow_sending_without_reply=True
        )
    entities = [telegram.MessageEntity.de_json(e, None) for e in message.entities or []]

    if attachment is None:

        async def call(client: telegram.Bot) -> telegram.Message:
            _take(take_token)
            return await client.send_message(text=message.text, entities=entities or None, **common)

    else:
        method, parameter = SEND_METHODS.get(attachment.kind, SEND_METHODS[Message.Kind.DOCUMENT])
        if attachment.telegram_file_id:
            media: Any = attachment.telegram_file_id  # already on Telegram's servers
        else:
            with attachment.file.open("rb") as handle:
                media = telegram.InputFile(handle.read(), filename=attachment.file_name or "file")

        async def call(client: telegram.Bot) -> telegram.Message:
            _take(take_token)
            return await getattr(client, method)(
                **{parameter: media},
                caption=message.text or None,
                caption_entities=entities or None,
                **common,
            )

    # The bot's client stays open between messages (see messaging/telegram/client.py).
    sent = session_call(chat.bot.token, call)
    file = sent.effective_attachment
    if isinstance(file, tuple):  # photos come in sizes; the largest is last
        file = file[-1] if file else None
    return SentMessage(
        telegram_message_id=sent.message_id,
        file_id=getattr(file, "file_id", "") or "",
        file_unique_id=getattr(file, "file_unique_id", "") or "",
    )
