"""Proposing, accepting and dismissing stage suggestions (agents.services.suggestions)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

import pytest
from django.utils import timezone

from accounts.errors import Conflict, PermissionDenied
from agents.models import AISettings, StageSuggestion
from agents.selectors import open_suggestion_for_chat
from agents.services.suggestions import (
    stage_suggestion_accept,
    stage_suggestion_dismiss,
    stage_suggestion_for_message,
)
from automation.models import Event
from messaging.models import Message
from messaging.services.inbound import InboundMessage, message_record
from messaging.tests.factories import ChatFactory, MessageFactory
from pipelines.models import DealStageChange, DealVia, StageKind
from pipelines.services.deals import deal_move
from pipelines.tests.factories import DealFactory, PipelineFactory, StageFactory


@dataclass
class Funnel:
    member: object
    chat: object
    deal: object
    stages: dict


@pytest.fixture
def funnel(make_member) -> Funnel:
    member = make_member("bidi")
    org = member.organization
    pipeline = PipelineFactory(organization=org)
    stages = {
        name: StageFactory(organization=org, pipeline=pipeline, name=name, position=i, kind=kind)
        for i, (name, kind) in enumerate(
            [
                ("New", StageKind.OPEN),
                ("Qualified", StageKind.OPEN),
                ("Proposal", StageKind.OPEN),
                ("Won", StageKind.WON),
                ("Lost", StageKind.LOST),
            ]
        )
    }
    chat = ChatFactory(organization=org, bot__organization=org)
    deal = DealFactory(organization=org, stage=stages["New"], pipeline=pipeline)
    deal.contacts.add(chat.contact)
    return Funnel(member, chat, deal, stages)


def _inbound(funnel: Funnel, text: str, **fields) -> Message:
    return MessageFactory(
        chat=funnel.chat, organization=funnel.chat.organization, text=text, **fields
    )


def _outbound(funnel: Funnel, text: str = "Hi! Here is our offer.") -> Message:
    return MessageFactory(
        chat=funnel.chat,
        organization=funnel.chat.organization,
        text=text,
        direction=Message.Direction.OUT,
        sender_contact=None,
        sent_at=timezone.now() - timedelta(minutes=5),
    )


def test_price_question_suggests_the_next_open_stage_with_a_quote(funnel):
    message = _inbound(funnel, "Thanks! What would it cost for 20 seats?")

    suggestion = stage_suggestion_for_message(message=message)

    assert suggestion.to_stage == funnel.stages["Qualified"]
    assert suggestion.from_stage == funnel.stages["New"]
    assert suggestion.signal == "price"
    assert suggestion.reason == "They asked about price: “What would it cost for 20 seats?”"
    event = Event.objects.get(name="stage_suggestion.created")
    assert event.payload["suggestion"]["to_stage"]["name"] == "Qualified"


def test_never_suggests_a_won_or_lost_stage(funnel):
    funnel.deal.stage = funnel.stages["Proposal"]
    funnel.deal.save()

    assert stage_suggestion_for_message(message=_inbound(funnel, "Send the contract")) is None


def test_first_reply_after_our_message_in_the_first_stage_is_a_signal(funnel):
    _outbound(funnel)

    suggestion = stage_suggestion_for_message(message=_inbound(funnel, "Interesting, tell me more"))

    assert suggestion.signal == "reply"
    assert suggestion.reason == "They replied to your message: “Interesting, tell me more”"


def test_a_reply_later_in_the_funnel_is_not_a_signal(funnel):
    funnel.deal.stage = funnel.stages["Qualified"]
    funnel.deal.save()
    _outbound(funnel)

    assert stage_suggestion_for_message(message=_inbound(funnel, "Interesting")) is None


def test_a_message_without_our_message_before_is_not_a_reply(funnel):
    assert stage_suggestion_for_message(message=_inbound(funnel, "Hello there")) is None


def test_a_newer_suggestion_replaces_the_open_one(funnel):
    older = stage_suggestion_for_message(message=_inbound(funnel, "What is the price?"))

    newer = stage_suggestion_for_message(message=_inbound(funnel, "Can we have a call?"))

    older.refresh_from_db()
    assert older.status == StageSuggestion.Status.STALE
    assert newer.status == StageSuggestion.Status.OPEN
    assert open_suggestion_for_chat(funnel.chat.organization, funnel.chat) == newer


def test_no_suggestions_when_the_organization_turned_them_off(funnel):
    AISettings.objects.create(organization=funnel.chat.organization, stage_suggestions=False)

    assert stage_suggestion_for_message(message=_inbound(funnel, "What is the price?")) is None


def test_no_suggestion_without_an_open_deal(funnel):
    funnel.deal.contacts.clear()

    assert stage_suggestion_for_message(message=_inbound(funnel, "What is the price?")) is None


def test_accept_moves_the_deal_as_an_accepted_ai_suggestion(funnel):
    suggestion = stage_suggestion_for_message(message=_inbound(funnel, "What is the price?"))

    stage_suggestion_accept(suggestion=suggestion, actor=funnel.member.user)

    funnel.deal.refresh_from_db()
    suggestion.refresh_from_db()
    assert funnel.deal.stage == funnel.stages["Qualified"]
    assert (suggestion.status, suggestion.decided_by) == ("accepted", funnel.member.user)
    change = DealStageChange.objects.filter(deal=funnel.deal).latest("pk")
    assert change.via == DealVia.AI_SUGGESTION
    assert Event.objects.filter(name="stage_suggestion.accepted").exists()


def test_dismiss_records_who_and_when_and_leaves_the_deal(funnel):
    suggestion = stage_suggestion_for_message(message=_inbound(funnel, "What is the price?"))

    stage_suggestion_dismiss(suggestion=suggestion, actor=funnel.member.user)

    suggestion.refresh_from_db()
    funnel.deal.refresh_from_db()
    assert suggestion.status == "dismissed"
    assert suggestion.decided_by == funnel.member.user and suggestion.decided_at
    assert funnel.deal.stage == funnel.stages["New"]
    assert Event.objects.filter(name="stage_suggestion.dismissed").exists()


def test_a_dismissed_proposal_is_not_made_again_for_the_same_signal(funnel):
    suggestion = stage_suggestion_for_message(message=_inbound(funnel, "What is the price?"))
    stage_suggestion_dismiss(suggestion=suggestion, actor=funnel.member.user)

    assert stage_suggestion_for_message(message=_inbound(funnel, "And the cost?")) is None
    assert stage_suggestion_for_message(message=_inbound(funnel, "Call tomorrow?")) is not None


def test_a_decided_suggestion_cannot_be_decided_again(funnel):
    suggestion = stage_suggestion_for_message(message=_inbound(funnel, "What is the price?"))
    stage_suggestion_dismiss(suggestion=suggestion, actor=funnel.member.user)

    with pytest.raises(Conflict, match="already dismissed"):
        stage_suggestion_accept(suggestion=suggestion, actor=funnel.member.user)


def test_moving_the_deal_otherwise_makes_the_suggestion_stale(
    funnel, django_capture_on_commit_callbacks
):
    suggestion = stage_suggestion_for_message(message=_inbound(funnel, "What is the price?"))

    with django_capture_on_commit_callbacks(execute=True):
        deal_move(deal=funnel.deal, actor=funnel.member.user, stage=funnel.stages["Proposal"])

    suggestion.refresh_from_db()
    assert suggestion.status == StageSuggestion.Status.STALE
    with pytest.raises(Conflict):
        stage_suggestion_accept(suggestion=suggestion, actor=funnel.member.user)


def test_viewer_cannot_accept(funnel, make_member):
    viewer = make_member("viewer", organization=funnel.chat.organization)
    suggestion = stage_suggestion_for_message(message=_inbound(funnel, "What is the price?"))

    with pytest.raises(PermissionDenied):
        stage_suggestion_accept(suggestion=suggestion, actor=viewer.user)


def test_an_inbound_telegram_message_produces_a_suggestion(
    funnel, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        message_record(
            chat=funnel.chat,
            data=InboundMessage(
                telegram_message_id=991,
                sent_at=timezone.now(),
                text="Could we schedule a demo on Monday?",
                sender_contact=funnel.chat.contact,
            ),
        )

    suggestion = StageSuggestion.objects.get(deal=funnel.deal)
    assert suggestion.signal == "meeting"
    assert suggestion.reason == "They asked for a meeting: “Could we schedule a demo on Monday?”"
