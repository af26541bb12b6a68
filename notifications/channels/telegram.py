"""Telegram: a message from the organization's bot to the member's linked account.

Bots cannot start conversations, so a notice reaches a member only through a private chat
with one of the organization's connected bots that they started (the deep link of
``notifications.telegram_link`` does both: it starts the chat and links the account). The
message is queued with ``messaging.services.sending.message_send`` like every bot message, so
it is stored, rate-limited with the bot's other traffic and retried by messaging; this sender
only finds the chat and says why there is none.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings

from accounts.errors import DomainError
from accounts.models import Membership
from messaging.errors import ChannelUnavailable
from messaging.models import Chat, Message
from messaging.services.sending import message_send
from messaging.telegram.sending import TEXT_LIMIT
from notifications.errors import DeliveryError, Unreachable
from notifications.models import Delivery, Notification
from notifications.registry import notification_type
from notifications.telegram_link import connected_bots, private_chats, telegram_ids

OPEN_BUTTON = "Open in BiDi"


def send(delivery: Delivery) -> str:
    """Queue ``delivery``'s notice to the member's private chat with the organization's bot;
    returns "Telegram message <id>". Raises ``Unreachable`` (skipped, with a sentence for the
    member) when Telegram is not linked or no bot can write to them, ``DeliveryError`` when
    the bot could not be reached just now."""
    notification = delivery.notification
    chat = _chat_for(notification)
    try:
        message = message_send(
            chat=chat,
            actor=None,
            text=_text(notification),
            reply_markup=_keyboard(notification),
            source=Message.Source.COMMAND,
        )
    except ChannelUnavailable as error:
        raise DeliveryError(error.message) from error
    except DomainError as error:  # blocked meanwhile, the bot disconnected, refused text
        raise Unreachable(error.message) from error
    return f"Telegram message {message.pk}"


def _chat_for(notification: Notification) -> Chat:
    """The private chat to write to, preferring the bot ``data["bot_id"]`` names (the chat's
    bot, for a draft) and else the chat the member used last."""
    ids = telegram_ids(notification.user)
    if not ids:
        raise Unreachable(
            "Telegram is not linked: link it in Settings → Notifications to get notices there."
        )
    if notification.organization_id is not None:
        organization_ids = [notification.organization_id]
        if not connected_bots(notification.organization_id).exists():
            raise Unreachable("The organization has no connected Telegram bot.")
    else:  # an account-level notice: any organization of the user whose bot can reach them
        organization_ids = list(
            Membership.objects.filter(user=notification.user).values_list(
                "organization_id", flat=True
            )
        )
    chats = list(private_chats(ids, organization_ids))
    if not chats:
        if Chat.objects.filter(
            organization_id__in=organization_ids,
            kind=Chat.Kind.PRIVATE,
            telegram_chat_id__in=ids,
            bot__is_active=True,
            is_blocked=True,
        ).exists():
            raise Unreachable("The organization's Telegram bot is blocked in this account.")
        raise Unreachable(
            "Telegram is linked, but there is no chat with the organization's bot yet: open the "
            "bot in Telegram and press Start."
        )
    preferred = notification.data.get("bot_id")
    return next((chat for chat in chats if chat.bot_id == preferred), chats[0])


def _link(notification: Notification) -> str:
    if not notification.url:
        return ""
    return settings.SITE_URL.rstrip("/") + notification.url


def _text(notification: Notification) -> str:
    link = _link(notification)
    tail = f"\n\n{link}" if link else ""
    head = notification.title
    room = TEXT_LIMIT - len(head) - len(tail) - 2
    body = notification.body.strip()
    if len(body) > room:
        body = body[: max(room - 1, 0)].rstrip() + "…"
    return head + (f"\n\n{body}" if body else "") + tail


def _keyboard(notification: Notification) -> dict[str, Any] | None:
    """The type's buttons, plus "Open in BiDi" when the site is served over https (Telegram
    refuses URL buttons to http and localhost addresses)."""
    type_ = notification_type(notification.type)
    rows = (
        [list(row) for row in type_.telegram_buttons(notification)]
        if type_ is not None and type_.telegram_buttons is not None
        else []
    )
    link = _link(notification)
    if link.startswith("https://"):
        rows.append([{"text": OPEN_BUTTON, "url": link}])
    return {"inline_keyboard": rows} if rows else None
