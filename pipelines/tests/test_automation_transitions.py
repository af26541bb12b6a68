"""Built-in automatic deal transitions: created with an organization's default pipeline, and
moving deals end to end through the trigger engine (eager Celery) on real events."""

from __future__ import annotations

import itertools

import pytest
from django.utils import timezone

from automation.models import Trigger, TriggerRun
from crm.tests.factories import ContactFactory
from messaging.services.inbound import InboundMessage, message_record
from messaging.tests.factories import ChatFactory
from pipelines.models import DealStageChange, DealVia
from pipelines.services.deals import deal_create
from pipelines.services.payments import deal_payment_record
from pipelines.services.pipelines import pipeline_create_default
from pipelines.services.stages import stage_update
from pipelines.transitions import transitions_ensure

KEYS = {"transition.first_reply", "transition.meeting_booked", "transition.payment_received"}
_message_ids = itertools.count(1000)


@pytest.fixture
def prospect(team):
    """A contact with a Telegram chat and a deal in Lead."""
    contact = ContactFactory(organization=team.organization, first_name="Ada")
    chat = ChatFactory(
        organization=team.organization, bot__organization=team.organization, contact=contact
    )
    deal = deal_create(
        organization=team.organization,
        actor=team.bidi,
        title="Ada's pilot",
        contacts=[contact],
        stage=team.stage("Lead"),
    )
    return chat, deal


def _receive(chat, text, capture):
    with capture(execute=True):
        message_record(
            chat=chat,
            data=InboundMessage(
                telegram_message_id=next(_message_ids),
                sent_at=timezone.now(),
                text=text,
                sender_contact=chat.contact,
            ),
        )


def test_a_new_organization_gets_the_builtin_transitions(team):
    triggers = Trigger.objects.filter(organization=team.organization).exclude(builtin="")

    assert {t.builtin for t in triggers} == KEYS
    first_reply = triggers.get(builtin="transition.first_reply")
    assert first_reply.enabled
    assert first_reply.event_name == "message.received"
    assert first_reply.actions == [
        {"type": "deal.move_to_stage", "params": {"stage": team.stage("Engaged").pk}}
    ]


def test_ensuring_again_keeps_members_edits(team):
    Trigger.objects.filter(builtin="transition.first_reply").update(enabled=False, name="Mine")

    transitions_ensure(organization=team.organization, pipeline=team.pipeline)

    trigger = Trigger.objects.get(organization=team.organization, builtin="transition.first_reply")
    assert (trigger.enabled, trigger.name) == (False, "Mine")
    assert Trigger.objects.filter(organization=team.organization).exclude(builtin="").count() == 3


def test_a_transition_whose_stage_was_renamed_is_not_created(make_member):
    owner = make_member("owner")
    pipeline = pipeline_create_default(organization=owner.organization)
    Trigger.objects.filter(organization=owner.organization).delete()
    stage_update(stage=pipeline.stages.get(name="Meeting"), actor=owner.user, data={"name": "Demo"})

    transitions_ensure(organization=owner.organization, pipeline=pipeline)

    builtins = Trigger.objects.filter(organization=owner.organization).values_list(
        "builtin", flat=True
    )
    assert set(builtins) == KEYS - {"transition.meeting_booked"}


def test_a_first_reply_moves_the_deal_to_engaged(
    team, prospect, django_capture_on_commit_callbacks
):
    chat, deal = prospect

    _receive(chat, "Thanks, sounds interesting", django_capture_on_commit_callbacks)

    deal.refresh_from_db()
    assert deal.stage == team.stage("Engaged")
    change = DealStageChange.objects.filter(deal=deal).first()
    assert (change.via, change.actor) == (DealVia.AUTOMATION, team.owner)
    run = TriggerRun.objects.get(trigger__builtin="transition.first_reply")
    assert run.status == "succeeded"


def test_a_reply_to_a_deal_past_contacted_leaves_it(
    team, prospect, django_capture_on_commit_callbacks
):
    from pipelines.services.deals import deal_move

    chat, deal = prospect
    deal_move(deal=deal, actor=team.bidi, stage=team.stage("Proposal"))

    _receive(chat, "Any news?", django_capture_on_commit_callbacks)

    deal.refresh_from_db()
    assert deal.stage == team.stage("Proposal")
    assert TriggerRun.objects.get(trigger__builtin="transition.first_reply").status == "skipped"


def test_a_booking_link_moves_the_deal_to_meeting(
    team, prospect, django_capture_on_commit_callbacks
):
    chat, deal = prospect

    _receive(
        chat, "Booked: https://calendly.com/ada/30min see you", django_capture_on_commit_callbacks
    )

    deal.refresh_from_db()
    # Both transitions match the same message; the deal ends in Meeting either way round.
    assert deal.stage == team.stage("Meeting")


def test_a_payment_moves_an_open_deal_to_won(team, prospect, django_capture_on_commit_callbacks):
    _chat, deal = prospect

    with django_capture_on_commit_callbacks(execute=True):
        deal_payment_record(deal=deal, actor=team.bidi, amount="500", currency="EUR")

    deal.refresh_from_db()
    assert deal.stage == team.stage("Won")
    assert TriggerRun.objects.get(trigger__builtin="transition.payment_received").status == (
        "succeeded"
    )


def test_the_demo_organization_has_the_builtin_transitions(db):
    from io import StringIO

    from django.core.management import call_command

    from accounts.demo import demo_organization

    call_command("seed_demo", stdout=StringIO())

    builtins = Trigger.objects.filter(organization=demo_organization()).exclude(builtin="")
    assert set(builtins.values_list("builtin", flat=True)) == KEYS


def test_a_dry_run_of_first_reply_says_it_would_move_the_deal(team, prospect):
    from automation.models import Event
    from automation.triggers.dry_run import trigger_dry_run

    chat, deal = prospect
    message_record(
        chat=chat,
        data=InboundMessage(
            telegram_message_id=next(_message_ids), sent_at=timezone.now(), text="Hi!"
        ),
    )
    trigger = Trigger.objects.get(organization=team.organization, builtin="transition.first_reply")

    result = trigger_dry_run(
        organization=team.organization,
        actor=team.owner,
        trigger=trigger,
        event=Event.objects.get(name="message.received"),
    )

    assert result.passed
    assert result.actions[0]["would"] == "Would move “Ada's pilot” to Engaged."
    deal.refresh_from_db()
    assert deal.stage == team.stage("Lead")
