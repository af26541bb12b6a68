"""Forecast of a pipeline: expected revenue per month, won/lost totals, conversion per stage.

Expected revenue of an open deal is value x its stage's probability, counted in the month of
its expected close date; sums stay per currency (BiDi has no exchange rates). Conversion of a
stage is the share of the deals that ever reached it (``DealStageChange.to_stage``, creation
included) that later reached a further stage that is not a lost one.
"""

from __future__ import annotations

import datetime
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import (
    BooleanField,
    Count,
    DecimalField,
    ExpressionWrapper,
    F,
    Q,
    QuerySet,
    Sum,
)
from django.db.models.functions import TruncMonth
from django.utils import timezone

from accounts.models import Organization
from pipelines.models import Deal, DealStageChange, Pipeline, Stage, StageKind

CENT = Decimal("0.01")
MAX_MONTHS = 24


@dataclass
class Money:
    """Amounts per currency with a count of deals."""

    count: int = 0
    total: dict[str, Decimal] = field(default_factory=dict)  # plain value
    expected: dict[str, Decimal] = field(default_factory=dict)  # value x probability

    def add(self, currency: str, count: int, total: Decimal, weighted: Decimal) -> None:
        self.count += count
        self.total[currency] = self.total.get(currency, Decimal("0")) + (total or 0)
        expected = ((weighted or Decimal("0")) / 100).quantize(CENT)
        self.expected[currency] = self.expected.get(currency, Decimal("0")) + expected


@dataclass
class ForecastMonth:
    month: datetime.date  # first day
    money: Money


@dataclass
class StageConversion:
    stage: Stage
    reached: int
    advanced: int

    @property
    def rate(self) -> float | None:
        return self.advanced / self.reached if self.reached else None


@dataclass
class Forecast:
    pipeline: Pipeline
    currency: str  # the organization's, listed first by pages
    months: list[ForecastMonth]
    overdue: Money  # open, expected to close before this month
    undated: Money  # open, no expected close date
    won: Money
    lost: Money
    conversion: list[StageConversion]

    @property
    def currencies(self) -> list[str]:
        seen = {c for m in self.months for c in m.money.total}
        for money in (self.overdue, self.undated, self.won, self.lost):
            seen.update(money.total)
        return sorted(seen, key=lambda c: (c != self.currency, c))


def _month_add(day: datetime.date, months: int) -> datetime.date:
    index = day.year * 12 + day.month - 1 + months
    return datetime.date(index // 12, index % 12 + 1, 1)


def _sums(deals: QuerySet) -> QuerySet:
    weighted = ExpressionWrapper(
        F("value") * F("stage__probability"), output_field=DecimalField(max_digits=20)
    )
    return deals.annotate(n=Count("id"), total=Sum("value"), weighted=Sum(weighted))


def forecast(
    organization: Organization,
    pipeline: Pipeline,
    *,
    months: int = 6,
    today: datetime.date | None = None,
) -> Forecast:
    """The forecast for ``months`` months from the current one (at most ``MAX_MONTHS``)."""
    months = max(1, min(int(months), MAX_MONTHS))
    today = today or timezone.localdate()
    start = today.replace(day=1)
    end = _month_add(start, months)
    deals = Deal.objects.filter(organization=organization, pipeline=pipeline).order_by()
    open_deals = deals.filter(stage__kind=StageKind.OPEN)

    buckets = [ForecastMonth(_month_add(start, n), Money()) for n in range(months)]
    by_month = {bucket.month: bucket for bucket in buckets}
    dated = open_deals.filter(expected_close_date__gte=start, expected_close_date__lt=end)
    rows = _sums(dated.values(month=TruncMonth("expected_close_date"), cur=F("currency")))
    for row in rows:
        month = row["month"]
        month = month.date() if isinstance(month, datetime.datetime) else month
        by_month[month].money.add(row["cur"], row["n"], row["total"], row["weighted"])

    overdue, undated, won, lost = Money(), Money(), Money(), Money()
    groups = _sums(
        deals.filter(
            Q(stage__kind__in=[StageKind.WON, StageKind.LOST])
            | Q(expected_close_date__lt=start)
            | Q(expected_close_date__isnull=True)
        ).values(
            kind=F("stage__kind"),
            cur=F("currency"),
            is_undated=ExpressionWrapper(
                Q(expected_close_date__isnull=True), output_field=BooleanField()
            ),
        )
    )
    for row in groups:
        target = (
            won
            if row["kind"] == StageKind.WON
            else lost
            if row["kind"] == StageKind.LOST
            else undated
            if row["is_undated"]
            else overdue
        )
        target.add(row["cur"], row["n"], row["total"], row["weighted"])

    return Forecast(
        pipeline=pipeline,
        currency=organization.default_currency,
        months=buckets,
        overdue=overdue,
        undated=undated,
        won=won,
        lost=lost,
        conversion=stage_conversion(organization, pipeline),
    )


def stage_conversion(organization: Organization, pipeline: Pipeline) -> list[StageConversion]:
    """Per stage (in order): deals that reached it, and how many of those went further."""
    stages = list(
        Stage.objects.filter(organization=organization, pipeline=pipeline).order_by(
            "position", "id"
        )
    )
    position = {stage.pk: index for index, stage in enumerate(stages)}
    lost = {stage.pk for stage in stages if stage.kind == StageKind.LOST}
    reached: dict[int, set[int]] = defaultdict(set)  # deal → stages reached
    visits = (
        DealStageChange.objects.filter(organization=organization, to_stage__pipeline=pipeline)
        .values_list("deal_id", "to_stage_id")
        .distinct()
    )
    for deal_id, stage_id in visits:
        reached[deal_id].add(stage_id)
    result = []
    for stage in stages:
        if stage.pk in lost:
            continue
        came = [seen for seen in reached.values() if stage.pk in seen]
        went_on = sum(
            1
            for seen in came
            if any(position[s] > position[stage.pk] and s not in lost for s in seen)
        )
        result.append(StageConversion(stage=stage, reached=len(came), advanced=went_on))
    return result
