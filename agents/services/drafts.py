"""The reply-draft lifecycle: request → generate → approve (send) / reject / regenerate / retry.

    draft_request ──► pending ──draft_generate──► ready ──draft_approve──► sent
                                     │              ├──draft_reject───► rejected
                                     ▼              └──draft_regenerate► superseded (+ a new draft)
                                   failed ──draft_retry──► (a new pending draft)

A request is cheap and synchronous (permission, guardrails, one row); generation runs on the
``agents`` Celery queue (``agents.tasks.draft_generate``) so a slow or failing provider never
blocks the inbox. Every step emits a ``draft.*`` event whose payload is ``draft_payload``; the
inbox renders drafts live from them.

No AI text leaves without a person: ``draft_approve`` needs a member with ``ai.draft``, except
for automatic drafts on a channel an admin put on auto-send (``AutoSendChannel``).

Generation itself (the task body and the sweeper) lives in ``agents.services.draft_generation``
and is re-exported here, so this module is the one place callers import the lifecycle from.
"""

from __future__ import annotations

import difflib

from django.db import transaction
from django.utils import timezone

from accounts.errors import PermissionDenied, ValidationError
from accounts.models import User
from accounts.services import require_permission
from agents import guardrails
from agents.errors import DraftNotActionable
from agents.models import Draft
from agents.payloads import draft_payload, is_language_model
from agents.selectors import ai_settings_get
from agents.services.draft_generation import (
    auto_send_enabled,
    draft_generate,
    drafts_requeue_stale,
    enqueue_generation,
)
from automation.events import emit
from messaging.models import Chat, Message
from messaging.services.sending import message_send

__all__ = [
    "draft_approve",
    "draft_generate",
    "draft_payload",
    "draft_regenerate",
    "draft_reject",
    "draft_request",
    "draft_retry",
    "drafts_requeue_stale",
    "edit_distance",
    "is_language_model",
]

REASON_MAX = 300
INSTRUCTION_MAX = 300


def edit_distance(proposed: str, sent: str) -> int:
    """Characters changed between the proposal and what was sent.

    The sum, over the non-equal opcodes of ``difflib.SequenceMatcher`` (autojunk off), of the
    longer side of each: a deletion counts the characters deleted, an insertion the characters
    inserted, a replacement the longer of the two runs. It equals the Levenshtein distance for
    most edits people make to a draft (a word swapped, a sentence added) and never undercounts
    by more than the shorter side of a replacement, at difflib's cost instead of O(n·m) DP in
    Python. 0 means sent as proposed.
    """
    matcher = difflib.SequenceMatcher(None, proposed, sent, autojunk=False)
    return sum(
        max(i2 - i1, j2 - j1) for tag, i1, i2, j1, j2 in matcher.get_opcodes() if tag != "equal"
    )


def _clean_instruction(instruction: str) -> str:
    instruction = (instruction or "").strip()
    if len(instruction) > INSTRUCTION_MAX:
        raise ValidationError(
            f"Keep the instruction under {INSTRUCTION_MAX} characters.",
            fields={"instruction": [f"At most {INSTRUCTION_MAX} characters."]},
        )
    return instruction


def _newest_inbound_id(chat: Chat) -> int | None:
    """The message a draft answers: the chat's newest inbound one. The chat row carries its
    last message (messaging.services.inbox keeps it), which saves a query when it is inbound."""
    if (
        chat.last_message_id
        and chat.last_message_direction == Message.Direction.IN
        and chat.last_message_kind != Message.Kind.SERVICE
    ):
        return chat.last_message_id
    return (
        Message.objects.filter(
            organization_id=chat.organization_id, chat=chat, direction=Message.Direction.IN
        )
        .exclude(kind=Message.Kind.SERVICE)
        .order_by("-sent_at", "-pk")
        .values_list("pk", flat=True)
        .first()
    )


@transaction.atomic
def draft_request(
    *,
    chat: Chat,
    actor: User | None,
    trigger: str = Draft.Trigger.MANUAL,
    instruction: str = "",
    parent: Draft | None = None,
) -> Draft:
    """Ask for a reply draft for ``chat``; returns it ``pending`` (generation is queued).

    A member needs ``ai.draft``; ``actor=None`` is an automatic draft. Raises
    ``AIRateLimited`` / ``AIBudgetExhausted`` (429 with a retry time) from the guardrails and
    ``ValidationError`` for an instruction over 300 characters. Older ``ready`` drafts of the
    chat become ``superseded``: one draft is on offer at a time.
    """
    organization = chat.organization
    if actor is not None:
        require_permission(organization, actor, "ai.draft")
    instruction = _clean_instruction(instruction)
    settings = ai_settings_get(organization)
    guardrails.check_draft_allowed(organization=organization, user=actor, settings=settings)
    Draft.objects.filter(organization=organization, chat=chat, status=Draft.Status.READY).update(
        status=Draft.Status.SUPERSEDED, updated_at=timezone.now()
    )
    draft = Draft.objects.create(
        organization=organization,
        chat=chat,
        reply_to_id=_newest_inbound_id(chat),
        parent=parent,
        trigger=trigger,
        instruction=instruction,
        requested_by=actor,
    )
    emit(organization, "draft.requested", {"draft": draft_payload(draft)}, actor)
    transaction.on_commit(lambda: enqueue_generation(draft.pk))
    return draft


def _locked_ready(draft: Draft) -> Draft:
    locked = (
        Draft.objects.select_for_update(of=("self",))
        .select_related("organization", "chat__organization", "chat__bot")
        .get(pk=draft.pk)
    )
    if locked.status != Draft.Status.READY:
        raise DraftNotActionable(
            f"This draft is {locked.get_status_display().lower()}; only a ready draft can be "
            "approved, rejected or regenerated."
        )
    return locked


@transaction.atomic
def draft_approve(*, draft: Draft, actor: User | None, text: str | None = None) -> Draft:
    """Send a ``ready`` draft — ``text`` when the member edited it — through the normal,
    rate-limited send path, and record what was sent and how much it was edited.

    ``actor=None`` is the auto-send of an automatic draft and is refused unless the chat's
    channel is on auto-send. Raises ``DraftNotActionable`` for a draft that is not ready and
    ``ValidationError`` for an empty or too long text or a chat that cannot be written to.
    """
    if actor is not None:
        require_permission(draft.organization, actor, "ai.draft")
    draft = _locked_ready(draft)
    if actor is None and not (
        draft.trigger == Draft.Trigger.AUTO and auto_send_enabled(draft.chat)
    ):
        raise PermissionDenied(
            "AI drafts are sent only after a member approves them, unless an admin turned on "
            "auto-send for this channel."
        )
    final = (draft.text if text is None else text).strip()
    if not final:
        raise ValidationError("Write the message to send.", fields={"text": ["Required."]})
    message = message_send(chat=draft.chat, actor=actor, text=final, source=Message.Source.AGENT)
    now = timezone.now()
    draft.final_text = final
    draft.edit_distance = edit_distance(draft.text, final)
    draft.decided_by = actor
    draft.decided_at = now
    draft.sent_message = message
    draft.auto_sent = actor is None
    draft.status = Draft.Status.SENT
    draft.save(
        update_fields=[
            "final_text",
            "edit_distance",
            "decided_by",
            "decided_at",
            "sent_message",
            "auto_sent",
            "status",
            "updated_at",
        ]
    )
    emit(
        draft.organization,
        "draft.sent",
        {
            "draft": draft_payload(draft),
            "message": message.pk,
            "edited": draft.edit_distance > 0,
            "auto": actor is None,
        },
        actor,
    )
    return draft


@transaction.atomic
def draft_reject(*, draft: Draft, actor: User, reason: str) -> Draft:
    """Turn a ``ready`` draft down with a reason (required, at most 300 characters); the
    reasons are what the team reads to improve tone rules and instructions."""
    require_permission(draft.organization, actor, "ai.draft")
    reason = (reason or "").strip()
    if not reason or len(reason) > REASON_MAX:
        problem = "Say why." if not reason else f"At most {REASON_MAX} characters."
        raise ValidationError(
            "Give a reason of at most 300 characters.", fields={"reason": [problem]}
        )
    draft = _locked_ready(draft)
    draft.status = Draft.Status.REJECTED
    draft.reject_reason = reason
    draft.decided_by = actor
    draft.decided_at = timezone.now()
    draft.save(update_fields=["status", "reject_reason", "decided_by", "decided_at", "updated_at"])
    emit(
        draft.organization,
        "draft.rejected",
        {"draft": draft_payload(draft), "reason": reason},
        actor,
    )
    return draft


@transaction.atomic
def draft_regenerate(*, draft: Draft, actor: User, instruction: str) -> Draft:
    """A new draft for the same chat written with ``instruction`` ("shorter", "more formal")
    and the old text; the old ``ready`` draft becomes ``superseded``."""
    require_permission(draft.organization, actor, "ai.draft")
    draft = _locked_ready(draft)
    return draft_request(
        chat=draft.chat,
        actor=actor,
        trigger=Draft.Trigger.REGENERATE,
        instruction=instruction,
        parent=draft,
    )


@transaction.atomic
def draft_retry(*, draft: Draft, actor: User) -> Draft:
    """Ask again after a ``failed`` draft: a new pending draft with the same instruction whose
    parent is the failed one (which stays in the history as failed)."""
    require_permission(draft.organization, actor, "ai.draft")
    locked = Draft.objects.select_for_update(of=("self",)).select_related("chat__organization")
    draft = locked.get(pk=draft.pk)
    if draft.status != Draft.Status.FAILED:
        raise DraftNotActionable("Only a failed draft can be retried.")
    trigger = (
        Draft.Trigger.REGENERATE
        if draft.trigger == Draft.Trigger.REGENERATE
        else Draft.Trigger.MANUAL
    )
    return draft_request(
        chat=draft.chat, actor=actor, trigger=trigger, instruction=draft.instruction, parent=draft
    )
