"""The forecast page: expected revenue per month, won and lost totals, conversion per stage."""

from __future__ import annotations

import datetime

import pytest
from django.utils import timezone

from pipelines.services.deals import deal_create, deal_move

pytestmark = pytest.mark.django_db


def _next_month() -> datetime.date:
    today = timezone.localdate()
    return (today.replace(day=1) + datetime.timedelta(days=32)).replace(day=15)


def test_expected_revenue_is_value_times_probability_in_the_close_month(team, client):
    client.force_login(team.viewer)
    close = _next_month()
    deal = deal_create(
        organization=team.organization,
        actor=team.bidi,
        title="Pilot",
        value=10000,
        expected_close_date=close,
    )
    deal_move(deal=deal, actor=team.bidi, stage=team.stage("Meeting"))  # 60 %

    html = client.get(f"/pipeline/{team.pipeline.pk}/forecast/").content.decode()

    assert close.strftime("%b %Y") in html
    assert "$6,000" in html
    assert 'value="6000' in html  # the month's bar


def test_won_and_lost_deals_are_totalled(team, client):
    client.force_login(team.bidi)
    won = deal_create(organization=team.organization, actor=team.bidi, title="W", value=2500)
    lost = deal_create(organization=team.organization, actor=team.bidi, title="L", value=700)
    deal_move(deal=won, actor=team.bidi, stage=team.stage("Won"))
    deal_move(deal=lost, actor=team.bidi, stage=team.stage("Lost"))

    html = client.get(f"/pipeline/{team.pipeline.pk}/forecast/").content.decode()

    assert "$2,500" in html
    assert "$700" in html


def test_conversion_shows_the_share_that_went_on(team, client):
    client.force_login(team.bidi)
    first = deal_create(organization=team.organization, actor=team.bidi, title="A")
    deal_create(organization=team.organization, actor=team.bidi, title="B")
    deal_move(deal=first, actor=team.bidi, stage=team.stage("Contacted"))

    html = client.get(f"/pipeline/{team.pipeline.pk}/forecast/").content.decode()

    assert "50%" in html  # of the two Lead deals, one went on


def test_the_range_can_be_longer(team, client):
    client.force_login(team.bidi)

    html = client.get(f"/pipeline/{team.pipeline.pk}/forecast/?months=12").content.decode()

    assert html.count('<progress class="progress-native forecast-bar" max=') >= 12
    assert '<option value="12" selected>' in html


def test_a_pipeline_of_another_organization_is_not_found(team, client, make_member):
    client.force_login(make_member("owner").user)

    assert client.get(f"/pipeline/{team.pipeline.pk}/forecast/").status_code == 404
