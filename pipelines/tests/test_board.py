from __future__ import annotations

import datetime
from decimal import Decimal

import pytest
from django.utils import timezone

from accounts.errors import ValidationError
from pipelines.models import Deal
from pipelines.selectors import board, column_deals, deals_for
from pipelines.services.deals import deal_create


def _make(team, title, stage="Lead", value=100, **extra):
    return deal_create(
        organization=team.organization,
        actor=team.bidi,
        title=title,
        stage=team.stage(stage),
        value=value,
        **extra,
    )


def test_columns_counts_sums_and_first_cards(team, django_assert_max_num_queries):
    for n in range(7):
        _make(team, f"L{n}", value=1000, tags=["hot"] if n % 2 else [])
    _make(team, "M", "Meeting", 500)
    _make(team, "E", "Meeting", 200, currency="EUR")
    with django_assert_max_num_queries(5):
        result = board(team.organization, team.pipeline, per_column=5)
        for column in result.columns:
            for deal in column.deals:
                shown = (deal.owner, deal.company, deal.card_tags, deal.weighted_value)
                assert shown and (deal.is_stale, deal.days_in_stage) is not None
    lead = result.columns[0]
    assert [c.stage.name for c in result.columns][:2] == ["Lead", "Contacted"]
    assert lead.count == 7 and len(lead.deals) == 5 and lead.has_more
    assert [d.title for d in lead.deals] == ["L6", "L5", "L4", "L3", "L2"]
    assert lead.total_value == Decimal("7000.00") and lead.weighted_value == Decimal("700.00")
    meeting = result.columns[3]
    assert meeting.count == 2 and not meeting.has_more
    assert meeting.total_value == Decimal("500.00")  # USD, the organization's currency
    assert [(t.currency, t.total_value, t.weighted_value) for t in meeting.totals] == [
        ("USD", Decimal("500.00"), Decimal("300.00")),
        ("EUR", Decimal("200.00"), Decimal("120.00")),
    ]
    assert result.totals.count == 9 and result.totals.total_value == Decimal("7500.00")

    more = column_deals(
        team.organization, lead.stage, after_rank=lead.deals[-1].rank, after_id=lead.deals[-1].pk
    )
    assert [d.title for d in more] == ["L1", "L0"]


def test_the_query_count_does_not_grow_with_deals(team, django_assert_max_num_queries):
    for n in range(40):
        _make(team, f"D{n}", stage=["Lead", "Engaged", "Proposal"][n % 3], tags=[f"t{n % 4}"])
    with django_assert_max_num_queries(5):
        result = board(team.organization, team.pipeline, per_column=50)
        [d.card_tags for c in result.columns for d in c.deals]


def test_filters_apply_to_cards_and_sums(team):
    _make(team, "mine", value=100, owner=team.bidi, tags=["hot"])
    _make(team, "theirs", value=900, owner=team.owner)
    stale = _make(team, "old", value=50)
    Deal.objects.filter(pk=stale.pk).update(
        stage_entered_at=timezone.now() - datetime.timedelta(days=15)  # Lead rots after 14
    )
    result = board(team.organization, team.pipeline, filters={"owner": "me"}, user=team.bidi)
    assert [d.title for d in result.columns[0].deals] == ["mine"]
    assert result.columns[0].total_value == Decimal("100.00")
    stale_board = board(team.organization, team.pipeline, filters={"stale": "true"})
    assert [d.title for d in stale_board.columns[0].deals] == ["old"]
    assert stale_board.columns[0].deals[0].is_stale
    fresh = deals_for(team.organization, {"stale": "false", "value_min": "100"})
    assert sorted(d.title for d in fresh) == ["mine", "theirs"]
    assert [d.title for d in deals_for(team.organization, {"tag": "hot"})] == ["mine"]
    assert [d.title for d in deals_for(team.organization, {"q": "THEI"})] == ["theirs"]


def test_the_stale_filter_matches_the_property_at_the_boundary(team):
    deal = _make(team, "edge")
    for days, expected in [(14, False), (15, True)]:
        entered = timezone.now() - datetime.timedelta(days=days, minutes=1)
        Deal.objects.filter(pk=deal.pk).update(stage_entered_at=entered)
        found = deals_for(team.organization, {"stale": "true"}).filter(pk=deal.pk).first()
        assert (found is not None) is expected
        assert Deal.objects.get(pk=deal.pk).is_stale is expected


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"value_min": "-1"}, "value_min"),
        ({"value_min": "10", "value_max": "5"}, "value_max"),
        ({"close_before": "soon"}, "close_before"),
        ({"stale": "maybe"}, "stale"),
        ({"stage": "999999"}, "stage"),
        ({"owner": "999999"}, "owner"),
    ],
)
def test_bad_filters(team, params, field):
    with pytest.raises(ValidationError) as caught:
        deals_for(team.organization, params)
    assert list(caught.value.fields) == [field]
