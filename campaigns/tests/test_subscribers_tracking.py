"""Delivery tracking, reply detection and opt-out words (campaigns/subscribers.py), through the
real event spine: the runner queues, delivery goes to the fake Telegram, events dispatch
(eagerly) to the subscribers."""

from __future__ import annotations

import pytest
from django.utils import timezone

from accounts.services import organization_create
from accounts.tests.factories import UserFactory
from automation.events import emit
from automation.models import Event
from automation.triggers.services import trigger_create
from campaigns.engine import runner
from campaigns.models import Campaign, CampaignSend, Recipient
from campaigns.tests.engine_helpers import Step, add_recipient, running_campaign
from campaigns.tests.factories import CampaignFactory, RecipientFactory
from messaging.models import Message
from messaging.services.inbound import message_payload
from messaging.tests.factories import MessageFactory
from pipelines.models import Pipeline
from pipelines.services.deals import deal_create

pytestmark = pytest.mark.django_db

TWO_STEPS = [Step("First {{ contact.first_name }}"), Step("Second", delay_minutes=60)]


def run(campaign: Campaign, capture) -> None:
    with capture(execute=True):
        runner.run(campaign.pk, seconds=10)


def inbound(recipient: Recipient, text: str, capture) -> Message:
    message = MessageFactory(
        chat=recipient.chat,
        organization=recipient.organization,
        direction=Message.Direction.IN,
        sender_contact=recipient.contact,
        text=text,
        sent_at=timezone.now(),
    )
    with capture(execute=True):
        emit(recipient.organization, "message.received", {"message": message_payload(message)})
    return message


def make_due(campaign: Campaign) -> None:
    Recipient.objects.filter(campaign=campaign, status="active").update(next_send_at=timezone.now())


def test_deliveries_mark_sends_sent_or_failed(fake_telegram, django_capture_on_commit_callbacks):
    campaign = running_campaign(recipients=1, token=fake_telegram.add_bot())
    refused = add_recipient(campaign)
    fake_telegram.block_chat(refused.chat.telegram_chat_id)

    run(campaign, django_capture_on_commit_callbacks)

    statuses = dict(CampaignSend.objects.values_list("recipient_id", "status"))
    assert statuses[refused.pk] == "failed"
    assert set(statuses.values()) == {"sent", "failed"}
    sent = CampaignSend.objects.get(status="sent")
    assert sent.sent_at is not None
    refused.refresh_from_db()
    assert (refused.status, refused.reason) == ("stopped", "blocked")
    failed = Event.objects.get(name="campaign.send_failed")
    assert failed.payload["recipient"]["id"] == refused.pk
    assert len(fake_telegram.calls("sendMessage")) == 2


def test_a_reply_stops_the_sequence_and_is_attributed_to_the_last_send(
    fake_telegram, django_capture_on_commit_callbacks
):
    campaign = running_campaign(recipients=2, steps=TWO_STEPS, token=fake_telegram.add_bot())
    run(campaign, django_capture_on_commit_callbacks)
    replier, quiet = Recipient.objects.filter(campaign=campaign).order_by("pk")

    message = inbound(
        replier, "Sounds interesting, tell me more", django_capture_on_commit_callbacks
    )

    replier.refresh_from_db()
    assert replier.status == Recipient.Status.REPLIED
    assert replier.replied_at is not None and replier.next_send_at is None
    send = CampaignSend.objects.get(recipient=replier)
    assert send.status == CampaignSend.Status.REPLIED
    event = Event.objects.get(name="campaign.replied")
    assert event.payload["contact"]["id"] == replier.contact_id
    assert event.payload["message"]["id"] == message.pk
    assert event.payload["recipient"]["status"] == "replied"

    make_due(campaign)  # an hour later
    run(campaign, django_capture_on_commit_callbacks)

    seconds = [
        c.params["chat_id"]
        for c in fake_telegram.calls("sendMessage")
        if c.params["text"] == "Second"
    ]
    assert [str(chat) for chat in seconds] == [str(quiet.chat.telegram_chat_id)]


def test_without_stop_on_reply_the_replier_stays_in_sequence(
    fake_telegram, django_capture_on_commit_callbacks
):
    campaign = running_campaign(
        recipients=1, steps=TWO_STEPS, stop_on_reply=False, token=fake_telegram.add_bot()
    )
    run(campaign, django_capture_on_commit_callbacks)
    recipient = Recipient.objects.get(campaign=campaign)

    inbound(recipient, "ok", django_capture_on_commit_callbacks)

    recipient.refresh_from_db()
    assert recipient.status == Recipient.Status.ACTIVE
    assert recipient.replied_at is not None
    assert Event.objects.filter(name="campaign.replied").count() == 1


def test_an_opt_out_word_marks_the_contact_and_stops_every_campaign(
    fake_telegram, django_capture_on_commit_callbacks
):
    campaign = running_campaign(recipients=1, steps=TWO_STEPS, token=fake_telegram.add_bot())
    run(campaign, django_capture_on_commit_callbacks)
    recipient = Recipient.objects.get(campaign=campaign)
    other = CampaignFactory(organization=campaign.organization, bot=campaign.bot, status="running")
    elsewhere = RecipientFactory(
        campaign=other,
        organization=campaign.organization,
        contact=recipient.contact,
        chat=recipient.chat,
        next_send_at=timezone.now(),
    )

    inbound(recipient, "  STOP! ", django_capture_on_commit_callbacks)

    recipient.contact.refresh_from_db()
    assert recipient.contact.do_not_contact
    assert recipient.contact.do_not_contact_at is not None
    assert set(
        Recipient.objects.filter(pk__in=[recipient.pk, elsewhere.pk]).values_list(
            "status", flat=True
        )
    ) == {"opted_out"}
    assert Event.objects.filter(name="campaign.opted_out").count() == 2
    assert not Event.objects.filter(name="campaign.replied").exists()


def test_a_message_from_someone_never_sent_to_is_not_a_reply(
    fake_telegram, django_capture_on_commit_callbacks
):
    campaign = running_campaign(recipients=1, token=fake_telegram.add_bot())
    recipient = Recipient.objects.get(campaign=campaign)  # nothing sent yet

    inbound(recipient, "stop", django_capture_on_commit_callbacks)

    recipient.refresh_from_db()
    assert recipient.status == Recipient.Status.ACTIVE
    assert not recipient.contact.do_not_contact
    assert not Event.objects.filter(name__in=["campaign.replied", "campaign.opted_out"]).exists()


def test_a_trigger_on_campaign_replied_moves_the_contacts_open_deal(
    fake_telegram, django_capture_on_commit_callbacks
):
    owner = UserFactory()
    organization = organization_create(name="Acme BD", owner=owner)
    pipeline = Pipeline.objects.get(organization=organization, is_default=True)
    engaged = pipeline.stages.get(name="Engaged")
    campaign = running_campaign(
        recipients=1, token=fake_telegram.add_bot(), organization=organization
    )
    recipient = Recipient.objects.get(campaign=campaign)
    deal = deal_create(
        organization=organization,
        actor=owner,
        title="Acme pilot",
        stage=pipeline.stages.get(name="Lead"),
        contacts=[recipient.contact_id],
    )
    trigger_create(
        organization=organization,
        actor=owner,
        data={
            "name": "Replies are engaged",
            "when": "event",
            "event_name": "campaign.replied",
            "conditions": {"all": []},
            "actions": [{"type": "deal.move_to_stage", "params": {"stage": engaged.pk}}],
        },
    )
    run(campaign, django_capture_on_commit_callbacks)

    inbound(recipient, "Yes, let's talk", django_capture_on_commit_callbacks)

    deal.refresh_from_db()
    assert deal.stage == engaged
