"""What every campaign page needs: the campaign of the URL (404 in another organization) and
the organization's bots a campaign may send from."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django import forms
from django.contrib import messages
from django.db.models import QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse

from accounts.errors import ValidationError
from campaigns import selectors
from campaigns.models import Campaign
from campaigns.services.campaigns import campaign_update
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


def save_settings(
    request: HttpRequest,
    campaign: Campaign,
    form: forms.Form,
    data: Callable[[], dict[str, Any]],
    *,
    section: str,
    saved: str,
) -> HttpResponse | None:
    """Save one settings section (``campaign_update`` with ``data()``): the redirect back to
    the section when it worked, None when the page must be shown again with the form's errors
    (the service's field errors put next to their fields by ``form.add_domain_error``)."""
    if not form.is_valid():
        return None
    try:
        campaign_update(campaign=campaign, actor=request.user, data=data())
    except ValidationError as exc:
        form.add_domain_error(exc)
        return None
    messages.success(request, saved)
    return redirect(section_url(campaign, section))
