"""The runner against the real database (deliveries are not run here: the messages stay
queued; tests/test_engine_worker.py follows them to the fake Telegram)."""

from __future__ import annotations

import datetime
from collections import Counter

import pytest
from django.utils import timezone

from automation.models import Event
from campaigns.engine import runner
from campaigns.models import Campaign, CampaignSend, Recipient
from campaigns.tests.engine_helpers import Step, add_recipient, running_campaign
from campaigns.tests.factories import CampaignSendFactory
from messaging.models import Message

pytestmark = pytest.mark.django_db


def run(campaign: Campaign, seconds: float = 10) -> runner.RunResult:
    return runner.run(campaign.pk, seconds=seconds)


def test_due_recipients_get_the_first_step_once_rendered_for_them():
    campaign = running_campaign(
        recipients=3, steps=[Step("Hi {{ contact.first_name }}"), Step(delay_minutes=60)]
    )
    before = timezone.now()

    result = run(campaign)

    assert result.sent == 3
    for recipient in Recipient.objects.filter(campaign=campaign).select_related("contact"):
        send = CampaignSend.objects.get(recipient=recipient)
        assert send.step.position == 0
        assert send.message.text == f"Hi {recipient.contact.first_name}"
        assert send.message.source == Message.Source.CAMPAIGN
        assert send.message.chat_id == recipient.chat_id
        assert recipient.next_position == 1
        assert recipient.status == Recipient.Status.ACTIVE
        # The second step is due an hour after the first went out.
        assert recipient.next_send_at - before >= datetime.timedelta(minutes=60)
    # Running again sends nothing: the next step is not due yet.
    assert run(campaign).sent == 0
    assert Message.objects.filter(chat__bot=campaign.bot).count() == 3


def test_outside_the_window_a_recipient_waits_for_the_next_opening():
    today = timezone.now().weekday()
    in_two_days = (today + 2) % 7
    campaign = running_campaign(
        recipients=1,
        window_days=[in_two_days],
        window_start=datetime.time(9),
        window_end=datetime.time(17),
        time_zone_mode=Campaign.TimeZoneMode.ORGANIZATION,
    )

    assert run(campaign).sent == 0

    recipient = Recipient.objects.get(campaign=campaign)
    assert recipient.status == Recipient.Status.ACTIVE
    assert recipient.next_send_at.weekday() == in_two_days
    assert recipient.next_send_at.time() == datetime.time(9)  # the organization is in UTC
    assert not CampaignSend.objects.exists()


def test_the_daily_cap_holds_the_rest_for_tomorrow():
    campaign = running_campaign(recipients=5, daily_cap=3)

    result = run(campaign)

    assert result.sent == 3
    assert result.next_in is not None and result.next_in > 0
    assert CampaignSend.objects.filter(campaign=campaign).count() == 3
    assert Recipient.objects.filter(campaign=campaign, next_position=0).count() == 2
    assert run(campaign).sent == 0


def test_contacts_that_became_unreachable_are_stopped_with_the_reason():
    campaign = running_campaign(recipients=1)
    blocked = add_recipient(campaign)
    blocked.chat.is_blocked = True
    blocked.chat.save()
    opted = add_recipient(campaign)
    opted.contact.do_not_contact = True
    opted.contact.save()

    assert run(campaign).sent == 1

    statuses = {
        r.pk: (r.status, r.reason) for r in Recipient.objects.filter(pk__in=[blocked.pk, opted.pk])
    }
    assert statuses[blocked.pk] == ("stopped", "blocked")
    assert statuses[opted.pk] == ("stopped", "do_not_contact")


def test_a_disconnected_bot_stops_recipients():
    campaign = running_campaign(recipients=2)
    campaign.bot.is_active = False
    campaign.bot.save()

    assert run(campaign).sent == 0

    assert set(Recipient.objects.values_list("reason", flat=True)) == {"bot_disconnected"}


def test_without_stop_on_reply_a_replier_skips_only_if_no_reply_steps():
    campaign = running_campaign(
        recipients=0,
        stop_on_reply=False,
        steps=[
            Step("one"),
            Step("two", only_if_no_reply=True),
            Step("three", only_if_no_reply=False),
        ],
    )
    replied = add_recipient(campaign, next_position=1, replied_at=timezone.now())
    quiet = add_recipient(campaign, next_position=1)

    run(campaign)

    texts = Counter(
        (s.recipient_id, s.message.text) for s in CampaignSend.objects.select_related("message")
    )
    assert texts == {(replied.pk, "three"): 1, (quiet.pk, "two"): 1, (quiet.pk, "three"): 1}


def test_a_finished_sequence_completes_the_recipient_and_then_the_campaign():
    campaign = running_campaign(recipients=2, steps=[Step("one"), Step("two")])

    run(campaign)

    assert set(Recipient.objects.values_list("status", flat=True)) == {"completed"}
    campaign.refresh_from_db()
    assert campaign.status == Campaign.Status.COMPLETED
    assert campaign.finished_at is not None
    assert Event.objects.filter(name="campaign.completed").count() == 1


def test_after_the_end_date_remaining_recipients_stop_and_the_campaign_completes():
    campaign = running_campaign(
        recipients=2, ends_at=timezone.now() - datetime.timedelta(minutes=1)
    )

    assert run(campaign).sent == 0

    assert set(Recipient.objects.values_list("status", "reason")) == {("stopped", "ended")}
    campaign.refresh_from_db()
    assert campaign.status == Campaign.Status.COMPLETED


def test_a_paused_campaign_sends_nothing():
    campaign = running_campaign(recipients=2, status=Campaign.Status.PAUSED)

    assert run(campaign).sent == 0
    assert not CampaignSend.objects.exists()


def test_a_scheduled_campaign_starts_when_its_start_comes():
    later = running_campaign(
        recipients=1,
        status=Campaign.Status.SCHEDULED,
        starts_at=timezone.now() + datetime.timedelta(hours=1),
    )
    due = running_campaign(
        recipients=1,
        status=Campaign.Status.SCHEDULED,
        starts_at=timezone.now() - datetime.timedelta(seconds=1),
    )

    assert run(later).sent == 0
    assert run(due).sent == 1

    later.refresh_from_db()
    due.refresh_from_db()
    assert later.status == Campaign.Status.SCHEDULED
    assert due.status == Campaign.Status.COMPLETED  # its only step went out


def test_a_step_recorded_before_a_crash_is_not_sent_again():
    campaign = running_campaign(recipients=0, steps=[Step("one"), Step("two")])
    recipient = add_recipient(campaign)
    step = campaign.steps.get(position=0)
    # What a run whose recipient update was lost would leave: the send exists, position 0.
    CampaignSendFactory(
        recipient=recipient, campaign=campaign, step=step, variant=step.variants.get()
    )

    run(campaign)

    sends = CampaignSend.objects.filter(recipient=recipient)
    assert sorted(s.step.position for s in sends) == [0, 1]
    assert Message.objects.filter(chat=recipient.chat, text="one").count() == 0
    assert Message.objects.filter(chat=recipient.chat, text="two").count() == 1


def test_a_lease_lets_only_one_runner_work_on_a_campaign():
    campaign = running_campaign(recipients=1)
    from campaigns.engine.lease import Lease

    held = Lease(campaign.pk)
    assert held.acquire()
    try:
        assert run(campaign).status == "busy"
    finally:
        held.release()
    assert run(campaign).sent == 1


def test_ab_variants_split_1000_recipients_by_weight(settings):
    settings.TELEGRAM_RATE_PER_BOT = 100_000  # the share's pace is not under test here
    campaign = running_campaign(
        recipients=0, steps=[Step(variants=[("A text", 70), ("B text", 30)])]
    )
    from campaigns.models import Recipient as R
    from crm.models import Contact
    from messaging.models import Chat

    contacts = Contact.objects.bulk_create(
        Contact(organization=campaign.organization, first_name=f"C{i}") for i in range(1000)
    )
    chats = Chat.objects.bulk_create(
        Chat(
            organization=campaign.organization,
            bot=campaign.bot,
            telegram_chat_id=900_000 + i,
            contact=contact,
        )
        for i, contact in enumerate(contacts)
    )
    now = timezone.now()
    R.objects.bulk_create(
        R(
            organization=campaign.organization,
            campaign=campaign,
            contact=chat.contact,
            chat=chat,
            next_send_at=now,
        )
        for chat in chats
    )

    while run(campaign, seconds=60).sent:
        pass

    labels = Counter(CampaignSend.objects.values_list("variant__label", flat=True))
    assert labels["A"] + labels["B"] == 1000
    assert 650 <= labels["A"] <= 750


def test_a_message_telegram_would_refuse_fails_its_recipient_and_the_runner_goes_on():
    campaign = running_campaign(recipients=0, steps=[Step("{{ contact.first_name }}")])
    empty = add_recipient(campaign)
    empty.contact.first_name = ""  # renders to an empty message
    empty.contact.save()
    fine = add_recipient(campaign)

    assert run(campaign).sent == 1

    empty.refresh_from_db()
    assert (empty.status, empty.reason) == ("failed", "send_failed")
    assert CampaignSend.objects.get().recipient_id == fine.pk
