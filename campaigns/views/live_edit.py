"""Edits of a launched campaign (its page: campaigns/views/live_page.py). Recipients were
enrolled at launch, so only what steers the rest may change: the schedule while it is live, the
messages' texts, weights and delays while it is paused (never the number of steps or variants),
and its name and description at any time. The services refuse anything else by field; these
views put those messages next to the fields."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.views.decorators.http import require_POST

from accounts.errors import ValidationError
from accounts.tenancy import org_required
from campaigns.forms import place_step_errors, read_rows, steps_payload
from campaigns.live_forms import CampaignDetailsForm, LiveScheduleForm
from campaigns.models import Campaign
from campaigns.services.campaigns import campaign_steps_set
from campaigns.views.common import EDIT, campaign_or_404, save_settings
from campaigns.views.live_page import render_live


def _launched_or_redirect(request: HttpRequest, pk: int) -> tuple[Campaign, HttpResponse | None]:
    """A draft is edited in the builder, through its own sections."""
    campaign = campaign_or_404(request, pk)
    if campaign.is_editable:
        return campaign, redirect("campaigns:campaign_detail", pk=campaign.pk)
    return campaign, None


@org_required(EDIT)
@require_POST
def campaign_live_schedule(request: HttpRequest, pk: int) -> HttpResponse:
    campaign, away = _launched_or_redirect(request, pk)
    if away:
        return away
    form = LiveScheduleForm(request.POST, initial=LiveScheduleForm.initial_for(campaign))
    saved = save_settings(
        request,
        campaign,
        form,
        lambda: form.service_data(campaign),
        section="schedule",
        saved="Schedule saved: it applies to the messages still to send.",
    )
    return saved or render_live(request, campaign, schedule=form)


@org_required(EDIT)
@require_POST
def campaign_live_details(request: HttpRequest, pk: int) -> HttpResponse:
    campaign, away = _launched_or_redirect(request, pk)
    if away:
        return away
    form = CampaignDetailsForm(request.POST)
    saved = save_settings(
        request, campaign, form, form.service_data, section="details", saved="Saved."
    )
    return saved or render_live(request, campaign, details=form)


@org_required(EDIT)
@require_POST
def campaign_live_steps(request: HttpRequest, pk: int) -> HttpResponse:
    """Save the paused campaign's messages in place. htmx swaps the editor alone; the whole
    page answers without JavaScript."""
    campaign, away = _launched_or_redirect(request, pk)
    if away:
        return away
    rows = read_rows(request.POST)
    payload = steps_payload(rows)
    if payload is None:
        return render_live(request, campaign, rows=rows)
    try:
        campaign_steps_set(campaign=campaign, actor=request.user, steps=payload)
    except ValidationError as exc:
        rest = place_step_errors(rows, exc.fields) if exc.fields else [exc.message]
        return render_live(request, campaign, rows=rows, steps_errors=rest)
    campaign.refresh_from_db()
    return render_live(request, campaign, steps_saved=True)
