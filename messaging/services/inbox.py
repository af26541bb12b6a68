"""Inbox state of a conversation: who owns it, whether it is open, done or snoozed, and how far
each member has read it.

Two kinds of writes live here:

* ``chat_note_message`` is called wherever a message is recorded (inbound in
  ``services.inbound.message_record``, outbound in ``services.sending.message_send``). It keeps
  the chat's denormalised preview (``last_message_*``) and ``inbound_count`` current, so the
  inbox list reads one row per chat and never counts messages, and it reopens a done or
  snoozed chat when the contact writes again.
* The member actions (assign, done, reopen, snooze, read, unread) check permissions, write and
  emit ``chat.assigned`` / ``chat.status_changed`` / ``chat.read``.

Unread counts: ``Chat.inbound_count`` counts inbound messages that can be unread (not service
messages, not imported history); ``ChatReadState.read_inbound_count`` is that counter when the
user last read. Their difference is the user's unread count for the chat.
"""

from __future__ import annotations

import datetime
from typing import Any

from django.db import transaction
from django.db.models import F, Q
from django.utils import timezone

from accounts.errors import ValidationError
from accounts.models import Membership, User
from accounts.services import require_permission
from automation.events import emit
from messaging.models import Chat, ChatReadState, Message

PREVIEW_LENGTH = 200
# Snoozing further ahead than this is almost certainly a typo in a date picker.
MAX_SNOOZE = datetime.timedelta(days=366)


def counts_as_unread(message: Message) -> bool:
    """Whether ``message`` can be unread: inbound, said by someone (not a service notice) and
    not imported history (old conversations arrive read)."""
    return (
        message.direction == Message.Direction.IN
        and message.kind != Message.Kind.SERVICE
        and message.source != Message.Source.IMPORT
    )


def unread_messages_q() -> Q:
    """``counts_as_unread`` as a filter, for counting up to a read position."""
    return (
        Q(direction=Message.Direction.IN)
        & ~Q(kind=Message.Kind.SERVICE)
        & ~Q(source=Message.Source.IMPORT)
    )


def preview_text(text: str) -> str:
    """One line of at most PREVIEW_LENGTH characters, as the inbox row shows it."""
    line = " ".join(text.split())
    if len(line) <= PREVIEW_LENGTH:
        return line
    return line[: PREVIEW_LENGTH - 1] + "…"


def inbox_chat_payload(chat: Chat) -> dict[str, Any]:
    """The inbox state of a chat as its events carry it."""
    return {
        "id": chat.pk,
        "status": chat.status,
        "assigned_to": chat.assigned_to_id,
        "snoozed_until": chat.snoozed_until.isoformat() if chat.snoozed_until else None,
    }


def chat_note_message(*, chat: Chat, message: Message) -> None:
    """Record ``message`` on its chat's inbox state (call it once, when the message is created).

    Moves the preview only forward in time (an older message arriving late leaves it), counts
    an unread-able inbound message, and reopens a done/snoozed chat on a real inbound message
    (emitting ``chat.status_changed`` with ``reason: "inbound"``).
    """
    chats = Chat.objects.filter(pk=chat.pk)
    if counts_as_unread(message):
        chats.update(inbound_count=F("inbound_count") + 1)
        chat.inbound_count = (chat.inbound_count or 0) + 1
    preview = {
        "last_message_at": message.sent_at,
        "last_message_id": message.pk,
        "last_message_text": preview_text(message.text),
        "last_message_direction": message.direction,
        "last_message_kind": message.kind,
    }
    if chats.filter(
        Q(last_message_at__isnull=True) | Q(last_message_at__lte=message.sent_at)
    ).update(**preview):
        for name, value in preview.items():
            setattr(chat, name, value)
    if counts_as_unread(message):  # a real inbound message (imported history reopens nothing)
        previous = chats.exclude(status=Chat.Status.OPEN).values_list("status", flat=True).first()
        if previous is not None:
            _set_status(
                chat, Chat.Status.OPEN, None, previous=previous, actor=None, reason="inbound"
            )


def _set_status(
    chat: Chat,
    status: str,
    snoozed_until: datetime.datetime | None,
    *,
    previous: str,
    actor: User | None,
    reason: str,
) -> None:
    Chat.objects.filter(pk=chat.pk).update(status=status, snoozed_until=snoozed_until)
    chat.status, chat.snoozed_until = status, snoozed_until
    emit(
        chat.organization,
        "chat.status_changed",
        {"chat": inbox_chat_payload(chat), "from_status": previous, "reason": reason},
        actor,
    )


def _locked(chat: Chat) -> Chat:
    """The chat's current row, locked until the transaction ends (two members acting at once
    see each other's change)."""
    fresh = Chat.objects.select_for_update().get(pk=chat.pk)
    chat.status, chat.snoozed_until = fresh.status, fresh.snoozed_until
    chat.assigned_to_id = fresh.assigned_to_id
    chat.inbound_count, chat.last_message_id = fresh.inbound_count, fresh.last_message_id
    return chat


@transaction.atomic
def chat_assign(*, chat: Chat, assignee: User | None, actor: User) -> Chat:
    """Give the conversation to ``assignee`` (a member of the chat's organization) or to nobody.

    Needs ``chat.assign``. Emits ``chat.assigned`` when the owner changed.
    """
    require_permission(chat.organization, actor, "chat.assign")
    if (
        assignee is not None
        and not Membership.objects.filter(
            organization_id=chat.organization_id, user=assignee
        ).exists()
    ):
        message = "Assign the chat to a member of this organization."
        raise ValidationError(message, fields={"assignee": [message]})
    _locked(chat)
    previous = chat.assigned_to_id
    new = assignee.pk if assignee is not None else None
    if previous == new:
        return chat
    Chat.objects.filter(pk=chat.pk).update(assigned_to=assignee)
    chat.assigned_to = assignee
    emit(
        chat.organization,
        "chat.assigned",
        {"chat": inbox_chat_payload(chat), "from_user": previous, "to_user": new},
        actor,
    )
    return chat


def _change_status(
    chat: Chat,
    status: str,
    actor: User,
    *,
    snoozed_until: datetime.datetime | None = None,
) -> Chat:
    require_permission(chat.organization, actor, "chat.manage")
    _locked(chat)
    if chat.status == status and chat.snoozed_until == snoozed_until:
        return chat
    _set_status(chat, status, snoozed_until, previous=chat.status, actor=actor, reason="member")
    return chat


@transaction.atomic
def chat_mark_done(*, chat: Chat, actor: User) -> Chat:
    """Close the conversation (it leaves the open inbox until the contact writes again)."""
    return _change_status(chat, Chat.Status.DONE, actor)


@transaction.atomic
def chat_reopen(*, chat: Chat, actor: User) -> Chat:
    """Put a done or snoozed conversation back into the open inbox."""
    return _change_status(chat, Chat.Status.OPEN, actor)


@transaction.atomic
def chat_snooze(*, chat: Chat, until: datetime.datetime, actor: User) -> Chat:
    """Hide the conversation until ``until`` (future, within a year); ``chats_wake_snoozed``
    reopens it then, and an inbound message reopens it earlier."""
    now = timezone.now()
    if until <= now:
        message = "Snooze until a moment in the future."
        raise ValidationError(message, fields={"until": [message]})
    if until > now + MAX_SNOOZE:
        message = "Snooze for at most a year."
        raise ValidationError(message, fields={"until": [message]})
    return _change_status(chat, Chat.Status.SNOOZED, actor, snoozed_until=until)


def chats_wake_snoozed(*, now: datetime.datetime | None = None, limit: int = 500) -> int:
    """Reopen snoozed chats whose time has come (the beat task calls this every minute).

    Each chat is its own small transaction, locked and re-checked, so a member reopening or
    re-snoozing it at the same moment wins cleanly. Returns how many woke.
    """
    now = now or timezone.now()
    due = list(
        Chat.objects.filter(status=Chat.Status.SNOOZED, snoozed_until__lte=now)
        .order_by("snoozed_until")
        .values_list("pk", flat=True)[:limit]
    )
    woken = 0
    for pk in due:
        with transaction.atomic():
            chat = (
                Chat.objects.select_for_update()
                .select_related("organization")
                .filter(pk=pk, status=Chat.Status.SNOOZED, snoozed_until__lte=now)
                .first()
            )
            if chat is None:
                continue
            _set_status(
                chat,
                Chat.Status.OPEN,
                None,
                previous=Chat.Status.SNOOZED,
                actor=None,
                reason="snooze_ended",
            )
            woken += 1
    return woken


def _read_state(chat: Chat, user: User) -> tuple[ChatReadState, bool]:
    return ChatReadState.objects.select_for_update().get_or_create(
        chat=chat, user=user, defaults={"organization_id": chat.organization_id}
    )


def _emit_read(chat: Chat, state: ChatReadState, user: User) -> None:
    emit(
        chat.organization,
        "chat.read",
        {
            "chat": chat.pk,
            "user": user.pk,
            "last_read_message_id": state.last_read_message_id,
            "unread": max(chat.inbound_count - state.read_inbound_count, 0),
            "manual_unread": state.manual_unread,
        },
        user,
    )


@transaction.atomic
def chat_mark_read(*, chat: Chat, user: User, message: Message | None = None) -> ChatReadState:
    """Mark the chat read for ``user`` up to ``message`` (default: everything).

    Any member may (``message.view``): read markers are personal. The marker never moves back
    (reading an older message after a newer one keeps the newer position). Emits ``chat.read``
    only when something changed, so opening an already read chat writes no event.
    """
    require_permission(chat.organization, user, "message.view")
    if message is not None and message.chat_id != chat.pk:
        text = "This message is not in this chat."
        raise ValidationError(text, fields={"message": [text]})
    _locked(chat)
    state, created = _read_state(chat, user)
    if message is None:
        read_count, read_id = chat.inbound_count, chat.last_message_id
    else:
        read_count = (
            Message.objects.filter(organization_id=chat.organization_id, chat=chat)
            .filter(unread_messages_q())
            .filter(Q(sent_at__lt=message.sent_at) | Q(sent_at=message.sent_at, pk__lte=message.pk))
            .count()
        )
        read_id = message.pk
    if read_count < state.read_inbound_count:
        read_count, read_id = state.read_inbound_count, state.last_read_message_id
    changed = (
        created
        or state.manual_unread
        or read_count != state.read_inbound_count
        or read_id != state.last_read_message_id
    )
    if not changed:
        return state
    state.read_inbound_count, state.last_read_message_id = read_count, read_id
    state.manual_unread = False
    state.last_read_at = timezone.now()
    state.save()
    _emit_read(chat, state, user)
    return state


@transaction.atomic
def chat_mark_unread(*, chat: Chat, user: User) -> ChatReadState:
    """Flag the chat unread for ``user`` (kept until they read it again), like a messenger's
    "mark as unread". Their read position stays where it was."""
    require_permission(chat.organization, user, "message.view")
    _locked(chat)
    state, _ = _read_state(chat, user)
    if state.manual_unread:
        return state
    state.manual_unread = True
    state.save(update_fields=["manual_unread"])
    _emit_read(chat, state, user)
    return state
