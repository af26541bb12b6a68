"""A campaign's page: the builder while it is a draft; once launched, its live progress (htmx
re-reads the counters on campaign and message events, and every few seconds as a fallback),
Pause / Resume / Cancel, its recipients (re-read with the counters) and what may still change
(campaigns/views/live_edit.py)."""

from __future__ import annotations

from collections.abc import Callable

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from accounts.errors import ValidationError
from accounts.tenancy import org_required
from campaigns import selectors
from campaigns.models import Campaign
from campaigns.services import lifecycle
from campaigns.views.builder import render_builder
from campaigns.views.common import EDIT, VIEW, campaign_or_404
from campaigns.views.live_page import recipients_context, render_live


@org_required(VIEW)
def campaign_detail(request: HttpRequest, pk: int) -> HttpResponse:
    campaign = campaign_or_404(request, pk)
    if campaign.is_editable:
        return render_builder(request, campaign)
    return render_live(request, campaign)


@org_required(VIEW)
def campaign_progress(request: HttpRequest, pk: int) -> HttpResponse:
    """The progress card alone, for the live page's htmx refreshes."""
    campaign = campaign_or_404(request, pk)
    context = {"campaign": campaign, "progress": selectors.campaign_progress(campaign)}
    return render(request, "campaigns/_progress.html", context)


@org_required(VIEW)
def campaign_recipients(request: HttpRequest, pk: int) -> HttpResponse:
    """The recipients table alone, refreshed with the progress card on live events."""
    campaign = campaign_or_404(request, pk)
    return render(request, "campaigns/_recipients.html", recipients_context(request, campaign))


def _transition(
    request: HttpRequest, pk: int, change: Callable[..., Campaign], done: str
) -> HttpResponse:
    campaign = campaign_or_404(request, pk)
    try:
        change(campaign=campaign, actor=request.user)
    except ValidationError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, done)
    return redirect("campaigns:campaign_detail", pk=campaign.pk)


@org_required(EDIT)
@require_POST
def campaign_pause(request: HttpRequest, pk: int) -> HttpResponse:
    return _transition(
        request, pk, lifecycle.campaign_pause, "Campaign paused: nothing more is sent."
    )


@org_required(EDIT)
@require_POST
def campaign_resume(request: HttpRequest, pk: int) -> HttpResponse:
    return _transition(request, pk, lifecycle.campaign_resume, "Campaign resumed.")


@org_required(EDIT)
@require_POST
def campaign_cancel(request: HttpRequest, pk: int) -> HttpResponse:
    return _transition(
        request,
        pk,
        lifecycle.campaign_cancel,
        "Campaign cancelled: the remaining steps will not be sent.",
    )
