from __future__ import annotations

import datetime
from decimal import Decimal

from pipelines.forecast import forecast
from pipelines.services.deals import deal_create, deal_move

TODAY = datetime.date(2027, 3, 15)


def _deal(team, title, stage, value, close=None, currency=None):
    return deal_create(
        organization=team.organization,
        actor=team.bidi,
        title=title,
        stage=team.stage(stage),
        value=value,
        expected_close_date=close,
        currency=currency,
    )


def test_expected_revenue_per_month_won_lost_and_conversion(team):
    _deal(team, "a", "Lead", 1000, "2027-03-31")  # 10 % → 100 in March
    _deal(team, "b", "Proposal", 1000, "2027-03-01")  # 80 % → 800 in March
    _deal(team, "c", "Meeting", 500, "2027-05-10", currency="EUR")  # 60 % → 300 EUR in May
    _deal(team, "d", "Meeting", 500, "2027-09-01")  # after the window
    _deal(team, "e", "Meeting", 200, "2027-02-01")  # overdue
    _deal(team, "f", "Engaged", 200)  # undated
    won = _deal(team, "g", "Lead", 7000, "2027-03-20")
    deal_move(deal=won, actor=team.bidi, stage=team.stage("Contacted"))
    deal_move(deal=won, actor=team.bidi, stage=team.stage("Won"))
    lost = _deal(team, "h", "Lead", 300, "2027-04-20")
    deal_move(deal=lost, actor=team.bidi, stage=team.stage("Lost"))

    result = forecast(team.organization, team.pipeline, months=6, today=TODAY)

    assert [m.month for m in result.months] == [
        datetime.date(2027, month, 1) for month in range(3, 9)
    ]
    march, april, may = (m.money for m in result.months[:3])
    assert march.expected == {"USD": Decimal("900.00")} and march.count == 2
    assert march.total == {"USD": Decimal("2000.00")}
    assert april.count == 0  # the lost deal is not expected revenue
    assert may.expected == {"EUR": Decimal("300.00")}
    assert result.overdue.count == 1 and result.overdue.total == {"USD": Decimal("200.00")}
    assert result.undated.count == 1
    assert result.won.total == {"USD": Decimal("7000.00")} and result.won.count == 1
    assert result.lost.total == {"USD": Decimal("300.00")} and result.lost.count == 1
    assert result.currencies == ["USD", "EUR"]

    conversion = {c.stage.name: c for c in result.conversion}
    assert "Lost" not in conversion
    # Lead was reached by a, g, h; only g went further (h went to Lost).
    assert (conversion["Lead"].reached, conversion["Lead"].advanced) == (3, 1)
    assert conversion["Contacted"].rate == 1.0
    assert (conversion["Meeting"].reached, conversion["Meeting"].advanced) == (3, 0)
    assert conversion["Won"].reached == 1


def test_an_empty_pipeline(team):
    result = forecast(team.organization, team.pipeline, months=3, today=TODAY)
    assert len(result.months) == 3 and all(m.money.count == 0 for m in result.months)
    assert all(c.rate is None for c in result.conversion)
