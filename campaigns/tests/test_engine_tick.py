"""The periodic sweep: scheduled campaigns start, ended ones complete, dynamic campaigns enrol
newcomers, and campaigns with due work get a runner."""

from __future__ import annotations

import datetime

import pytest
from django.utils import timezone

from campaigns.engine import tick
from campaigns.engine.lease import Lease
from campaigns.models import Campaign, Recipient
from campaigns.tests.engine_helpers import running_campaign
from messaging.tests.factories import ChatFactory

pytestmark = pytest.mark.django_db


def test_a_scheduled_campaign_starts_when_its_start_came_and_gets_a_runner():
    due = running_campaign(
        recipients=1,
        status=Campaign.Status.SCHEDULED,
        starts_at=timezone.now() - datetime.timedelta(seconds=5),
    )
    later = running_campaign(
        recipients=1,
        status=Campaign.Status.SCHEDULED,
        starts_at=timezone.now() + datetime.timedelta(hours=2),
    )

    wanted = tick.tick()

    due.refresh_from_db()
    later.refresh_from_db()
    assert (due.status, later.status) == ("running", "scheduled")
    assert due.pk in wanted and later.pk not in wanted


def test_campaigns_past_their_end_complete_even_when_paused():
    ended = running_campaign(
        recipients=2,
        status=Campaign.Status.PAUSED,
        ends_at=timezone.now() - datetime.timedelta(minutes=1),
    )

    tick.tick()

    ended.refresh_from_db()
    assert ended.status == Campaign.Status.COMPLETED
    assert set(Recipient.objects.values_list("status", "reason")) == {("stopped", "ended")}


def test_a_campaign_whose_runner_is_alive_is_left_to_it():
    campaign = running_campaign(recipients=1)
    held = Lease(campaign.pk)
    assert held.acquire()
    try:
        assert campaign.pk not in tick.tick()
    finally:
        held.release()
    assert campaign.pk in tick.tick()


def test_a_campaign_with_nothing_due_soon_gets_no_runner():
    campaign = running_campaign(recipients=1)
    Recipient.objects.update(next_send_at=timezone.now() + datetime.timedelta(hours=1))

    assert campaign.pk not in tick.tick()


def test_dynamic_enrolment_adds_contacts_that_match_later_and_can_be_reached():
    campaign = running_campaign(recipients=1, dynamic_enrolment=True)
    newcomer = ChatFactory(bot=campaign.bot, organization=campaign.organization)
    blocked = ChatFactory(bot=campaign.bot, organization=campaign.organization, is_blocked=True)

    tick.tick()

    enrolled = dict(Recipient.objects.values_list("contact_id", "status"))
    assert enrolled[newcomer.contact_id] == "active"
    assert blocked.contact_id not in enrolled  # looked at again next time, not written off
    assert len(enrolled) == 2


def test_without_dynamic_enrolment_newcomers_are_not_added():
    campaign = running_campaign(recipients=1)
    ChatFactory(bot=campaign.bot, organization=campaign.organization)

    tick.tick()

    assert Recipient.objects.filter(campaign=campaign).count() == 1
