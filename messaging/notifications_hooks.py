"""What the inbox tells members (``notifications.registry``): a new message in my chat or in an
unassigned one, and a chat assigned to me. Registered from ``MessagingConfig.ready()``.

Who hears about a message follows who answers it: the assignee of an assigned chat, else every
member who may write to prospects (``message.send``). Bot commands and a team member's own
private chat with the bot are not conversations with prospects, so they tell nobody.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from django.urls import reverse

from accounts.models import Membership
from accounts.permissions import role_has_perm
from messaging.models import Chat, Message
from messaging.services.inbox import preview_text
from messaging.telegram.commands import team_member
from notifications.registry import EMAIL, IN_APP, Content, NotificationType, register_type

if TYPE_CHECKING:
    from collections.abc import Iterable

    from accounts.models import User
    from automation.models import Event
    from notifications.models import Notification

# "/start", "/help@acme_bot args": what messaging.telegram.commands answers, not a person.
COMMAND = re.compile(r"^/\w+(@\w+)?(\s|$)")


def _message(event: Event) -> Message | None:
    """The event's message, read once per event: recipients and every recipient's render ask
    for it (a message in an unassigned chat goes to each member who may answer)."""
    if not hasattr(event, "_notified_message"):
        message_id = (event.payload.get("message") or {}).get("id")
        event._notified_message = (  # type: ignore[attr-defined]
            Message.objects.select_related("chat__contact", "sender_contact")
            .filter(pk=message_id, organization_id=event.organization_id)
            .first()
        )
    return event._notified_message  # type: ignore[attr-defined]


def _from_a_prospect(message: Message) -> bool:
    """Whether ``message`` is something a member should answer."""
    if (
        message.direction != Message.Direction.IN
        or message.kind == Message.Kind.SERVICE
        or message.source == Message.Source.IMPORT
        or message.sent_by_bot
        or COMMAND.match(message.text)
    ):
        return False
    chat = message.chat
    # A linked member talking to the bot in private (their /status, their notices).
    return not (
        chat.kind == Chat.Kind.PRIVATE
        and team_member(chat.organization_id, chat.telegram_chat_id) is not None
    )


def _writers(organization_id: int) -> list[int]:
    roles = Membership.objects.filter(organization_id=organization_id).values_list(
        "user_id", "role"
    )
    return [user_id for user_id, role in roles if role_has_perm(role, "message.send")]


def message_recipients(event: Event) -> Iterable[int]:
    message = _message(event)
    if message is None or not _from_a_prospect(message):
        return []
    if message.chat.assigned_to_id is not None:
        return [message.chat.assigned_to_id]
    return _writers(event.organization_id)


def _sender_name(message: Message) -> str:
    if message.sender_contact is not None:
        return str(message.sender_contact)
    return str(message.chat)


def message_body(message: Message) -> str:
    """The text as the inbox previews it; an attachment without a caption by its kind."""
    text = preview_text(message.text)
    if message.kind == Message.Kind.TEXT:
        return text
    kind = f"[{Message.Kind(message.kind).label}]"
    return f"{kind} {text}" if text else kind


def message_render(event: Event, user: User) -> Content | None:
    message = _message(event)
    if message is None:
        return None
    chat = message.chat
    sender = _sender_name(message)
    title = f"New message from {sender}"
    if chat.is_group:
        title += f" in {chat}"
    return Content(
        title=title,
        body=message_body(message),
        url=reverse("messaging:inbox_chat", args=[chat.pk]),
        object_type="chat",
        object_id=chat.pk,
        data={"message": message.pk, "assigned": chat.assigned_to_id is not None},
    )


def message_still_visible(membership: Membership, notification: Notification) -> bool:
    """Only while the chat is still this member's or nobody's: once a colleague took it over,
    the message is theirs to answer. A notice about an unassigned chat also needs the right to
    answer it."""
    chat = (
        Chat.objects.filter(pk=notification.object_id, organization_id=membership.organization_id)
        .values("assigned_to_id")
        .first()
    )
    if chat is None:
        return False
    assignee = chat["assigned_to_id"]
    if assignee == membership.user_id:
        return True
    if assignee is not None:
        return False
    return bool(notification.data.get("assigned")) or role_has_perm(membership.role, "message.send")


def _chat(event: Event) -> Chat | None:
    chat_id = (event.payload.get("chat") or {}).get("id")
    return (
        Chat.objects.select_related("contact")
        .filter(pk=chat_id, organization_id=event.organization_id)
        .first()
    )


def assigned_recipients(event: Event) -> Iterable[int]:
    to_user = event.payload.get("to_user")
    return [to_user] if to_user else []


def assigned_render(event: Event, user: User) -> Content | None:
    chat = _chat(event)
    if chat is None or chat.assigned_to_id != user.pk:
        return None  # deleted, or taken back before the notice was written
    actor = event.actor
    title = (
        f"{actor.display_name} assigned you the chat with {chat}"
        if actor is not None
        else f"The chat with {chat} was assigned to you"
    )
    return Content(
        title=title,
        body=chat.last_message_text,
        url=reverse("messaging:inbox_chat", args=[chat.pk]),
        object_type="chat",
        object_id=chat.pk,
    )


def assigned_still_visible(membership: Membership, notification: Notification) -> bool:
    """Not worth an email once the chat went to someone else (or back to nobody)."""
    return Chat.objects.filter(
        pk=notification.object_id,
        organization_id=membership.organization_id,
        assigned_to_id=membership.user_id,
    ).exists()


def register() -> None:
    """Called from ``MessagingConfig.ready()``."""
    register_type(
        NotificationType(
            key="chat.message",
            label="A new message in my chat or an unassigned chat",
            group="Inbox",
            events=("message.received",),
            recipients=message_recipients,
            render=message_render,
            perm="message.view",
            default_channels=frozenset({IN_APP}),
            description="A prospect wrote in a chat assigned to you, or in a chat nobody owns "
            "yet (to members who may answer).",
            still_visible=message_still_visible,
        )
    )
    register_type(
        NotificationType(
            key="chat.assigned",
            label="A chat is assigned to me",
            group="Inbox",
            events=("chat.assigned",),
            recipients=assigned_recipients,
            render=assigned_render,
            perm="message.view",
            default_channels=frozenset({IN_APP, EMAIL}),
            description="A member or an automation gave you a conversation.",
            still_visible=assigned_still_visible,
        )
    )
