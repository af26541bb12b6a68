"""A campaign's results: the funnel from enrolled to won, each step and A/B variant with its
reply rate and whether the difference is significant, and sends and replies per day."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from accounts.tenancy import org_required
from campaigns import selectors
from campaigns.views.common import VIEW, campaign_or_404


@org_required(VIEW)
def campaign_analytics(request: HttpRequest, pk: int) -> HttpResponse:
    campaign = campaign_or_404(request, pk)
    analytics = selectors.campaign_analytics(campaign)
    top = max((count for _, count in analytics.funnel), default=0) or 1
    funnel = [
        {
            "key": key,
            "label": selectors.FUNNEL_LABELS.get(key, key),
            "count": count,
            "width": round(count * 100 / top),
        }
        for key, count in analytics.funnel
    ]
    chart = {
        "labels": [day.strftime("%d %b") for day in analytics.days],
        "sent": analytics.sent_per_day,
        "replied": analytics.replied_per_day,
    }
    context = {"campaign": campaign, "analytics": analytics, "funnel": funnel, "chart": chart}
    return render(request, "campaigns/campaign_analytics.html", context)
