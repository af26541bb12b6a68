"""Deal notices through the real spine: the deal services emit, the dispatch runs on commit
(eager Celery) and the notifications engine tells the deal's owner."""

from __future__ import annotations

import pytest
from django.urls import reverse

from accounts.models import Membership
from accounts.tests.factories import MembershipFactory, OrganizationFactory
from automation.events import dispatch
from automation.models import Event, SubscriberReceipt
from crm.services.notes import note_add
from notifications.models import Notification
from pipelines.models import Deal
from pipelines.services.deals import deal_create, deal_move, deal_update


@pytest.fixture
def spine(django_capture_on_commit_callbacks):
    """Run a service and the event dispatch its commit sets off."""

    def run(service, **kwargs):
        with django_capture_on_commit_callbacks(execute=True):
            return service(**kwargs)

    return run


@pytest.fixture
def deal(team, spine) -> Deal:
    """Acme pilot, in Lead, owned by the business developer (created by the owner)."""
    found = spine(
        deal_create,
        organization=team.organization,
        actor=team.owner,
        title="Acme pilot",
        value="12000",
        currency="EUR",
        owner=team.bidi,
    )
    return found


def told(type_key: str | None = None) -> list[tuple[str, object, str]]:
    notices = Notification.objects.order_by("pk")
    if type_key:
        notices = notices.filter(type=type_key)
    return [(notice.type, notice.user, notice.title) for notice in notices]


def test_a_new_deal_tells_its_owner_in_the_app_and_by_email(team, deal):
    assert told() == [("deal.assigned", team.bidi, "Acme pilot was assigned to you")]
    notice = Notification.objects.get()
    assert notice.url == reverse("pipelines:deal_detail", args=[deal.pk])
    assert notice.body == f"12,000.00 EUR · Lead · assigned by {team.owner.display_name}"
    assert list(notice.deliveries.values_list("channel", flat=True)) == ["email"]


def test_a_deal_one_creates_for_oneself_tells_nobody(team, spine):
    spine(
        deal_create, organization=team.organization, actor=team.bidi, title="Own", owner=team.bidi
    )

    assert told() == []


def test_a_new_owner_is_told_and_an_edit_of_other_fields_tells_nobody(team, deal, spine):
    spine(deal_update, deal=deal, actor=team.owner, data={"title": "Acme"}, expected_version=None)
    assert len(told()) == 1

    spine(
        deal_update, deal=deal, actor=team.owner, data={"owner": team.admin}, expected_version=None
    )

    assert told()[1:] == [("deal.assigned", team.admin, "Acme was assigned to you")]


def test_a_move_to_another_open_stage_tells_the_owner_in_the_app(team, deal, spine):
    spine(deal_move, deal=deal, actor=team.owner, stage=team.stage("Meeting"))

    [(type_key, user, title)] = told("deal.moved")
    assert (type_key, user, title) == ("deal.moved", team.bidi, "Acme pilot moved to Meeting")
    notice = Notification.objects.get(type="deal.moved")
    assert notice.body == f"from Lead · by {team.owner.display_name}"
    assert not notice.deliveries.exists()


def test_a_won_deal_is_told_once_as_won(team, deal, spine):
    spine(deal_move, deal=deal, actor=team.owner, stage=team.stage("Won"))

    assert told()[1:] == [("deal.won", team.bidi, "Acme pilot was won")]
    notice = Notification.objects.get(type="deal.won")
    assert notice.body == f"12,000.00 EUR · by {team.owner.display_name}"
    assert list(notice.deliveries.values_list("channel", flat=True)) == ["email"]


def test_a_lost_deal_is_told_with_its_reason(team, deal, spine):
    spine(
        deal_move,
        deal=deal,
        actor=team.owner,
        stage=team.stage("Lost"),
        lost_reason="Budget cut",
    )

    assert told()[1:] == [("deal.lost", team.bidi, "Acme pilot was lost")]
    notice = Notification.objects.get(type="deal.lost")
    assert notice.body == f"Reason: Budget cut · by {team.owner.display_name}"


def test_moving_ones_own_deal_tells_nobody(team, deal, spine):
    spine(deal_move, deal=deal, actor=team.bidi, stage=team.stage("Won"))

    assert told()[1:] == []


def test_an_owner_who_left_for_another_organization_is_not_told(team, deal, spine):
    Membership.objects.filter(organization=team.organization, user=team.bidi).delete()
    MembershipFactory(user=team.bidi, organization=OrganizationFactory(), role="owner")

    spine(deal_move, deal=deal, actor=team.owner, stage=team.stage("Won"))

    assert told("deal.won") == []


def test_a_redispatched_move_tells_nobody_twice(team, deal, spine):
    spine(deal_move, deal=deal, actor=team.owner, stage=team.stage("Won"))
    event = Event.objects.get(name="deal.won")
    SubscriberReceipt.objects.filter(event=event).delete()
    Event.objects.filter(pk=event.pk).update(dispatched_at=None)

    spine(dispatch, event_id=event.pk)

    assert len(told("deal.won")) == 1


def test_a_mention_in_a_deal_note_leads_to_the_deal(team, deal, spine):
    team.admin.full_name = "Grace Hopper"
    team.admin.save(update_fields=["full_name"])

    spine(note_add, organization=team.organization, actor=team.bidi, body="@grace", deal=deal)

    notice = Notification.objects.get(type="note.mention")
    assert notice.user == team.admin
    assert notice.title == f"{team.bidi.display_name} mentioned you in a note on Acme pilot"
    assert notice.url == reverse("pipelines:deal_detail", args=[deal.pk])
