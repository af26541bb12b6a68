"""Helpers of the Telegram linking and delivery tests: a member opens the deep link of
``telegram_link_start`` and the bot receives ``/start link_<code>`` through its webhook
(fixtures ``connected`` / ``deliver`` of messaging's tests, fake Bot API behind them)."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

from accounts.models import Organization, User
from messaging.models import TelegramBot
from messaging.tests import updates
from notifications.telegram_link import telegram_link_start


def open_link(deliver: Callable[..., Any], bot: TelegramBot, code: str, sender: dict) -> None:
    """What Telegram does when ``sender`` opens t.me/<bot>?start=link_<code> and presses
    Start: the bot receives ``/start link_<code>`` in their private chat."""
    deliver(bot, updates.update(text=f"/start link_{code}", sender=sender))


def link(
    deliver: Callable[..., Any],
    bot: TelegramBot,
    *,
    user: User,
    organization: Organization,
    sender: dict,
) -> str:
    """Link ``sender``'s Telegram account to ``user`` the way a member does; returns the code."""
    offer = telegram_link_start(user=user, organization=organization)
    open_link(deliver, bot, offer.code, sender)
    return offer.code


def sent_to(telegram: Any, telegram_user: dict, token: str | None = None) -> list[dict[str, Any]]:
    """What the bot(s) sent to ``telegram_user``'s private chat, oldest first."""
    return [
        call.params
        for call in telegram.calls("sendMessage")
        if str(call.params.get("chat_id")) == str(telegram_user["id"])
        and (token is None or call.token == token)
    ]


def keyboard(params: dict[str, Any]) -> list[list[dict[str, str]]]:
    markup = params.get("reply_markup")
    return json.loads(markup)["inline_keyboard"] if markup else []
