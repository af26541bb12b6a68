"""The ``telegram_profile`` enrichment provider: names and bio from the contact's Telegram.

Providers must not call the network (docs/contributing/add-an-enrichment-provider.md), so the
work is split: when a private chat starts (``chat.created``), a subscriber queues
``telegram_profile_fetch``, which asks ``getChat`` for the person's profile, keeps it in the
cache (``telegram_profile_get``), and runs ``contact_enrich`` with this provider. The provider
only reads the cache and proposes what the contact lacks, so running it twice changes nothing.

Changes go through the contact services, which act for a member: the member who connected
the bot (when they still may edit contacts). Without one, nothing is written.
"""

from __future__ import annotations

import logging
from typing import Any

from celery import shared_task
from django.core.cache import cache
from telegram.error import TelegramError

from accounts.errors import DomainError
from accounts.models import Membership
from accounts.permissions import role_has_perm
from automation.events import subscriber
from automation.models import Event
from crm.enrichment import contact_enrich, enrichment_provider
from crm.models import Contact
from messaging.models import Chat
from messaging.telegram.client import is_transient, telegram_call

logger = logging.getLogger(__name__)

PROFILE_TTL_SECONDS = 7 * 24 * 3600
BIO_MAX = 2000


def _key(organization_id: int, telegram_user_id: int) -> str:
    return f"messaging:telegram-profile:{organization_id}:{telegram_user_id}"


def telegram_profile_get(contact: Contact) -> dict[str, Any] | None:
    """The profile ``telegram_profile_fetch`` stored for this contact, if any."""
    if contact.telegram_user_id is None:
        return None
    return cache.get(_key(contact.organization_id, contact.telegram_user_id))


@enrichment_provider("telegram_profile")
def telegram_profile(contact: Contact) -> dict[str, Any]:
    """Names and bio from the contact's Telegram profile, where ours are empty."""
    profile = telegram_profile_get(contact)
    if not profile:
        return {}
    proposal = {
        "first_name": (profile.get("first_name") or "")[:100],
        "last_name": (profile.get("last_name") or "")[:100],
        "telegram_bio": (profile.get("bio") or "")[:BIO_MAX],
    }
    return {k: v for k, v in proposal.items() if v and not getattr(contact, k)}


class TelegramUnreachable(Exception):
    """A transient Bot API failure; the task retries with backoff."""


@shared_task(acks_late=True, autoretry_for=(TelegramUnreachable,), retry_backoff=10, max_retries=5)
def telegram_profile_fetch(chat_pk: int) -> str:
    """getChat for a private chat's person, cached, then enrich their contact."""
    chat = (
        Chat.objects.select_related("bot", "contact", "contact__organization")
        .filter(pk=chat_pk, kind=Chat.Kind.PRIVATE)
        .first()
    )
    if chat is None or chat.bot is None or chat.contact is None or not chat.bot.is_active:
        return "skipped"
    try:
        info = telegram_call(chat.bot, lambda client: client.get_chat(chat.telegram_chat_id))
    except TelegramError as error:
        if is_transient(error):
            raise TelegramUnreachable(str(error)) from error
        logger.info("getChat %s for bot %s: %s", chat.telegram_chat_id, chat.bot_id, error)
        return "unavailable"
    profile = {
        "first_name": info.first_name or "",
        "last_name": info.last_name or "",
        "username": info.username or "",
        "bio": info.bio or "",
    }
    cache.set(_key(chat.organization_id, chat.telegram_chat_id), profile, PROFILE_TTL_SECONDS)
    actor = _acting_member(chat)
    if actor is None:
        return "no-actor"
    try:
        applied = contact_enrich(contact=chat.contact, actor=actor, providers=["telegram_profile"])
    except DomainError as error:
        logger.info("Telegram enrichment of contact %s skipped: %s", chat.contact_id, error.message)
        return "refused"
    return "enriched" if applied else "unchanged"


def _acting_member(chat: Chat):
    """The member who connected the bot, if they may still edit contacts."""
    user_id = chat.bot.connected_by_id
    membership = (
        Membership.objects.filter(organization_id=chat.organization_id, user_id=user_id)
        .select_related("user")
        .first()
        if user_id
        else None
    )
    if membership is None or not role_has_perm(membership.role, "crm.edit"):
        return None
    return membership.user


@subscriber("messaging.telegram_profile", events=["chat.created"])
def fetch_profile_on_new_chat(event: Event) -> None:
    chat = event.payload.get("chat") or {}
    if chat.get("kind") == Chat.Kind.PRIVATE and chat.get("contact"):
        telegram_profile_fetch.delay(chat["id"])
