"""Linking a member's Telegram account through the organization's bot, for Telegram notices.

Bots cannot start conversations, so a member reaches Telegram notices in two steps that one
deep link covers: Settings → Notifications makes a one-time code (``telegram_link_start``) and
shows ``https://t.me/<bot>?start=link_<code>``; opening it starts the private chat with the bot
and sends ``/start link_<code>``, which ``link_from_telegram`` (a ``/start`` payload handler of
``messaging.telegram.commands``) turns into the allauth ``SocialAccount(provider="telegram",
uid=<Telegram user id>)`` that Telegram sign-in, the bot's commands and its inline buttons
already read. Only the code's SHA-256 is stored; a code works once, for 30 minutes, with the
bots of the organization it was made in.
"""

from __future__ import annotations

import hashlib
import logging
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from allauth.socialaccount.models import SocialAccount
from django.db import IntegrityError, transaction
from django.db.models import F, QuerySet
from django.utils import timezone

from accounts.audit import audit_record
from accounts.errors import ValidationError
from accounts.models import Membership, Organization, User
from accounts.services import require_permission
from messaging.models import Chat, TelegramBot
from messaging.telegram.commands import start_payload_handler
from notifications.models import TelegramLinkCode

logger = logging.getLogger(__name__)

PROVIDER = "telegram"
LINK_PREFIX = "link_"
CODE_TTL = timedelta(minutes=30)
# 24 random bytes → 32 URL-safe characters: with "link_" well under the 64 characters of A-Z,
# a-z, 0-9, _ and - that Telegram allows in a deep-link payload.
CODE_BYTES = 24
EXPIRED = "This link has expired. Open Settings → Notifications in BiDi for a new one."
TAKEN = (
    "This Telegram account is already linked to another BiDi account. Unlink it there "
    "(Settings → Notifications), then open this link again."
)


@dataclass(frozen=True)
class TelegramLinkOffer:
    code: str
    # (bot display name, "https://t.me/<bot username>?start=link_<code>") per connected bot.
    links: list[tuple[str, str]]
    expires_at: datetime


@dataclass(frozen=True)
class TelegramLinkStatus:
    linked: bool  # the user has a Telegram account linked (notices, sign-in, bot commands)
    telegram_ids: list[int]
    # A private chat with one of the organization's connected bots exists and is not blocked:
    # Telegram notices of this organization can reach the user.
    reachable: bool
    bot_names: list[str]  # the organization's connected bots ("@acme_sales_bot")


def _code_hash(code: str) -> str:
    return hashlib.sha256(code.encode()).hexdigest()


def connected_bots(organization_id: int) -> QuerySet[TelegramBot]:
    return TelegramBot.objects.filter(organization_id=organization_id, is_active=True).order_by(
        "name", "pk"
    )


def telegram_ids(user: User) -> list[int]:
    """The Telegram user ids linked to ``user`` (allauth stores them as text)."""
    uids = SocialAccount.objects.filter(user=user, provider=PROVIDER).values_list("uid", flat=True)
    return sorted(int(uid) for uid in uids if str(uid).isdigit())


def private_chats(user_telegram_ids: list[int], organization_ids: list[int]) -> QuerySet[Chat]:
    """Private chats of these Telegram accounts with the organizations' connected bots that
    the bots may write to, most recently active first."""
    return (
        Chat.objects.filter(
            organization_id__in=organization_ids,
            kind=Chat.Kind.PRIVATE,
            telegram_chat_id__in=user_telegram_ids,
            bot__is_active=True,
            is_blocked=False,
        )
        .select_related("bot", "organization")
        .order_by(F("last_message_at").desc(nulls_last=True), "-pk")
    )


@transaction.atomic
def telegram_link_start(*, user: User, organization: Organization) -> TelegramLinkOffer:
    """Make a one-time code for ``user`` in ``organization`` and the deep links that send it
    to each of the organization's connected bots.

    The code replaces the user's unused codes of this organization (the settings page shows
    one link at a time). Raises ``ValidationError`` when the organization has no connected bot
    (there is nothing to write to), ``NotFound`` when the user is no member.
    """
    require_permission(organization, user, "notification.view")
    bots = list(connected_bots(organization.pk))
    if not bots:
        raise ValidationError(
            f"{organization.name} has no connected Telegram bot yet: an owner or admin connects "
            "one in Settings → Telegram bots.",
            code="no_telegram_bot",
        )
    now = timezone.now()
    TelegramLinkCode.objects.filter(
        organization=organization, user=user, used_at__isnull=True
    ).delete()
    code = secrets.token_urlsafe(CODE_BYTES)
    expires_at = now + CODE_TTL
    TelegramLinkCode.objects.create(
        organization=organization,
        user=user,
        code_hash=_code_hash(code),
        created_at=now,
        expires_at=expires_at,
    )
    links = [(bot.name, f"https://t.me/{bot.username}?start={LINK_PREFIX}{code}") for bot in bots]
    return TelegramLinkOffer(code=code, links=links, expires_at=expires_at)


def telegram_link_status(user: User, organization: Organization) -> TelegramLinkStatus:
    """Whether ``user`` linked Telegram and whether the organization's bots can reach them."""
    ids = telegram_ids(user)
    bots = list(connected_bots(organization.pk))
    reachable = bool(ids) and private_chats(ids, [organization.pk]).exists()
    return TelegramLinkStatus(
        linked=bool(ids),
        telegram_ids=ids,
        reachable=reachable,
        bot_names=[str(bot) for bot in bots],
    )


@transaction.atomic
def telegram_unlink(*, user: User) -> int:
    """Unlink every Telegram account of ``user``; returns how many were linked.

    This also ends Telegram sign-in for the user (the same allauth ``SocialAccount`` rows serve
    both) and the bot stops treating that Telegram account as a team member. Users always have
    a verified email, so they keep a way to sign in.
    """
    deleted, _ = SocialAccount.objects.filter(user=user, provider=PROVIDER).delete()
    if deleted:
        audit_record(
            action="user.social_disconnected",
            actor=user,
            target=user,
            metadata={"provider": PROVIDER},
        )
    return deleted


@start_payload_handler(LINK_PREFIX)
def link_from_telegram(bot: TelegramBot, chat: Chat, sender: dict[str, Any], code: str, /) -> str:
    """``/start link_<code>`` in a private chat with ``bot``: link the sender's Telegram
    account to the user who made the code, if the code is unused, unexpired and of the bot's
    organization, and the account is not linked to somebody else. Returns the bot's answer."""
    now = timezone.now()
    found = (
        TelegramLinkCode.objects.select_for_update()
        .filter(
            code_hash=_code_hash(code),
            organization_id=bot.organization_id,
            used_at__isnull=True,
            expires_at__gt=now,
        )
        .select_related("user", "organization")
        .first()
    )
    if (
        found is None
        or not found.user.is_active
        or not Membership.objects.filter(
            organization_id=found.organization_id, user_id=found.user_id
        ).exists()
    ):
        return EXPIRED
    uid = str(sender["id"])
    owner_id = (
        SocialAccount.objects.filter(provider=PROVIDER, uid=uid)
        .values_list("user_id", flat=True)
        .first()
    )
    if owner_id is not None and owner_id != found.user_id:
        return TAKEN
    if owner_id is None:
        extra = {k: sender[k] for k in ("id", "first_name", "last_name", "username") if k in sender}
        try:
            with transaction.atomic():
                SocialAccount.objects.create(
                    user=found.user, provider=PROVIDER, uid=uid, extra_data=extra
                )
        except IntegrityError:  # linked to someone else a moment ago
            return TAKEN
        # A new way into the account (Telegram sign-in), audited like one added in the app.
        audit_record(
            action="user.social_connected",
            actor=found.user,
            organization=found.organization,
            target=found.user,
            metadata={"provider": PROVIDER, "via": "bot deep link", "bot": bot.username},
        )
    found.used_at = now
    found.save(update_fields=["used_at"])
    logger.info("Telegram account %s linked to user %s", uid, found.user_id)
    return f"Linked! You'll get BiDi notifications for {found.organization.name} here."
