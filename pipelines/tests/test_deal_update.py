from __future__ import annotations

from decimal import Decimal

import pytest

from accounts.errors import PermissionDenied, ValidationError
from automation.models import Event
from crm.tests.factories import CompanyFactory, ContactFactory
from pipelines.errors import DealConflict
from pipelines.models import DealStageChange
from pipelines.services.deals import deal_create, deal_delete, deal_update
from pipelines.tests.factories import PipelineFactory, StageFactory


@pytest.fixture
def deal(team):
    return deal_create(organization=team.organization, actor=team.bidi, title="Pilot", value=100)


def test_fields_change_and_the_version_goes_up(team, deal):
    company = CompanyFactory(organization=team.organization)
    contact = ContactFactory(organization=team.organization)
    updated = deal_update(
        deal=deal,
        actor=team.bidi,
        data={
            "title": "Pilot 2",
            "value": "250.00",
            "company": company.pk,
            "contacts": [contact.pk],
            "tags": ["hot"],
            "owner": team.owner.pk,
        },
        expected_version=1,
    )
    assert updated.version == 2
    assert (updated.title, updated.value, updated.company, updated.owner) == (
        "Pilot 2",
        Decimal("250.00"),
        company,
        team.owner,
    )
    assert list(updated.contacts.all()) == [contact]
    event = Event.objects.get(name="deal.updated")
    assert sorted(event.payload["changed"]) == sorted(
        ["title", "value", "company", "contacts", "tags", "owner"]
    )
    assert event.payload["deal"]["version"] == 2


def test_no_change_writes_nothing(team, deal):
    same = deal_update(deal=deal, actor=team.bidi, data={"title": "Pilot"}, expected_version=1)
    assert same.version == 1
    assert not Event.objects.filter(name="deal.updated").exists()


def test_a_stale_version_is_a_conflict_and_nothing_is_lost(team, deal):
    deal_update(deal=deal, actor=team.bidi, data={"title": "Theirs"}, expected_version=1)
    with pytest.raises(DealConflict) as caught:
        deal_update(deal=deal, actor=team.owner, data={"value": "5"}, expected_version=1)
    assert caught.value.status == 409
    assert "changed by someone else" in caught.value.message
    deal.refresh_from_db()
    assert (deal.title, deal.value, deal.version) == ("Theirs", Decimal("100.00"), 2)


def test_a_stage_in_the_data_is_a_move(team, deal):
    updated = deal_update(
        deal=deal, actor=team.bidi, data={"stage": team.stage("Proposal")}, expected_version=1
    )
    assert updated.stage == team.stage("Proposal") and updated.version == 2
    assert DealStageChange.objects.filter(deal=deal, to_stage=team.stage("Proposal")).exists()
    assert Event.objects.filter(name="deal.stage_changed").count() == 1


def test_moving_to_another_pipeline_needs_its_stage(team, deal):
    other = PipelineFactory(organization=team.organization)
    first = StageFactory(organization=team.organization, pipeline=other, position=0)
    with pytest.raises(ValidationError):
        deal_update(deal=deal, actor=team.bidi, data={"stage": first}, expected_version=None)
    moved = deal_update(deal=deal, actor=team.bidi, data={"pipeline": other}, expected_version=None)
    assert (moved.pipeline, moved.stage) == (other, first)


@pytest.mark.parametrize(
    "data",
    [{"value": "-3"}, {"currency": "EURO"}, {"title": ""}, {"company": 999999}, {"owner": 999999}],
)
def test_bad_values_are_field_errors(team, deal, data):
    with pytest.raises(ValidationError) as caught:
        deal_update(deal=deal, actor=team.bidi, data=data, expected_version=1)
    assert list(caught.value.fields) == list(data)
    deal.refresh_from_db()
    assert deal.version == 1


def test_delete_is_for_managers(team, deal):
    with pytest.raises(PermissionDenied):
        deal_delete(deal=deal, actor=team.bidi)
    deal_delete(deal=deal, actor=team.admin)
    assert not team.pipeline.deals.exists()
    assert Event.objects.get(name="deal.deleted").payload["deal"]["id"] == deal.pk
