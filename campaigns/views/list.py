"""The campaigns list (filter by status, search) and the short create form that leads into the
builder."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render

from accounts.errors import ValidationError
from accounts.tenancy import org_required
from campaigns import selectors
from campaigns.forms import CampaignBasicsForm
from campaigns.models import Campaign
from campaigns.services.campaigns import campaign_create as create_service
from campaigns.views.common import EDIT, VIEW, active_bots, can_edit


@org_required(VIEW)
def campaign_list(request: HttpRequest) -> HttpResponse:
    status = request.GET.get("status", "")
    if status not in Campaign.Status.values:
        status = ""
    q = request.GET.get("q", "").strip()[:100]
    campaigns = list(selectors.campaigns_list(request.org.organization, status=status, q=q))
    context = {
        "campaigns": campaigns,
        "status": status,
        "q": q,
        "statuses": Campaign.Status.choices,
        "can_edit": can_edit(request),
        "filtered": bool(status or q),
    }
    return render(request, "campaigns/campaign_list.html", context)


@org_required(EDIT)
def campaign_create(request: HttpRequest) -> HttpResponse:
    bots = active_bots(request)
    initial = {"bot": bots[0].pk} if len(bots) == 1 else {}
    form = CampaignBasicsForm(request.POST or None, bots=bots, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            campaign = create_service(
                organization=request.org.organization,
                actor=request.user,
                data=form.service_data(),
            )
        except ValidationError as exc:
            form.add_domain_error(exc)
        else:
            messages.success(request, "Campaign created. Pick its audience and write the steps.")
            return redirect("campaigns:campaign_detail", pk=campaign.pk)
    return render(request, "campaigns/campaign_new.html", {"form": form, "has_bots": bool(bots)})
