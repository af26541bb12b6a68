"""The page of a launched campaign, shared by its read views (campaigns/views/detail.py) and the
edits still allowed after launch (campaigns/views/live_edit.py): progress, recipients, and the
forms of what may change in the campaign's status. A form submitted with errors comes back in
``parts`` so its messages show next to its fields."""

from __future__ import annotations

from dataclasses import asdict
from typing import Any

from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse

from campaigns import selectors, variables
from campaigns.forms import RecipientFilterForm, StepRow, rows_from_steps
from campaigns.live_forms import CampaignDetailsForm, LiveScheduleForm
from campaigns.models import Campaign
from campaigns.views.builder import snippet
from campaigns.views.common import can_edit

RECIPIENTS_PAGE_SIZE = 25
PREVIEW_CONTACTS = 10


def recipients_context(request: HttpRequest, campaign: Campaign) -> dict[str, Any]:
    """The recipients table's page under the filters of the URL (the live refresh re-reads it
    with the same query, so filters and page stay put)."""
    filters = RecipientFilterForm(request.GET or None)
    chosen = filters.cleaned_data if filters.is_valid() else {}
    recipients = selectors.recipients_list(
        campaign,
        status=chosen.get("status", ""),
        reason=chosen.get("reason", ""),
        q=chosen.get("q", ""),
    )
    page = Paginator(recipients, RECIPIENTS_PAGE_SIZE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return {
        "campaign": campaign,
        "filters": filters,
        "page": page,
        "query": query.urlencode(),
        "filtered": bool(chosen.get("status") or chosen.get("reason") or chosen.get("q")),
    }


def _preview_contacts(campaign: Campaign) -> list[Any]:
    """Whom the messages editor previews with: the campaign's own recipients, reachable first
    (the audience was snapshotted at launch, so its filters no longer matter)."""
    recipients = selectors.recipients_list(campaign).order_by("chat_id", "id")
    # NULLs sort last in Postgres ascending order: reachable recipients come first.
    return [recipient.contact for recipient in recipients[:PREVIEW_CONTACTS]]


def edit_context(
    request: HttpRequest,
    campaign: Campaign,
    *,
    schedule: LiveScheduleForm | None = None,
    details: CampaignDetailsForm | None = None,
    rows: list[StepRow] | None = None,
    steps_errors: list[str] | None = None,
    steps_saved: bool = False,
) -> dict[str, Any]:
    """What the member may still change: schedule while live, messages (in place) while paused,
    name and description always. Viewers get the same sections read-only."""
    member_edits = can_edit(request)
    steps_editable = member_edits and campaign.status == Campaign.Status.PAUSED
    if schedule is None:
        schedule = LiveScheduleForm(initial=LiveScheduleForm.initial_for(campaign))
    if details is None:
        details = CampaignDetailsForm(initial=CampaignDetailsForm.initial_for(campaign))
    if rows is None:
        rows = rows_from_steps(list(campaign.steps.all()))
    context: dict[str, Any] = {
        "schedule": schedule,
        "schedule_editable": member_edits and campaign.is_live,
        "details": details,
        "rows": rows,
        "steps_errors": steps_errors or [],
        "steps_saved": steps_saved,
        # The steps editor's flags: edits in place, never adding or removing a step/variant.
        "editable": steps_editable,
        "locked": True,
        "steps_url": reverse("campaigns:campaign_live_steps", args=[campaign.pk]),
        "variables": [],
        "sample_contacts": [],
    }
    if steps_editable:
        context["variables"] = [
            {**asdict(v), "snippet": snippet(v.name)}
            for v in variables.campaign_variables(request.org.organization)
        ]
        context["sample_contacts"] = _preview_contacts(campaign)
    return context


def render_live(request: HttpRequest, campaign: Campaign, **parts: Any) -> HttpResponse:
    """The launched campaign's page; ``parts`` carry a submitted form (with its errors)."""
    context = {
        **recipients_context(request, campaign),
        **edit_context(request, campaign, **parts),
        "progress": selectors.campaign_progress(campaign),
        "can_edit": can_edit(request),
    }
    return render(request, "campaigns/campaign_detail.html", context)
