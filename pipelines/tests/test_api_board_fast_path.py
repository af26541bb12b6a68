"""The board endpoint builds its JSON by hand for speed; it must stay what the documented
serializers (the OpenAPI schema) say."""

from __future__ import annotations

import datetime

from crm.tests.factories import CompanyFactory
from pipelines.api.serializers import (
    BoardSerializer,
    ColumnPageSerializer,
    DealCardSerializer,
    board_data,
    card_data,
)
from pipelines.models import Deal
from pipelines.selectors import board, column_deals, pipelines_for
from pipelines.services.deals import deal_create


def test_hand_built_board_equals_the_serializers(team):
    company = CompanyFactory(organization=team.organization)
    deal_create(
        organization=team.organization,
        actor=team.bidi,
        title="Full",
        value="1234.5",
        owner=team.bidi,
        company=company,
        tags=["b", "a"],
        expected_close_date="2027-05-01",
    )
    deal_create(organization=team.organization, actor=team.bidi, title="Bare", currency="EUR")
    stale = deal_create(
        organization=team.organization, actor=team.bidi, title="Old", stage=team.stage("Meeting")
    )
    Deal.objects.filter(pk=stale.pk).update(
        stage_entered_at=stale.stage_entered_at - datetime.timedelta(days=30)
    )
    pipeline = pipelines_for(team.organization).get(pk=team.pipeline.pk)
    result = board(team.organization, pipeline)
    assert board_data(result) == BoardSerializer(result).data
    cards = column_deals(team.organization, team.stage("Lead"), after_rank=None)
    assert [card_data(d) for d in cards] == DealCardSerializer(cards, many=True).data
    page = {"stage": 1, "deals": cards, "has_more": False}
    assert {**page, "deals": [card_data(d) for d in cards]} == ColumnPageSerializer(page).data
    assert any(
        card["is_stale"] for column in board_data(result)["columns"] for card in column["deals"]
    )
