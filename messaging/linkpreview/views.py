"""The link preview cards of one message as an htmx partial: the inbox fetches it when
``link_preview.fetched`` names a message it shows."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from accounts.tenancy import get_org_object_or_404, org_required
from messaging.linkpreview.selectors import link_previews_for
from messaging.models import Message


@org_required("message.view")
def message_link_previews(request: HttpRequest, pk: int) -> HttpResponse:
    message = get_org_object_or_404(Message.objects.all(), request.org.organization, pk=pk)
    previews = link_previews_for([message]).get(message.pk, [])
    return render(request, "messaging/_link_previews.html", {"previews": previews})
