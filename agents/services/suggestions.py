"""Stage suggestions: proposed when a prospect's message carries a signal, then accepted (the
deal moves, recorded as "accepted AI suggestion") or dismissed by a member.

Rules (see also docs/architecture/agents.md, "Stage suggestions"):

- the deal is the chat contact's newest open deal; the proposal is always the next *open*
  stage after the deal's current one in its pipeline — never backwards, never into a won or
  lost stage. Closing a deal books revenue or a loss reason, which stays a member's decision
  even when the prospect writes "contract signed" (the agreement signal then proposes the last
  open step, and the member closes the deal from there);
- one open suggestion per deal: a newer one replaces the older (which becomes ``stale``), and a
  deal that moves by any other way makes its open suggestion ``stale`` too;
- a suggestion a member dismissed is not proposed again for the same signal and stage while
  the deal stays where it is.
"""

from __future__ import annotations

import logging
from typing import Any

from django.db import transaction
from django.utils import timezone

from accounts.errors import Conflict
from accounts.models import User
from accounts.services import require_permission
from agents.models import StageSuggestion
from agents.selectors import ai_settings_get
from agents.suggestions import Signal, detect_signal, quote_of
from automation.events import emit
from messaging.models import Message
from pipelines.models import Deal, DealVia, Stage, StageKind
from pipelines.services.deals import deal_move

logger = logging.getLogger(__name__)

REASON_MAX = 300


def suggestion_payload(suggestion: StageSuggestion) -> dict[str, Any]:
    """The suggestion as ``stage_suggestion.*`` events and the API carry it."""
    return {
        "id": suggestion.pk,
        "deal": suggestion.deal_id,
        "deal_title": suggestion.deal.title,
        "chat": suggestion.chat_id,
        "message": suggestion.message_id,
        "from_stage": {"id": suggestion.from_stage_id, "name": suggestion.from_stage.name},
        "to_stage": {"id": suggestion.to_stage_id, "name": suggestion.to_stage.name},
        "signal": suggestion.signal,
        "reason": suggestion.reason,
        "status": suggestion.status,
        "decided_by": suggestion.decided_by_id,
        "decided_at": suggestion.decided_at.isoformat() if suggestion.decided_at else None,
        "created_at": suggestion.created_at.isoformat(),
    }


def _open_deal(message: Message) -> Deal | None:
    contact_id = message.chat.contact_id or message.sender_contact_id
    if not contact_id:
        return None
    return (
        Deal.objects.filter(
            organization_id=message.organization_id,
            contacts=contact_id,
            closed_at__isnull=True,
            stage__kind=StageKind.OPEN,
        )
        .select_related("stage", "pipeline")
        .order_by("-created_at", "-pk")
        .first()
    )


def _next_open_stage(deal: Deal) -> Stage | None:
    return (
        Stage.objects.filter(
            pipeline_id=deal.pipeline_id,
            kind=StageKind.OPEN,
            position__gt=deal.stage.position,
        )
        .order_by("position", "pk")
        .first()
    )


def _is_first_stage(deal: Deal) -> bool:
    return not Stage.objects.filter(
        pipeline_id=deal.pipeline_id, position__lt=deal.stage.position
    ).exists()


def _first_reply(message: Message) -> bool:
    """The message answers ours: the message before it in the chat is outbound."""
    previous = (
        Message.objects.filter(chat_id=message.chat_id, sent_at__lte=message.sent_at)
        .exclude(pk=message.pk)
        .exclude(kind=Message.Kind.SERVICE)
        .order_by("-sent_at", "-pk")
        .values_list("direction", flat=True)
        .first()
    )
    return previous == Message.Direction.OUT


def signal_for(message: Message, deal: Deal) -> Signal | None:
    """What the message tells about ``deal``: a keyword signal, else the first reply (only
    while the deal is in its pipeline's first stage)."""
    signal = detect_signal(message.text)
    if signal is not None:
        return signal
    if message.text.strip() and _is_first_stage(deal) and _first_reply(message):
        return Signal(kind="reply", quote=quote_of(message.text))
    return None


def _dismissed_before(deal: Deal, to_stage: Stage, signal: str) -> bool:
    return StageSuggestion.objects.filter(
        deal=deal,
        to_stage=to_stage,
        signal=signal,
        status=StageSuggestion.Status.DISMISSED,
        created_at__gte=deal.stage_entered_at,
    ).exists()


@transaction.atomic
def stage_suggestion_for_message(*, message: Message) -> StageSuggestion | None:
    """Propose the next stage for the deal of an inbound ``message`` when it carries a signal.

    Returns the new open suggestion (emitting ``stage_suggestion.created``), or None when the
    organization turned suggestions off, there is no open deal, no signal, no open stage ahead,
    or the member already dismissed the same proposal."""
    if message.direction != Message.Direction.IN or message.source == Message.Source.IMPORT:
        return None
    if not ai_settings_get(message.organization).stage_suggestions:
        return None
    deal = _open_deal(message)
    if deal is None:
        return None
    # One suggestion per deal at a time: concurrent messages of a deal queue here.
    deal = Deal.objects.select_for_update().select_related("stage", "pipeline").get(pk=deal.pk)
    signal = signal_for(message, deal)
    to_stage = _next_open_stage(deal) if signal else None
    if signal is None or to_stage is None or _dismissed_before(deal, to_stage, signal.kind):
        return None
    StageSuggestion.objects.filter(deal=deal, status=StageSuggestion.Status.OPEN).update(
        status=StageSuggestion.Status.STALE
    )
    suggestion = StageSuggestion.objects.create(
        organization_id=message.organization_id,
        deal=deal,
        chat_id=message.chat_id,
        message=message,
        from_stage=deal.stage,
        to_stage=to_stage,
        signal=signal.kind,
        reason=signal.reason()[:REASON_MAX],
    )
    emit(
        message.organization,
        "stage_suggestion.created",
        {"suggestion": suggestion_payload(suggestion)},
    )
    return suggestion


def _lock_open(suggestion: StageSuggestion) -> StageSuggestion:
    locked = (
        StageSuggestion.objects.select_for_update(of=("self",))
        .select_related("deal", "from_stage", "to_stage", "organization")
        .get(pk=suggestion.pk)
    )
    if locked.status != StageSuggestion.Status.OPEN:
        verb = {
            StageSuggestion.Status.ACCEPTED: "was already accepted",
            StageSuggestion.Status.DISMISSED: "was already dismissed",
        }.get(locked.status, "no longer applies")
        raise Conflict(f"This suggestion {verb}.", code="suggestion_not_open")
    return locked


@transaction.atomic
def stage_suggestion_accept(*, suggestion: StageSuggestion, actor: User) -> StageSuggestion:
    """Move the deal to the suggested stage (``DealVia.AI_SUGGESTION``) and mark the
    suggestion accepted. ``deal.edit``; a suggestion no longer open, or whose deal has left
    the stage it was made for, is a Conflict."""
    require_permission(suggestion.organization, actor, "deal.edit")
    suggestion = _lock_open(suggestion)
    if suggestion.deal.stage_id != suggestion.from_stage_id:
        raise Conflict(
            "The deal moved since this was suggested; it no longer applies.",
            code="suggestion_not_open",
        )
    deal_move(
        deal=suggestion.deal, actor=actor, stage=suggestion.to_stage, via=DealVia.AI_SUGGESTION
    )
    suggestion.deal.refresh_from_db()
    return _decide(suggestion, actor, StageSuggestion.Status.ACCEPTED, "stage_suggestion.accepted")


@transaction.atomic
def stage_suggestion_dismiss(*, suggestion: StageSuggestion, actor: User) -> StageSuggestion:
    """Record that ``actor`` dismissed the suggestion (``deal.edit``); the deal stays put."""
    require_permission(suggestion.organization, actor, "deal.edit")
    suggestion = _lock_open(suggestion)
    return _decide(
        suggestion, actor, StageSuggestion.Status.DISMISSED, "stage_suggestion.dismissed"
    )


def _decide(suggestion: StageSuggestion, actor: User, status: str, event: str) -> StageSuggestion:
    suggestion.status = status
    suggestion.decided_by = actor
    suggestion.decided_at = timezone.now()
    suggestion.save(update_fields=["status", "decided_by", "decided_at"])
    emit(suggestion.organization, event, {"suggestion": suggestion_payload(suggestion)}, actor)
    return suggestion


def stage_suggestions_mark_stale(*, organization_id: int, deal_id: int, stage_id: int) -> int:
    """Open suggestions of a deal that now sits in ``stage_id`` no longer apply (it moved by
    other means); returns how many were marked ``stale``."""
    return (
        StageSuggestion.objects.filter(
            organization_id=organization_id, deal_id=deal_id, status=StageSuggestion.Status.OPEN
        )
        .exclude(from_stage_id=stage_id)
        .update(status=StageSuggestion.Status.STALE)
    )


# --- event subscribers (registered in agents.registrations) ---------------------------------

SUGGEST_SUBSCRIBER = "agents.stage_suggestions"
STALE_SUBSCRIBER = "agents.stage_suggestions_stale"


def suggest_on_inbound(event: Any) -> None:
    """``message.received`` → maybe a suggestion. Idempotent through the subscriber receipt."""
    message_id = (event.payload.get("message") or {}).get("id")
    message = (
        Message.objects.filter(organization_id=event.organization_id, pk=message_id)
        .select_related("chat", "organization")
        .first()
    )
    if message is None:
        return  # deleted with its chat before the event was dispatched
    stage_suggestion_for_message(message=message)


def stale_on_deal_move(event: Any) -> None:
    """``deal.stage_changed`` → the deal's open suggestion made for another stage is stale."""
    deal_id = (event.payload.get("deal") or {}).get("id")
    stage_id = event.payload.get("to_stage_id")
    if deal_id and stage_id:
        stage_suggestions_mark_stale(
            organization_id=event.organization_id, deal_id=deal_id, stage_id=stage_id
        )
