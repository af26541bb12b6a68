"""The forecast of a pipeline: expected revenue per month (open deals' value times their
stage's probability, by expected close date), won and lost totals, and conversion per stage."""

from __future__ import annotations

from decimal import Decimal

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from accounts.tenancy import org_required
from pipelines import forecast as forecasting
from pipelines.views.board import pipeline_get

MONTH_CHOICES = (3, 6, 12)


@org_required("deal.view")
@require_GET
def forecast(request: HttpRequest, pk: int) -> HttpResponse:
    pipeline, pipelines = pipeline_get(request, pk)
    raw = request.GET.get("months", "")
    months = int(raw) if raw.isdigit() and int(raw) in MONTH_CHOICES else 6
    data = forecasting.forecast(request.org.organization, pipeline, months=months)
    currency = data.currency
    # Bars compare months in the organization's currency (no exchange rates to add others).
    top = max((m.money.expected.get(currency, Decimal(0)) for m in data.months), default=0)
    expected: dict[str, Decimal] = {}
    for month in data.months:
        for code, amount in month.money.expected.items():
            expected[code] = expected.get(code, Decimal(0)) + amount
    return render(
        request,
        "pipelines/forecast.html",
        {
            "pipeline": pipeline,
            "pipelines": pipelines,
            "forecast": data,
            "currency": currency,
            "months": months,
            "month_choices": MONTH_CHOICES,
            "bar_max": top or 1,
            "expected": expected,
            "expected_count": sum(m.money.count for m in data.months),
        },
    )
