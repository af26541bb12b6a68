"""The "deal in a stage longer than N days" time source: open deals only, optionally one stage,
a dedupe key per stay in a stage, and its params checked when a trigger is saved."""

from __future__ import annotations

import datetime

import pytest
from django.utils import timezone

from accounts.errors import ValidationError
from automation.registry import time_sources
from pipelines.models import Deal
from pipelines.services.deals import deal_create, deal_move

NOW = timezone.now()


def _deal(team, title, stage, days_ago):
    deal = deal_create(
        organization=team.organization, actor=team.owner, title=title, stage=team.stage(stage)
    )
    entered = NOW - datetime.timedelta(days=days_ago)
    Deal.objects.filter(pk=deal.pk).update(stage_entered_at=entered)
    deal.stage_entered_at = entered
    return deal


def _find(team, **params):
    source = time_sources()["deal.in_stage"]
    return list(source.find(team.organization, source.clean(team.organization, params), NOW))


def test_open_deals_in_their_stage_longer_than_n_days_are_due(team):
    old = _deal(team, "Old", "Lead", 10)
    _deal(team, "Fresh", "Lead", 2)

    found = _find(team, days=7)

    assert found == [
        (
            f"deal:{old.pk}:stage:{old.stage_id}:{int(old.stage_entered_at.timestamp())}",
            {"deal": {"id": old.pk}},
        )
    ]


def test_closed_deals_are_never_due(team):
    deal = _deal(team, "Won long ago", "Lead", 30)
    deal_move(deal=deal, actor=team.owner, stage=team.stage("Won"))
    Deal.objects.filter(pk=deal.pk).update(stage_entered_at=NOW - datetime.timedelta(days=30))

    assert _find(team, days=7) == []


def test_a_stage_narrows_the_scan(team):
    _deal(team, "In Lead", "Lead", 10)
    engaged = _deal(team, "In Engaged", "Engaged", 10)

    found = _find(team, days=7, stage=str(team.stage("Engaged").pk))

    assert [payload["deal"]["id"] for _key, payload in found] == [engaged.pk]


def test_moving_on_gives_a_new_dedupe_key(team):
    deal = _deal(team, "Mover", "Lead", 10)
    [(first, _payload)] = _find(team, days=7)

    deal_move(deal=deal, actor=team.owner, stage=team.stage("Engaged"))
    Deal.objects.filter(pk=deal.pk).update(stage_entered_at=NOW - datetime.timedelta(days=8))
    [(second, _payload)] = _find(team, days=7)

    assert first != second


def test_another_organizations_deals_are_not_scanned(team):
    from pipelines.tests.factories import DealFactory

    DealFactory(stage_entered_at=NOW - datetime.timedelta(days=100))

    assert _find(team, days=7) == []


@pytest.mark.parametrize("days", [0, 366, "soon", None])
def test_days_must_be_1_to_365(team, days):
    with pytest.raises(ValidationError) as error:
        time_sources()["deal.in_stage"].clean(team.organization, {"days": days})

    assert "days" in error.value.fields
