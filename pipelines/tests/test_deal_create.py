from __future__ import annotations

from decimal import Decimal

import pytest

from accounts.errors import PermissionDenied, ValidationError
from automation.models import Event
from crm.tests.factories import CompanyFactory, ContactFactory
from pipelines.models import DealStageChange
from pipelines.services.deals import deal_create
from pipelines.tests.factories import StageFactory


def test_defaults_are_the_default_pipeline_first_open_stage_org_currency(team):
    team.organization.default_currency = "EUR"
    team.organization.save()
    deal = deal_create(organization=team.organization, actor=team.bidi, title="  Pilot  ")
    assert deal.title == "Pilot"
    assert deal.pipeline == team.pipeline
    assert deal.stage == team.stage("Lead")
    assert deal.currency == "EUR"
    assert deal.value == Decimal("0.00")
    assert deal.version == 1
    assert deal.closed_at is None
    change = DealStageChange.objects.get(deal=deal)
    assert change.from_stage is None and change.to_stage == deal.stage
    assert change.actor == team.bidi and change.via == "user"
    event = Event.objects.get(organization=team.organization, name="deal.created")
    assert event.payload["deal"] == {
        "id": deal.pk,
        "title": "Pilot",
        "value": "0.00",
        "currency": "EUR",
        "stage_id": deal.stage_id,
        "pipeline_id": team.pipeline.pk,
        "owner_id": None,
        "company_id": None,
        "expected_close_date": None,
        "rank": deal.rank,
        "version": 1,
    }


def test_new_deals_go_to_the_top_of_their_column(team):
    titles = [f"Deal {n}" for n in range(5)]
    for title in titles:
        deal_create(organization=team.organization, actor=team.bidi, title=title)
    column = team.stage("Lead").deals.order_by("rank", "id").values_list("title", flat=True)
    assert list(column) == list(reversed(titles))


def test_all_fields(team):
    company = CompanyFactory(organization=team.organization)
    contacts = ContactFactory.create_batch(2, organization=team.organization)
    deal = deal_create(
        organization=team.organization,
        actor=team.bidi,
        title="Enterprise",
        stage=team.stage("Meeting"),
        value="12500.50",
        currency="usd",
        owner=team.bidi,
        contacts=[contacts[0], contacts[1].pk],
        company=company,
        expected_close_date="2027-01-31",
        source="Telegram",
        tags=["hot", "q1"],
        via="api",
    )
    assert deal.value == Decimal("12500.50") and deal.currency == "USD"
    assert deal.weighted_value == Decimal("7500.30")
    assert set(deal.contacts.all()) == set(contacts)
    assert sorted(deal.tags.values_list("name", flat=True)) == ["hot", "q1"]
    assert str(deal.expected_close_date) == "2027-01-31"
    assert deal.stage_changes.get().via == "api"


def test_a_deal_created_in_a_won_stage_is_closed(team):
    deal = deal_create(
        organization=team.organization, actor=team.bidi, title="x", stage=team.stage("Won")
    )
    assert deal.closed_at is not None


@pytest.mark.parametrize(
    ("fields", "errors"),
    [
        ({"title": " "}, ["title"]),
        ({"value": "-1"}, ["value"]),
        ({"value": "12.345"}, ["value"]),
        ({"value": "lots"}, ["value"]),
        ({"value": "1e20"}, ["value"]),
        ({"currency": "XYZ"}, ["currency"]),
        ({"currency": "US"}, ["currency"]),
        ({"expected_close_date": "31/01/2027"}, ["expected_close_date"]),
        ({"title": "x" * 201, "value": "-5"}, ["title", "value"]),
    ],
)
def test_bad_input_gives_field_errors_and_writes_nothing(team, fields, errors):
    data = {"title": "Deal", **fields}
    with pytest.raises(ValidationError) as caught:
        deal_create(organization=team.organization, actor=team.bidi, **data)
    assert sorted(caught.value.fields) == errors
    assert not team.pipeline.deals.exists()


def test_objects_of_another_organization_are_refused(team, make_member):
    other = make_member().organization
    foreign_stage = StageFactory(organization=other)
    with pytest.raises(ValidationError) as caught:
        deal_create(organization=team.organization, actor=team.bidi, title="x", stage=foreign_stage)
    assert "stage" in caught.value.fields
    for field, value in [
        ("company", CompanyFactory(organization=other)),
        ("contacts", [ContactFactory(organization=other)]),
    ]:
        with pytest.raises(ValidationError) as caught:
            deal_create(
                organization=team.organization, actor=team.bidi, title="x", **{field: value}
            )
        assert field in caught.value.fields
    with pytest.raises(ValidationError) as caught:
        deal_create(
            organization=team.organization, actor=team.bidi, title="x", owner=make_member().user
        )
    assert "owner" in caught.value.fields


def test_a_stage_of_another_pipeline_is_refused(team):
    other = StageFactory(organization=team.organization)
    with pytest.raises(ValidationError) as caught:
        deal_create(
            organization=team.organization,
            actor=team.bidi,
            title="x",
            pipeline=team.pipeline,
            stage=other,
        )
    assert caught.value.fields == {"stage": ["That stage belongs to another pipeline."]}


def test_viewers_cannot_create_deals(team):
    with pytest.raises(PermissionDenied):
        deal_create(organization=team.organization, actor=team.viewer, title="x")
