"""Inline-keyboard buttons: callback queries, checked against the presser's role.

Button data is ``<action>:<argument>`` (Telegram allows 64 bytes). Actions live in a registry
(``callback_action(name, perm)``) so other apps add theirs (approving an agent's draft, moving a
deal) without an if-chain here. The presser must be a team member (Telegram account linked to
a BiDi user of the bot's organization) whose role has the action's permission; a viewer, or a
prospect, is refused with an alert. Every query is answered with ``answerCallbackQuery`` —
after the transaction commits, so the answer tells what really happened.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.db import transaction
from telegram.error import TelegramError

from accounts.errors import DomainError
from accounts.models import Membership
from accounts.permissions import role_has_perm
from crm.models import Contact
from crm.services.contacts import contact_update
from messaging.models import TelegramBot
from messaging.telegram.client import telegram_call
from messaging.telegram.commands import team_member

logger = logging.getLogger(__name__)

Handler = Callable[[TelegramBot, Membership, str], str]


@dataclass(frozen=True)
class CallbackAction:
    name: str
    perm: str
    handler: Handler


_actions: dict[str, CallbackAction] = {}


def callback_action(name: str, *, perm: str) -> Callable[[Handler], Handler]:
    """Register ``handler(bot, membership, argument) -> answer text`` for button ``name``."""

    def register(handler: Handler) -> Handler:
        _actions[name] = CallbackAction(name, perm, handler)
        return handler

    return register


def callback_handle(bot: TelegramBot, query: dict[str, Any]) -> str:
    """Run the pressed button's action if the presser may; schedule the answer. Returns the
    answer text (what Telegram shows the presser)."""
    name, _, argument = (query.get("data") or "").partition(":")
    action = _actions.get(name)
    member = team_member(bot.organization_id, (query.get("from") or {}).get("id"))
    alert = True
    if action is None:
        text = "This button no longer works."
    elif member is None:
        text = f"Only team members of {bot.organization.name} can use this button."
    elif not role_has_perm(member.role, action.perm):
        text = f"Your role ({member.get_role_display()}) cannot do this."
    else:
        try:
            with transaction.atomic():
                text = action.handler(bot, member, argument)
            alert = False
        except DomainError as error:
            text = error.message
    query_id = query["id"]
    transaction.on_commit(lambda: _answer(bot, query_id, text[:200], alert))
    return text


def _answer(bot: TelegramBot, query_id: str, text: str, alert: bool) -> None:
    try:
        telegram_call(
            bot, lambda client: client.answer_callback_query(query_id, text=text, show_alert=alert)
        )
    except TelegramError as error:  # expired query (15 s) or Telegram down: nothing to redo
        logger.warning("answerCallbackQuery for bot %s failed: %s", bot.pk, error)


@callback_action("contact.take", perm="crm.edit")
def contact_take(bot: TelegramBot, member: Membership, argument: str) -> str:
    """Make the presser the contact's owner (the "Take" buttons of /contacts)."""
    contact = (
        Contact.objects.filter(organization_id=bot.organization_id, pk=int(argument))
        .select_related("organization")
        .first()
        if argument.isdigit()
        else None
    )
    if contact is None:
        return "That contact no longer exists."
    if contact.owner_id == member.user_id:
        return f"{contact} is already yours."
    contact_update(contact=contact, actor=member.user, data={"owner": member.user_id})
    return f"{contact} is now yours."
