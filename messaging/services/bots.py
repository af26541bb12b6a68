"""Connecting and disconnecting Telegram bots.

Connecting validates the token with ``getMe`` (so a typo or a revoked token is a clear field
error, not a bot that silently never receives anything), stores it encrypted, and chooses how
updates arrive: a webhook with a random per-bot ``secret_token`` when ``PUBLIC_BASE_URL`` is
set, otherwise long polling by ``manage.py telegram_poll`` (which needs the webhook removed).
Disconnecting removes the webhook and stops polling; chats and messages stay.
"""

from __future__ import annotations

import logging
import re

import telegram
from django.conf import settings
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from telegram.error import InvalidToken, TelegramError

from accounts.errors import ValidationError
from accounts.models import Organization, User
from accounts.services import require_permission
from automation.events import emit
from messaging.errors import BotTokenInvalid, ChannelUnavailable
from messaging.models import TelegramBot
from messaging.telegram.client import telegram_call, token_call

logger = logging.getLogger(__name__)

# BotFather tokens: the bot's numeric id, a colon, 35 URL-safe characters.
TOKEN_SHAPE = re.compile(r"^\d{5,20}:[A-Za-z0-9_-]{30,64}$")
# What we process; Telegram sends only these to the webhook / getUpdates.
ALLOWED_UPDATES = [
    "message",
    "edited_message",
    "channel_post",
    "edited_channel_post",
    "callback_query",
    "my_chat_member",
]


def bot_payload(bot: TelegramBot) -> dict:
    """The bot as events carry it (never the token or the webhook secret)."""
    return {
        "id": bot.pk,
        "name": bot.name,
        "username": bot.username,
        "telegram_id": bot.telegram_id,
        "mode": bot.mode,
        "is_active": bot.is_active,
    }


def webhook_url(bot: TelegramBot) -> str:
    path = reverse("messaging:telegram_webhook", kwargs={"bot_id": str(bot.pk)})
    return settings.PUBLIC_BASE_URL.rstrip("/") + path


def _me(token: str) -> telegram.User:
    try:
        return token_call(token, lambda client: client.get_me())
    except InvalidToken as error:
        raise BotTokenInvalid(
            "Telegram refused this token: it is wrong or was revoked. "
            "Copy it again from @BotFather (/mybots → API Token)."
        ) from error
    except TelegramError as error:
        raise ChannelUnavailable(
            f"Telegram could not be reached to check the token: {error}"
        ) from error


def _webhook_set(bot: TelegramBot) -> None:
    try:
        telegram_call(
            bot,
            lambda client: client.set_webhook(
                url=webhook_url(bot),
                secret_token=bot.webhook_secret,
                allowed_updates=ALLOWED_UPDATES,
                max_connections=40,
            ),
        )
    except TelegramError as error:
        raise ChannelUnavailable(f"Telegram refused the webhook: {error}") from error


def _webhook_delete(bot: TelegramBot) -> None:
    try:
        telegram_call(bot, lambda client: client.delete_webhook(drop_pending_updates=False))
    except TelegramError as error:
        raise ChannelUnavailable(f"Telegram could not remove the webhook: {error}") from error


def bot_connect(
    *, organization: Organization, actor: User, token: str, name: str = ""
) -> TelegramBot:
    """Validate ``token`` with getMe, store the bot (token encrypted) and start receiving.

    Raises ``BotTokenInvalid`` (field ``token``) for a malformed, wrong or revoked token,
    ``ValidationError`` when the bot is already connected to this organization, and
    ``ChannelUnavailable`` when Telegram cannot be reached or refuses the webhook (nothing is
    stored then).
    """
    require_permission(organization, actor, "bot.manage")
    token = (token or "").strip()
    if not TOKEN_SHAPE.match(token):
        raise BotTokenInvalid(
            "This is not a bot token. It looks like 123456789:AAE… — "
            "get it from @BotFather in Telegram."
        )
    # Asked outside the transaction: no row lock is held while Telegram answers.
    me = _me(token)
    with transaction.atomic():
        existing = TelegramBot.objects.filter(
            organization=organization, telegram_id=me.id, is_active=True
        ).first()
        if existing is not None:
            raise ValidationError(
                f"@{me.username} is already connected.",
                fields={"token": [f"@{me.username} is already connected to this organization."]},
            )
        bot = TelegramBot(
            organization=organization,
            name=(name or "").strip()[:120] or me.first_name or me.username,
            username=me.username or "",
            telegram_id=me.id,
            token=token,
            mode=TelegramBot.Mode.WEBHOOK if settings.PUBLIC_BASE_URL else TelegramBot.Mode.POLLING,
            connected_by=actor,
        )
        try:
            with transaction.atomic():
                bot.save()
        except IntegrityError as error:  # connected concurrently by another request
            raise ValidationError(
                f"@{me.username} is already connected.",
                fields={"token": [f"@{me.username} is already connected to this organization."]},
            ) from error
        # Inside the transaction: if Telegram refuses the webhook, no half-connected bot stays.
        if bot.mode == TelegramBot.Mode.WEBHOOK:
            _webhook_set(bot)
        else:
            _webhook_delete(bot)
        emit(organization, "bot.connected", {"bot": bot_payload(bot)}, actor)
    return bot


def bot_disconnect(*, bot: TelegramBot, actor: User) -> TelegramBot:
    """Stop receiving for ``bot``: remove its webhook (best effort: a revoked token or an
    unreachable Telegram must not keep a bot connected here) and mark it inactive."""
    require_permission(bot.organization, actor, "bot.manage")
    if not bot.is_active:
        return bot
    error_text = ""
    try:
        _webhook_delete(bot)
    except ChannelUnavailable as error:
        error_text = error.message
        logger.warning("Disconnecting bot %s: %s", bot.pk, error_text)
    with transaction.atomic():
        bot = TelegramBot.objects.select_for_update().get(pk=bot.pk)
        bot.is_active = False
        bot.disconnected_at = timezone.now()
        bot.last_error = error_text
        bot.save(update_fields=["is_active", "disconnected_at", "last_error"])
        emit(bot.organization, "bot.disconnected", {"bot": bot_payload(bot)}, actor)
    return bot


def bot_record_error(*, bot: TelegramBot, error: str) -> None:
    """Remember the last transport error for the settings page (polling, webhook)."""
    TelegramBot.objects.filter(pk=bot.pk).update(last_error=error[:2000])
