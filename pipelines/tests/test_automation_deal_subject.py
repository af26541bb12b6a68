"""The "deal" subject: what conditions see of a deal, found from deal events, payments or the
contact's open deal, in at most two queries."""

from __future__ import annotations

import datetime

from django.utils import timezone

from automation.tests.action_runs import context_for
from crm.tests.factories import ContactFactory, TagFactory
from pipelines.models import Deal
from pipelines.services.deals import deal_create, deal_move, deal_payload


def _deal(team, **kwargs):
    return deal_create(
        organization=team.organization,
        actor=team.owner,
        title="Acme pilot",
        value="1250.50",
        currency="EUR",
        owner=team.bidi,
        **kwargs,
    )


def test_a_deal_event_shows_the_deals_fields(team):
    tag = TagFactory(organization=team.organization, name="vip")
    deal = _deal(team, tags=[tag.name])
    Deal.objects.filter(pk=deal.pk).update(
        stage_entered_at=timezone.now() - datetime.timedelta(days=3)
    )

    found = context_for(team.organization, "deal.created", {"deal": deal_payload(deal)})["deal"]

    assert found == {
        "id": deal.pk,
        "title": "Acme pilot",
        "value": 1250.5,
        "currency": "EUR",
        "stage_id": team.stage("Lead").pk,
        "stage_name": "Lead",
        "stage_kind": "open",
        "pipeline_id": team.pipeline.pk,
        "owner_id": team.bidi.pk,
        "company_id": None,
        "days_in_stage": 3,
        "tags": ["vip"],
        "_changed": [],
    }


def test_a_stage_change_marks_the_stage_as_changed(team):
    deal = deal_move(deal=_deal(team), actor=team.owner, stage=team.stage("Engaged"))

    context = context_for(
        team.organization, "deal.stage_changed", {"deal": deal_payload(deal), "via": "user"}
    )

    assert context["deal"]["_changed"] == ["stage_id"]
    assert context["deal"]["stage_name"] == "Engaged"


def test_deal_updated_names_the_changed_fields_as_the_subject_does(team):
    deal = _deal(team)

    context = context_for(
        team.organization,
        "deal.updated",
        {"deal": deal_payload(deal), "changed": ["owner", "title"]},
    )

    assert context["deal"]["_changed"] == ["owner_id", "title"]


def test_a_payment_finds_its_deal(team):
    deal = _deal(team)

    context = context_for(
        team.organization, "payment.received", {"payment": {"id": 1, "deal_id": deal.pk}}
    )

    assert context["deal"]["id"] == deal.pk


def test_a_contact_event_finds_the_contacts_most_recent_open_deal(team):
    contact = ContactFactory(organization=team.organization)
    older = _deal(team, contacts=[contact])
    newer = _deal(team, contacts=[contact])
    won = _deal(team, contacts=[contact])
    deal_move(deal=won, actor=team.owner, stage=team.stage("Won"))
    Deal.objects.filter(pk=older.pk).update(updated_at=timezone.now() + datetime.timedelta(1))

    context = context_for(
        team.organization, "contact.updated", {"contact": {"id": contact.pk}, "changed": []}
    )

    assert context["deal"]["id"] == older.pk  # updated last among the open ones
    assert newer.pk != older.pk != won.pk


def test_another_organizations_deal_is_not_found(team):
    from pipelines.tests.factories import DealFactory

    foreign = DealFactory()

    context = context_for(team.organization, "deal.created", {"deal": {"id": foreign.pk}})

    assert "deal" not in context


def test_the_deal_costs_one_query(team, django_assert_num_queries):
    from automation.tests.action_runs import resolve

    deal = _deal(team)
    context = {"event": {"name": "deal.created"}, "payload": {"deal": {"id": deal.pk}}}

    with django_assert_num_queries(1):
        resolve("deal", team.organization, context)


def test_a_payment_finds_the_deals_contact_too(team):
    contact = ContactFactory(organization=team.organization, first_name="Ada")
    deal = _deal(team, contacts=[contact])

    context = context_for(
        team.organization,
        "payment.received",
        {"payment": {"id": 1, "deal_id": deal.pk}, "deal": deal_payload(deal)},
    )

    assert context["contact"]["id"] == contact.pk
    assert context["deal"]["id"] == deal.pk
