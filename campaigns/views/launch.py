"""The launch check: everything that would stop or spoil the campaign, shown before anything is
sent (no bot, empty audience, template errors, a window with no hours…), with links to the
section that fixes it; then the confirmation that snapshots the audience and starts sending."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render

from accounts.errors import ValidationError
from accounts.tenancy import org_required
from campaigns import checks
from campaigns.services import lifecycle
from campaigns.views.builder import audience_preview_context
from campaigns.views.common import EDIT, VIEW, campaign_or_404, can_edit

# The builder section (its anchor) where a problem's field is edited.
SECTIONS = {
    "bot": "basics",
    "name": "basics",
    "sender": "basics",
    "audience": "audience",
    "audience_view": "audience",
    "audience_filters": "audience",
    "steps": "steps",
    "window": "schedule",
    "window_days": "schedule",
    "window_start": "schedule",
    "window_end": "schedule",
    "starts_at": "schedule",
    "ends_at": "schedule",
    "daily_cap": "schedule",
}


def section_for(field: str) -> str:
    head = field.split(".", 1)[0]
    return SECTIONS.get(field) or SECTIONS.get(head) or "steps"


@org_required(VIEW)
def campaign_launch(request: HttpRequest, pk: int) -> HttpResponse:
    campaign = campaign_or_404(request, pk)
    if not campaign.is_editable:
        return redirect("campaigns:campaign_detail", pk=campaign.pk)
    if request.method == "POST":
        request.org.require(EDIT)
        try:
            result = lifecycle.campaign_launch(campaign=campaign, actor=request.user)
        except ValidationError as exc:
            messages.error(request, exc.message)
        else:
            messages.success(
                request,
                f"Campaign launched: {result.enrolled} contact{'s' if result.enrolled != 1 else ''}"
                f" enrolled, {result.unreachable} not reachable.",
            )
            return redirect("campaigns:campaign_detail", pk=campaign.pk)
    problems = [
        {"problem": problem, "section": section_for(problem.field)}
        for problem in checks.launch_problems(campaign)
    ]
    context = {
        "campaign": campaign,
        "blocking": [p for p in problems if p["problem"].blocking],
        "warnings": [p for p in problems if not p["problem"].blocking],
        "can_edit": can_edit(request),
        **audience_preview_context(campaign),
    }
    return render(request, "campaigns/campaign_launch.html", context)
