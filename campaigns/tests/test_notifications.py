"""Campaign notices through the real spine: the runner sends to the fake Telegram, deliveries
and events run on commit (eager Celery) and the notifications engine tells the members behind
the campaign."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.urls import reverse

from accounts.models import Membership
from automation.events import dispatch, emit
from automation.models import Event, SubscriberReceipt
from campaigns.engine import runner
from campaigns.models import Campaign, Recipient
from campaigns.payloads import campaign_payload, recipient_payload
from campaigns.tests.engine_helpers import add_recipient, running_campaign
from notifications.models import Notification

pytestmark = pytest.mark.django_db


@pytest.fixture
def people(make_member):
    """The campaign's creator (an admin) and its sender (a business developer), a viewer of
    the same organization, and a member of another organization."""
    creator = make_member("admin")
    organization = creator.organization
    return {
        "creator": creator.user,
        "sender": make_member("bidi", organization).user,
        "viewer": make_member("viewer", organization).user,
        "stranger": make_member("owner").user,
        "organization": organization,
    }


@pytest.fixture
def campaign(people, fake_telegram) -> Campaign:
    return running_campaign(
        recipients=2,
        token=fake_telegram.add_bot(),
        organization=people["organization"],
        name="Q3 founders outreach",
        created_by=people["creator"],
        sender=people["sender"],
    )


def run(campaign: Campaign, capture) -> None:
    with capture(execute=True):
        runner.run(campaign.pk, seconds=10)


def told(type_key: str) -> dict:
    found: dict = {}
    for notice in Notification.objects.filter(type=type_key).order_by("pk"):
        found.setdefault(notice.user, []).append(notice.title)
    return found


def fail_once_more(campaign: Campaign, capture) -> None:
    """Another refused message, as delivery tracking reports it."""
    recipient = Recipient.objects.filter(campaign=campaign).first()
    with capture(execute=True):
        emit(
            campaign.organization,
            "campaign.send_failed",
            {
                "campaign": campaign_payload(campaign),
                "recipient": recipient_payload(recipient),
                "reason": "Forbidden: bot was blocked by the user",
            },
        )


def test_a_finished_campaign_tells_its_creator_and_sender(
    people, campaign, django_capture_on_commit_callbacks
):
    run(campaign, django_capture_on_commit_callbacks)

    campaign.refresh_from_db()
    assert campaign.status == Campaign.Status.COMPLETED
    title = "Campaign “Q3 founders outreach” finished"
    assert told("campaign.completed") == {people["creator"]: [title], people["sender"]: [title]}
    notice = Notification.objects.get(type="campaign.completed", user=people["creator"])
    assert notice.url == reverse("campaigns:campaign_detail", args=[campaign.pk])
    assert notice.body == "2 recipients: 0 replied, 0 could not be reached."
    assert list(notice.deliveries.values_list("channel", flat=True)) == ["email"]


def test_many_refused_messages_make_one_failing_notice(
    people, campaign, fake_telegram, django_capture_on_commit_callbacks
):
    for _ in range(2):
        fake_telegram.block_chat(add_recipient(campaign).chat.telegram_chat_id)

    run(campaign, django_capture_on_commit_callbacks)

    assert Event.objects.filter(name="campaign.send_failed").count() == 2
    title = "Campaign “Q3 founders outreach” is failing to deliver"
    assert told("campaign.failing") == {people["creator"]: [title], people["sender"]: [title]}
    notice = Notification.objects.get(type="campaign.failing", user=people["creator"])
    assert notice.body.endswith(
        "could not be delivered so far. Latest: Forbidden: bot was blocked by the user"
    )
    assert notice.url == reverse("campaigns:campaign_detail", args=[campaign.pk])


def test_a_failure_after_the_notice_was_read_tells_again(
    people, campaign, django_capture_on_commit_callbacks
):
    fail_once_more(campaign, django_capture_on_commit_callbacks)
    Notification.objects.filter(user=people["creator"]).update(read_at=campaign.launched_at)

    fail_once_more(campaign, django_capture_on_commit_callbacks)

    assert len(told("campaign.failing")[people["creator"]]) == 2
    assert len(told("campaign.failing")[people["sender"]]) == 1


def test_a_failure_an_hour_after_an_unread_notice_tells_again(
    people, campaign, django_capture_on_commit_callbacks
):
    fail_once_more(campaign, django_capture_on_commit_callbacks)
    first = Notification.objects.get(user=people["creator"])
    Notification.objects.filter(pk=first.pk).update(
        created_at=first.created_at - timedelta(minutes=61)
    )

    fail_once_more(campaign, django_capture_on_commit_callbacks)

    assert len(told("campaign.failing")[people["creator"]]) == 2


def test_a_creator_who_left_the_organization_is_not_told(
    people, campaign, django_capture_on_commit_callbacks
):
    Membership.objects.filter(user=people["creator"]).delete()

    fail_once_more(campaign, django_capture_on_commit_callbacks)

    assert list(told("campaign.failing")) == [people["sender"]]


def test_a_redispatched_completion_tells_nobody_twice(
    people, campaign, django_capture_on_commit_callbacks
):
    run(campaign, django_capture_on_commit_callbacks)
    event = Event.objects.get(name="campaign.completed")
    SubscriberReceipt.objects.filter(event=event).delete()
    Event.objects.filter(pk=event.pk).update(dispatched_at=None)

    with django_capture_on_commit_callbacks(execute=True):
        dispatch(event.pk)

    assert Notification.objects.filter(type="campaign.completed").count() == 2
