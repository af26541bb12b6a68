"""Approve or reject a ready draft from Telegram, with the bot's inline buttons.

When a draft is ready (``draft.generated``), the member it is for — the chat's assignee, else the
member who asked for it — gets it in their private chat with the same bot, if they linked their
Telegram account (allauth ``SocialAccount`` provider "telegram", as ``/commands`` use) and have
written to that bot (so a ``Chat`` of the bot with their Telegram id exists: bots cannot start
conversations). Under the text: "Approve & send" and "Reject" (``draft.approve:<id>`` /
``draft.reject:<id>``), handled through ``messaging.telegram.callbacks`` — which checks that the
presser is a team member of the bot's organization with ``ai.draft`` — by the same services the
inbox uses, so Telegram approvals go through the normal send path and are recorded the same way.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

from allauth.socialaccount.models import SocialAccount

from accounts.errors import DomainError
from accounts.models import Membership, User
from accounts.permissions import role_has_perm
from agents.errors import DraftNotActionable
from agents.models import Draft
from agents.services.drafts import draft_approve, draft_reject
from messaging.models import Chat, Message, TelegramBot
from messaging.services.sending import message_send

logger = logging.getLogger(__name__)

SUBSCRIBER_NAME = "agents.telegram_draft_buttons"
APPROVE = "draft.approve"
REJECT = "draft.reject"
REJECT_REASON = "Rejected from Telegram"
# Telegram's limit is 4096 characters a message; the header takes the rest.
DRAFT_TEXT_MAX = 3500
ALREADY_HANDLED = "This draft was already handled."


def draft_keyboard(draft: Draft) -> dict[str, Any]:
    """The inline keyboard under a draft (callback data well under Telegram's 64 bytes)."""
    return {
        "inline_keyboard": [
            [
                {"text": "Approve & send", "callback_data": f"{APPROVE}:{draft.pk}"},
                {"text": "Reject", "callback_data": f"{REJECT}:{draft.pk}"},
            ]
        ]
    }


def _reviewer(draft: Draft) -> User | None:
    """Who decides: the chat's assignee, else the member who asked for the draft."""
    return draft.chat.assigned_to or draft.requested_by


def reviewer_private_chat(draft: Draft, user: User) -> Chat | None:
    """``user``'s private chat with the draft's bot, if they linked Telegram and may decide."""
    membership = Membership.objects.filter(organization_id=draft.organization_id, user=user).first()
    if membership is None or not role_has_perm(membership.role, "ai.draft"):
        return None
    telegram_ids = [
        int(uid)
        for uid in SocialAccount.objects.filter(user=user, provider="telegram").values_list(
            "uid", flat=True
        )
        if str(uid).isdigit()
    ]
    if not telegram_ids:
        return None
    return (
        Chat.objects.filter(
            organization_id=draft.organization_id,
            bot_id=draft.chat.bot_id,
            kind=Chat.Kind.PRIVATE,
            telegram_chat_id__in=telegram_ids,
            is_blocked=False,
        )
        .exclude(pk=draft.chat_id)
        .select_related("bot", "organization")
        .first()
    )


def _review_text(draft: Draft) -> str:
    body = draft.text
    if len(body) > DRAFT_TEXT_MAX:
        body = body[: DRAFT_TEXT_MAX - 1].rstrip() + "…"
    label = "AI draft" if draft.provider != "local" else "Draft (offline drafter, not an AI)"
    return f"{label} for {draft.chat}:\n\n{body}"


def draft_offer_in_telegram(*, draft: Draft) -> Message | None:
    """Queue the ready draft with its buttons to the reviewer's private chat; None when there
    is nobody to send it to (no assignee/requester, Telegram not linked, no private chat)."""
    if draft.status != Draft.Status.READY or not draft.chat.bot_id:
        return None
    user = _reviewer(draft)
    private = reviewer_private_chat(draft, user) if user is not None else None
    if private is None:
        return None
    return message_send(
        chat=private,
        actor=None,
        text=_review_text(draft),
        reply_markup=draft_keyboard(draft),
        source=Message.Source.COMMAND,
    )


def offer_on_draft_generated(event: Any) -> None:
    """``draft.generated`` subscriber (registered in ``agents.registrations``)."""
    draft_id = (event.payload.get("draft") or {}).get("id")
    draft = (
        Draft.objects.filter(organization_id=event.organization_id, pk=draft_id)
        .select_related("chat__assigned_to", "chat__contact", "requested_by", "organization")
        .first()
    )
    if draft is None:
        return
    try:
        draft_offer_in_telegram(draft=draft)
    except DomainError as error:  # the private chat was blocked, the bot disconnected…
        logger.info("Draft %s not offered in Telegram: %s", draft.pk, error.message)


def _ready_draft_or_answer(bot: TelegramBot, argument: str) -> Draft | str:
    """The bot's organization's ready draft named by the button, or what to answer instead."""
    draft = (
        Draft.objects.filter(organization_id=bot.organization_id, pk=int(argument))
        .select_related("chat__contact", "organization")
        .first()
        if argument.isdigit()
        else None
    )
    if draft is None:
        return "That draft no longer exists."
    if draft.status != Draft.Status.READY:
        return ALREADY_HANDLED
    return draft


def _decide(bot: TelegramBot, argument: str, decide: Callable[[Draft], str]) -> str:
    found = _ready_draft_or_answer(bot, argument)
    if isinstance(found, str):
        return found
    try:
        return decide(found)
    except DraftNotActionable:  # decided meanwhile (a double press, the inbox)
        return ALREADY_HANDLED


def approve_from_telegram(bot: TelegramBot, member: Membership, argument: str) -> str:
    """The "Approve & send" button: send the draft as written, as the member who pressed."""

    def approve(draft: Draft) -> str:
        draft_approve(draft=draft, actor=member.user)
        return f"Sent to {draft.chat}"

    return _decide(bot, argument, approve)


def reject_from_telegram(bot: TelegramBot, member: Membership, argument: str) -> str:
    """The "Reject" button: turn the draft down, with a reason saying where."""

    def reject(draft: Draft) -> str:
        draft_reject(draft=draft, actor=member.user, reason=REJECT_REASON)
        return f"Rejected the draft for {draft.chat}."

    return _decide(bot, argument, reject)
