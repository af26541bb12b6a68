"""Approve or reject a ready draft from Telegram, with the bot's inline buttons.

When a draft is ready, the member it is for (``reviewer``: the chat's assignee, else the member
who asked for it) is told through notifications (``agents.notifications_hooks``, type
``draft.ready``): in Telegram the notice comes from the organization's bot to their private
chat — when they linked their Telegram account (allauth ``SocialAccount`` provider "telegram")
and started a chat with the bot — with "Approve & send" and "Reject" under it
(``draft.approve:<id>`` / ``draft.reject:<id>``). The buttons are handled here, through
``messaging.telegram.callbacks`` — which checks that the presser is a team member of the bot's
organization with ``ai.draft`` — by the same services the inbox uses, so Telegram approvals go
through the normal send path and are recorded the same way.
"""

from __future__ import annotations

from collections.abc import Callable

from accounts.models import Membership, User
from agents.errors import DraftNotActionable
from agents.models import Draft
from agents.services.drafts import draft_approve, draft_reject
from messaging.models import TelegramBot

APPROVE = "draft.approve"
REJECT = "draft.reject"
REJECT_REASON = "Rejected from Telegram"
# Telegram's limit is 4096 characters a message; the title and link take the rest.
DRAFT_TEXT_MAX = 3500
ALREADY_HANDLED = "This draft was already handled."


def draft_buttons(draft_id: int) -> list[list[dict[str, str]]]:
    """The inline keyboard rows under a draft (callback data well under Telegram's 64 bytes)."""
    return [
        [
            {"text": "Approve & send", "callback_data": f"{APPROVE}:{draft_id}"},
            {"text": "Reject", "callback_data": f"{REJECT}:{draft_id}"},
        ]
    ]


def reviewer(draft: Draft) -> User | None:
    """Who decides: the chat's assignee, else the member who asked for the draft."""
    return draft.chat.assigned_to or draft.requested_by


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
