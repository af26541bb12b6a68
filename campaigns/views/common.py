"""What every campaign page needs: the campaign of the URL (404 in another organization) and
the organization's bots a campaign may send from."""

from __future__ import annotations

from django.db.models import QuerySet
from django.http import Http404, HttpRequest
from django.urls import reverse

from campaigns import selectors
from campaigns.models import Campaign
from messaging.models import TelegramBot
from messaging.selectors import bots_list

VIEW = "campaign.view"
EDIT = "campaign.edit"


def campaign_or_404(request: HttpRequest, pk: int) -> Campaign:
    campaign = selectors.campaign_get(request.org.organization, pk)
    if campaign is None:
        raise Http404("No such campaign")
    return campaign


def active_bots(request: HttpRequest) -> QuerySet[TelegramBot]:
    return bots_list(request.org.organization, active_only=True)


def can_edit(request: HttpRequest) -> bool:
    return request.org.has_perm(EDIT)


def section_url(campaign: Campaign, anchor: str) -> str:
    """The campaign's page (builder or live page) scrolled to one of its sections."""
    return reverse("campaigns:campaign_detail", args=[campaign.pk]) + f"#{anchor}"
