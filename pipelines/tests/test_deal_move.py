from __future__ import annotations

import pytest

from accounts.errors import PermissionDenied, ValidationError
from automation.models import Event
from pipelines.models import Deal, DealStageChange
from pipelines.services.deals import deal_create, deal_move
from pipelines.tests.factories import StageFactory


def _column(stage) -> list[str]:
    return list(stage.deals.order_by("rank", "id").values_list("title", flat=True))


@pytest.fixture
def lead(team):
    """Lead column with A, B, C, D top to bottom."""
    for title in "DCBA":
        deal_create(organization=team.organization, actor=team.bidi, title=title)
    return team.stage("Lead")


def _deal(title: str) -> Deal:
    return Deal.objects.get(title=title)


def test_within_a_column_between_two_cards(team, lead):
    moved = deal_move(
        deal=_deal("D"),
        actor=team.bidi,
        stage=lead,
        before_id=_deal("A").pk,
        after_id=_deal("B").pk,
    )
    assert _column(lead) == ["A", "D", "B", "C"]
    assert moved.version == 2
    assert not DealStageChange.objects.filter(deal=moved, from_stage__isnull=False).exists()
    event = Event.objects.get(name="deal.moved")
    assert event.payload["deal"]["rank"] == moved.rank
    assert event.payload["before_id"] == _deal("A").pk
    assert event.payload["after_id"] == _deal("B").pk
    assert not Event.objects.filter(name="deal.stage_changed").exists()


def test_by_position_and_to_either_end(team, lead):
    deal_move(deal=_deal("A"), actor=team.bidi, stage=lead, position=2)
    assert _column(lead) == ["B", "C", "A", "D"]
    deal_move(deal=_deal("A"), actor=team.bidi, stage=lead, position=99)
    assert _column(lead) == ["B", "C", "D", "A"]
    deal_move(deal=_deal("A"), actor=team.bidi, stage=lead, position=0)
    assert _column(lead) == ["A", "B", "C", "D"]
    deal_move(deal=_deal("A"), actor=team.bidi, stage=lead, after_id=_deal("D").pk)
    assert _column(lead) == ["B", "C", "A", "D"]
    deal_move(deal=_deal("B"), actor=team.bidi, stage=lead, before_id=_deal("D").pk)
    assert _column(lead) == ["C", "A", "D", "B"]


def test_across_columns_records_history_and_events(team, lead):
    meeting = team.stage("Meeting")
    deal = deal_move(deal=_deal("B"), actor=team.bidi, stage=meeting, via="api")
    assert _column(lead) == ["A", "C", "D"]
    assert _column(meeting) == ["B"]
    change = DealStageChange.objects.get(deal=deal, from_stage__isnull=False)
    assert (change.from_stage, change.to_stage, change.actor, change.via) == (
        lead,
        meeting,
        team.bidi,
        "api",
    )
    event = Event.objects.get(name="deal.stage_changed")
    assert event.payload["from_stage_id"] == lead.pk
    assert event.payload["to_stage_id"] == meeting.pk
    assert event.payload["deal"]["stage_id"] == meeting.pk
    assert event.payload["via"] == "api"
    assert deal.days_in_stage == 0 and deal.closed_at is None


def test_into_won_and_lost_closes_the_deal(team, lead):
    won = deal_move(deal=_deal("A"), actor=team.bidi, stage=team.stage("Won"))
    assert won.closed_at is not None
    assert Event.objects.get(name="deal.won").payload["to_stage_id"] == team.stage("Won").pk
    lost = deal_move(
        deal=_deal("B"), actor=team.bidi, stage=team.stage("Lost"), lost_reason="Budget cut"
    )
    assert lost.lost_reason == "Budget cut"
    assert Event.objects.get(name="deal.lost").payload["lost_reason"] == "Budget cut"
    reopened = deal_move(deal=lost, actor=team.bidi, stage=lead)
    assert reopened.closed_at is None and reopened.lost_reason == ""


def test_a_stage_of_another_pipeline_or_organization_is_refused(team, lead, make_member):
    for stage in (
        StageFactory(organization=team.organization),
        StageFactory(organization=make_member().organization),
    ):
        with pytest.raises(ValidationError) as caught:
            deal_move(deal=_deal("A"), actor=team.bidi, stage=stage)
        assert list(caught.value.fields) == ["stage"]
    assert _column(lead) == ["A", "B", "C", "D"]
    assert _deal("A").version == 1


@pytest.mark.parametrize(
    ("where", "field"),
    [
        ({"before_id": 999999}, "before_id"),
        ({"after_id": "x"}, "after_id"),
        ({"position": -1}, "position"),
        ({"position": "top"}, "position"),
    ],
)
def test_bad_positions_are_field_errors(team, lead, where, field):
    with pytest.raises(ValidationError) as caught:
        deal_move(deal=_deal("A"), actor=team.bidi, stage=lead, **where)
    assert list(caught.value.fields) == [field]


def test_a_neighbour_in_another_column_is_refused(team, lead):
    other = deal_create(
        organization=team.organization, actor=team.bidi, title="E", stage=team.stage("Meeting")
    )
    with pytest.raises(ValidationError) as caught:
        deal_move(deal=_deal("A"), actor=team.bidi, stage=lead, before_id=other.pk)
    assert list(caught.value.fields) == ["before_id"]


def test_when_the_gap_filled_meanwhile_the_card_above_wins(team, lead):
    # The client saw A, B adjacent; meanwhile C was moved between them.
    a, b = _deal("A"), _deal("B")
    deal_move(deal=_deal("C"), actor=team.bidi, stage=lead, before_id=a.pk, after_id=b.pk)
    deal_move(deal=_deal("D"), actor=team.bidi, stage=lead, before_id=a.pk, after_id=b.pk)
    assert _column(lead) == ["A", "D", "C", "B"]


def test_tied_ranks_are_rebalanced_on_the_next_move(team, lead):
    Deal.objects.filter(stage=lead).update(rank="V")  # e.g. written outside the services
    assert _column(lead) == ["D", "C", "B", "A"]  # ties break by id
    deal_move(deal=_deal("A"), actor=team.bidi, stage=lead, before_id=_deal("D").pk)
    ranks = list(lead.deals.order_by("rank", "id").values_list("rank", flat=True))
    assert len(set(ranks)) == 4 and ranks == sorted(ranks)
    assert _column(lead)[:2] == ["D", "A"]


def test_viewers_cannot_move(team, lead):
    with pytest.raises(PermissionDenied):
        deal_move(deal=_deal("A"), actor=team.viewer, stage=team.stage("Won"))
