"""Chats and the contacts behind them, as Telegram reveals them.

Everything here is keyed by Telegram's own ids and is safe to run twice: a chat is unique per
(bot, chat id), a contact per (organization, Telegram user id), a member per (chat, contact).
Concurrent workers are serialised by transaction-scoped advisory locks on those keys, so two
updates from a new person processed at the same moment still make one contact.

Contacts made here have no acting member (Telegram, not a person, created them); they are
written directly and announced with the same ``contact.created`` payload the CRM services emit.
"""

from __future__ import annotations

import datetime
import hashlib
from typing import Any

from django.db import connection, transaction
from django.utils import timezone

from accounts.models import Organization
from automation.events import emit
from crm.models import Contact
from crm.services.contacts import contact_payload
from messaging.models import Chat, ChatMember, TelegramBot

# Namespaces for pg_advisory_xact_lock(int, int): which kind of key the second number is.
LOCK_CHAT = 7301
LOCK_TELEGRAM_USER = 7302


def advisory_lock(namespace: int, *parts: int) -> None:
    """Hold a lock on (namespace, parts) until the transaction ends."""
    digest = hashlib.blake2b(repr(parts).encode(), digest_size=4).digest()
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT pg_advisory_xact_lock(%s, %s)",
            [namespace, int.from_bytes(digest, "big") - 2**31],
        )


def chat_payload(chat: Chat) -> dict[str, Any]:
    return {
        "id": chat.pk,
        "bot": chat.bot_id,
        "channel": chat.channel,
        "kind": chat.kind,
        "title": str(chat),
        "telegram_chat_id": chat.telegram_chat_id,
        "contact": chat.contact_id,
        "is_blocked": chat.is_blocked,
    }


def _display_name(user: dict[str, Any]) -> tuple[str, str]:
    return (user.get("first_name") or "")[:100], (user.get("last_name") or "")[:100]


def _username(value: str | None) -> str:
    return (value or "").strip().lstrip("@").lower()[:32]


@transaction.atomic
def contact_for_telegram_user(
    *,
    organization_id: int,
    user: dict[str, Any],
    source: str = "telegram",
    organization: Organization | None = None,
) -> Contact:
    """The contact of a Telegram ``User`` object, created when the organization has none.

    Found by Telegram user id; else a contact with the same @username and no id yet (typed in
    by hand) gets the id; else a new contact with the names and @username Telegram gave.
    """
    telegram_id = int(user["id"])
    advisory_lock(LOCK_TELEGRAM_USER, organization_id, telegram_id)
    contact = Contact.objects.filter(
        organization_id=organization_id, telegram_user_id=telegram_id
    ).first()
    username = _username(user.get("username"))
    if contact is not None:
        if username and contact.telegram_username != username:
            taken = (
                Contact.objects.filter(organization_id=organization_id, telegram_username=username)
                .exclude(pk=contact.pk)
                .exists()
            )
            if not taken:
                contact.telegram_username = username
                contact.save(update_fields=["telegram_username", "updated_at"])
        return contact
    if username:
        contact = Contact.objects.filter(
            organization_id=organization_id,
            telegram_username=username,
            telegram_user_id__isnull=True,
        ).first()
        if contact is not None:
            contact.telegram_user_id = telegram_id
            contact.save(update_fields=["telegram_user_id", "updated_at"])
            return contact
        if Contact.objects.filter(
            organization_id=organization_id, telegram_username=username
        ).exists():
            username = ""  # another Telegram account held it before; the id is what counts
    first_name, last_name = _display_name(user)
    if organization is None:
        organization = Organization.objects.get(pk=organization_id)
    contact = Contact.objects.create(
        organization=organization,
        first_name=first_name,
        last_name=last_name,
        telegram_user_id=telegram_id,
        telegram_username=username,
        source=source[:60],
    )
    emit(organization, "contact.created", {"contact": contact_payload(contact)}, None)
    return contact


@transaction.atomic
def chat_for_telegram_chat(
    *, bot: TelegramBot, chat: dict[str, Any], private_user: dict[str, Any] | None = None
) -> tuple[Chat, bool]:
    """The chat for a Telegram ``Chat`` object and whether it was created now.

    A private chat is linked to the contact of the person (``private_user``, the message's
    sender); a group's title and @username follow Telegram's latest.
    """
    telegram_chat_id = int(chat["id"])
    advisory_lock(LOCK_CHAT, bot.pk, telegram_chat_id)
    kind = chat.get("type") if chat.get("type") in Chat.Kind.values else Chat.Kind.PRIVATE
    title = (chat.get("title") or "")[:255]
    username = _username(chat.get("username"))[:64]
    found = Chat.objects.filter(bot=bot, telegram_chat_id=telegram_chat_id).first()
    if found is not None:
        changed = []
        for field, value in (("kind", kind), ("title", title), ("username", username)):
            if value and getattr(found, field) != value:
                setattr(found, field, value)
                changed.append(field)
        if found.contact_id is None and kind == Chat.Kind.PRIVATE and private_user:
            found.contact = contact_for_telegram_user(
                organization_id=bot.organization_id,
                user=private_user,
                organization=bot.organization,
            )
            changed.append("contact")
        if changed:
            found.save(update_fields=changed)
        found.organization = bot.organization  # the bot's, already loaded: no query per emit
        return found, False
    contact = None
    if kind == Chat.Kind.PRIVATE and private_user:
        contact = contact_for_telegram_user(
            organization_id=bot.organization_id,
            user=private_user,
            organization=bot.organization,
        )
    created = Chat.objects.create(
        organization=bot.organization,
        bot=bot,
        telegram_chat_id=telegram_chat_id,
        kind=kind,
        title=title,
        username=username,
        contact=contact,
    )
    emit(created.organization, "chat.created", {"chat": chat_payload(created)}, None)
    return created, True


def chat_member_join(*, chat: Chat, contact: Contact, at: datetime.datetime) -> ChatMember:
    """Record that ``contact`` is in the group (again); idempotent per (chat, contact)."""
    member, created = ChatMember.objects.get_or_create(
        chat=chat,
        contact=contact,
        defaults={"organization_id": chat.organization_id, "joined_at": at},
    )
    if not created and member.left_at is not None and member.left_at <= at:
        member.left_at = None
        member.joined_at = at
        member.save(update_fields=["left_at", "joined_at"])
    return member


def chat_member_leave(*, chat: Chat, contact: Contact, at: datetime.datetime) -> None:
    ChatMember.objects.filter(chat=chat, contact=contact, left_at__isnull=True).update(left_at=at)


@transaction.atomic
def chat_set_blocked(*, chat: Chat, blocked: bool) -> Chat:
    """The bot was blocked / kicked (or allowed back); emits chat.blocked when it starts."""
    chat = Chat.objects.select_for_update().get(pk=chat.pk)
    if chat.is_blocked == blocked:
        return chat
    chat.is_blocked = blocked
    chat.blocked_at = timezone.now() if blocked else None
    chat.save(update_fields=["is_blocked", "blocked_at"])
    if blocked:
        emit(chat.organization, "chat.blocked", {"chat": chat_payload(chat)}, None)
    return chat
