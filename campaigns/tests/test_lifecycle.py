"""Launch, pause, resume and cancel (campaigns/services/lifecycle.py)."""

from __future__ import annotations

import datetime

import pytest
from django.utils import timezone

from accounts.errors import PermissionDenied, ValidationError
from automation.models import Event
from campaigns.engine import runner
from campaigns.models import Campaign, CampaignSend, Recipient
from campaigns.services.lifecycle import (
    campaign_cancel,
    campaign_launch,
    campaign_pause,
    campaign_resume,
)
from campaigns.tests.engine_helpers import ALWAYS_OPEN, running_campaign
from campaigns.tests.factories import CampaignFactory, CampaignStepFactory, StepVariantFactory
from crm.tests.factories import ContactFactory
from messaging.tests.factories import ChatFactory, TelegramBotFactory

pytestmark = pytest.mark.django_db


def draft(member, **fields) -> Campaign:
    """A ready draft: a bot, one step, an audience of every contact of the organization."""
    organization = member.organization
    bot = TelegramBotFactory(organization=organization)
    campaign = CampaignFactory(
        organization=organization, bot=bot, sender=member.user, **(ALWAYS_OPEN | fields)
    )
    step = CampaignStepFactory(campaign=campaign, position=0)
    StepVariantFactory(step=step, body="Hello {{ contact.first_name }}")
    return campaign


def reachable(campaign: Campaign, count: int) -> list:
    return [ChatFactory(bot=campaign.bot, organization=campaign.organization) for _ in range(count)]


def test_launch_refuses_while_a_blocking_problem_remains(make_member):
    owner = make_member("owner")
    campaign = CampaignFactory(organization=owner.organization)  # no bot, no steps

    with pytest.raises(ValidationError) as refused:
        campaign_launch(campaign=campaign, actor=owner.user)

    assert refused.value.code == "launch_blocked"
    assert "bot" in refused.value.fields
    campaign.refresh_from_db()
    assert campaign.status == Campaign.Status.DRAFT
    assert not Recipient.objects.exists()


def test_launch_snapshots_the_audience_with_unreachable_contacts_and_their_reasons(make_member):
    owner = make_member("owner")
    campaign = draft(owner)
    chats = reachable(campaign, 3)
    no_chat = ContactFactory(organization=owner.organization)
    blocked = ChatFactory(bot=campaign.bot, organization=owner.organization, is_blocked=True)
    dnc = ChatFactory(bot=campaign.bot, organization=owner.organization)
    dnc.contact.do_not_contact = True
    dnc.contact.save()

    result = campaign_launch(campaign=campaign, actor=owner.user)

    assert (result.enrolled, result.unreachable) == (3, 3)
    active = Recipient.objects.filter(campaign=campaign, status="active")
    assert {r.contact_id for r in active} == {c.contact_id for c in chats}
    assert all(r.next_send_at is not None and r.next_position == 0 for r in active)
    reasons = dict(
        Recipient.objects.filter(status="unreachable").values_list("contact_id", "reason")
    )
    assert reasons == {
        no_chat.pk: "no_chat",
        blocked.contact_id: "blocked",
        dnc.contact_id: "do_not_contact",
    }
    campaign.refresh_from_db()
    assert campaign.status == Campaign.Status.RUNNING
    assert campaign.launched_at is not None
    launched = Event.objects.get(name="campaign.launched")
    assert (launched.payload["enrolled"], launched.payload["unreachable"]) == (3, 3)

    # The engine then sends the first step to the three reachable contacts only.
    assert runner.run(campaign.pk, seconds=10).sent == 3


def test_a_campaign_starting_later_is_scheduled_and_due_at_its_start(make_member):
    owner = make_member("owner")
    starts = timezone.now() + datetime.timedelta(days=1)
    campaign = draft(owner, starts_at=starts)
    reachable(campaign, 2)

    campaign_launch(campaign=campaign, actor=owner.user)

    assert campaign.status == Campaign.Status.SCHEDULED
    assert set(Recipient.objects.values_list("next_send_at", flat=True)) == {starts}
    assert runner.run(campaign.pk, seconds=5).sent == 0


def test_a_launched_campaign_cannot_be_launched_again(make_member):
    owner = make_member("owner")
    campaign = draft(owner)
    reachable(campaign, 1)
    campaign_launch(campaign=campaign, actor=owner.user)

    with pytest.raises(ValidationError):
        campaign_launch(campaign=campaign, actor=owner.user)
    assert Recipient.objects.count() == 1


def test_members_without_campaign_edit_cannot_launch_or_stop(make_member):
    owner = make_member("owner")
    viewer = make_member("viewer", organization=owner.organization)
    campaign = draft(owner)
    reachable(campaign, 1)

    with pytest.raises(PermissionDenied):
        campaign_launch(campaign=campaign, actor=viewer.user)
    campaign_launch(campaign=campaign, actor=owner.user)
    with pytest.raises(PermissionDenied):
        campaign_pause(campaign=campaign, actor=viewer.user)


def test_pause_stops_sending_and_resume_picks_up(make_member):
    campaign = running_campaign(recipients=2)
    owner = make_member("owner", organization=campaign.organization)

    campaign_pause(campaign=campaign, actor=owner.user)

    assert campaign.status == Campaign.Status.PAUSED
    assert runner.run(campaign.pk, seconds=5).sent == 0
    with pytest.raises(ValidationError):
        campaign_pause(campaign=campaign, actor=owner.user)

    campaign_resume(campaign=campaign, actor=owner.user)

    assert campaign.status == Campaign.Status.RUNNING
    assert runner.run(campaign.pk, seconds=5).sent == 2
    names = list(
        Event.objects.filter(name__startswith="campaign.")
        .order_by("pk")
        .values_list("name", flat=True)
    )
    assert names[:2] == ["campaign.paused", "campaign.resumed"]


def test_cancel_stops_every_active_recipient(make_member):
    campaign = running_campaign(recipients=3)
    owner = make_member("owner", organization=campaign.organization)

    campaign_cancel(campaign=campaign, actor=owner.user)

    campaign.refresh_from_db()
    assert campaign.status == Campaign.Status.CANCELLED
    assert campaign.finished_at is not None
    assert set(Recipient.objects.values_list("status", "reason")) == {("stopped", "cancelled")}
    assert runner.run(campaign.pk, seconds=5).sent == 0
    assert not CampaignSend.objects.exists()
    assert Event.objects.filter(name="campaign.cancelled").count() == 1
    with pytest.raises(ValidationError):
        campaign_resume(campaign=campaign, actor=owner.user)
