"""Settings → Webhooks: outgoing webhook endpoints (list, add, edit, delete), an endpoint's
secret (reveal, rotate), test events, its deliveries with every attempt, and replays.

Thin: automation.webhooks.services decide and check ``webhook.manage``; these views shape forms
and show results."""

from __future__ import annotations

import json

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from accounts.errors import ValidationError
from accounts.tenancy import org_required
from automation.catalog import CATALOG
from automation.models import WebhookDelivery, WebhookEndpoint
from automation.webhook_forms import (
    ALL_EVENTS,
    DeliveryFilterForm,
    EndpointForm,
    ReplayFailedForm,
    RotateSecretForm,
    event_type_groups,
)
from automation.webhooks import selectors, services
from automation.webhooks.delivery import USER_AGENT

PERM = "webhook.manage"
DELIVERY_PAGE_SIZE = 25


def _endpoint(request: HttpRequest, pk: int) -> WebhookEndpoint:
    return selectors.endpoint_get(request.org.organization, pk)


@org_required(PERM)
def webhook_list(request: HttpRequest) -> HttpResponse:
    endpoints = list(selectors.endpoints_list(request.org.organization))
    return render(request, "automation/webhook_list.html", {"endpoints": endpoints})


def _form_page(
    request: HttpRequest, form: EndpointForm, endpoint: WebhookEndpoint | None
) -> HttpResponse:
    context = {"form": form, "endpoint": endpoint, "groups": event_type_groups()}
    return render(request, "automation/webhook_form.html", context)


@org_required(PERM)
def webhook_create(request: HttpRequest) -> HttpResponse:
    form = EndpointForm(request.POST or None, initial={"enabled": True})
    if request.method == "POST" and form.is_valid():
        try:
            endpoint = services.endpoint_create(
                organization=request.org.organization,
                actor=request.user,
                data=form.service_data(),
            )
        except ValidationError as exc:
            form.add_domain_error(exc)
        else:
            messages.success(
                request, "Endpoint added. Reveal its secret below to verify signatures."
            )
            return redirect("automation:webhook_detail", pk=endpoint.pk)
    return _form_page(request, form, None)


@org_required(PERM)
def webhook_edit(request: HttpRequest, pk: int) -> HttpResponse:
    endpoint = _endpoint(request, pk)
    form = EndpointForm(request.POST or None, initial=EndpointForm.initial_for(endpoint))
    if request.method == "POST" and form.is_valid():
        try:
            services.endpoint_update(
                endpoint=endpoint, actor=request.user, data=form.service_data()
            )
        except ValidationError as exc:
            form.add_domain_error(exc)
        else:
            messages.success(request, "Endpoint saved.")
            return redirect("automation:webhook_detail", pk=endpoint.pk)
    return _form_page(request, form, endpoint)


def _detail_context(request: HttpRequest, endpoint: WebhookEndpoint) -> dict:
    organization = request.org.organization
    filters = DeliveryFilterForm(
        request.GET or None, event_types=[*sorted(CATALOG), services.TEST_EVENT]
    )
    chosen = filters.cleaned_data if filters.is_valid() else {}
    deliveries = selectors.deliveries_list(
        organization,
        endpoint=endpoint,
        status=chosen.get("status") or None,
        event_type=chosen.get("event_type") or None,
    )
    before = request.GET.get("before", "")
    if before.isdigit():
        deliveries = deliveries.filter(pk__lt=int(before))
    page = list(deliveries.defer("body")[: DELIVERY_PAGE_SIZE + 1])
    query = request.GET.copy()
    query.pop("before", None)
    return {
        "endpoint": endpoint,
        "all_events": ALL_EVENTS in endpoint.event_types,
        "filters": filters,
        "deliveries": page[:DELIVERY_PAGE_SIZE],
        "older": page[DELIVERY_PAGE_SIZE - 1].pk if len(page) > DELIVERY_PAGE_SIZE else None,
        "paged": before.isdigit(),
        "query": query.urlencode(),
        "replay_form": ReplayFailedForm(),
        "secret": None,
    }


@org_required(PERM)
def webhook_detail(request: HttpRequest, pk: int) -> HttpResponse:
    endpoint = _endpoint(request, pk)
    return render(request, "automation/webhook_detail.html", _detail_context(request, endpoint))


@org_required(PERM)
@require_POST
def webhook_secret(request: HttpRequest, pk: int) -> HttpResponse:
    """Reveal the signing secret (audited); htmx swaps it into the page."""
    endpoint = _endpoint(request, pk)
    secret = services.endpoint_secret_reveal(endpoint=endpoint, actor=request.user)
    if request.headers.get("HX-Request"):
        return render(
            request, "automation/_webhook_secret.html", {"endpoint": endpoint, "secret": secret}
        )
    context = {**_detail_context(request, endpoint), "secret": secret}
    return render(request, "automation/webhook_detail.html", context)


@org_required(PERM)
def webhook_rotate(request: HttpRequest, pk: int) -> HttpResponse:
    endpoint = _endpoint(request, pk)
    form = RotateSecretForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        overlap = form.cleaned_data["overlap_hours"]
        try:
            services.endpoint_rotate_secret(
                endpoint=endpoint, actor=request.user, overlap_hours=overlap
            )
        except ValidationError as exc:
            form.add_domain_error(exc)
        else:
            note = (
                f" The old one keeps signing for {overlap} hours."
                if overlap
                else " The old one no longer signs."
            )
            messages.success(request, "New secret made." + note)
            return redirect("automation:webhook_detail", pk=endpoint.pk)
    return render(request, "automation/webhook_rotate.html", {"endpoint": endpoint, "form": form})


@org_required(PERM)
@require_POST
def webhook_test(request: HttpRequest, pk: int) -> HttpResponse:
    endpoint = _endpoint(request, pk)
    delivery = services.endpoint_send_test(endpoint=endpoint, actor=request.user)
    messages.success(request, "Test event sent. Its delivery is at the top of the table.")
    return redirect(f"{_detail_url(endpoint)}#delivery-{delivery.pk}")


@org_required(PERM)
@require_POST
def webhook_replay_failed(request: HttpRequest, pk: int) -> HttpResponse:
    endpoint = _endpoint(request, pk)
    form = ReplayFailedForm(request.POST)
    if form.is_valid():
        try:
            count = services.deliveries_replay_failed(
                endpoint=endpoint, actor=request.user, since=form.cleaned_data["since"]
            )
        except ValidationError as exc:
            form.add_domain_error(exc)
        else:
            if count:
                messages.success(
                    request, f"{count} failed deliver{'y' if count == 1 else 'ies'} queued again."
                )
            else:
                messages.info(request, "No failed deliveries since then.")
            return redirect("automation:webhook_detail", pk=endpoint.pk)
    context = {**_detail_context(request, endpoint), "replay_form": form}
    return render(request, "automation/webhook_detail.html", context, status=400)


@org_required(PERM)
def webhook_delete(request: HttpRequest, pk: int) -> HttpResponse:
    endpoint = _endpoint(request, pk)
    if request.method == "POST":
        services.endpoint_delete(endpoint=endpoint, actor=request.user)
        messages.success(request, "Endpoint deleted.")
        return redirect("automation:webhook_list")
    return render(request, "automation/webhook_delete.html", {"endpoint": endpoint})


@org_required(PERM)
def delivery_detail(request: HttpRequest, pk: int) -> HttpResponse:
    delivery = selectors.delivery_get(request.org.organization, pk)
    context = {
        "delivery": delivery,
        "endpoint": delivery.endpoint,
        "headers": _headers(delivery),
        "body": _pretty_body(delivery.body),
        "attempts": list(delivery.attempts_log.all()),
    }
    return render(request, "automation/delivery_detail.html", context)


@org_required(PERM)
@require_POST
def delivery_replay(request: HttpRequest, pk: int) -> HttpResponse:
    delivery = selectors.delivery_get(request.org.organization, pk)
    try:
        services.delivery_replay(delivery=delivery, actor=request.user)
    except ValidationError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, "Sending it again now, with the same webhook-id and body.")
    return redirect("automation:delivery_detail", pk=delivery.pk)


def _detail_url(endpoint: WebhookEndpoint) -> str:
    return reverse("automation:webhook_detail", kwargs={"pk": endpoint.pk})


def _headers(delivery: WebhookDelivery) -> list[tuple[str, str]]:
    """What each attempt sends; the timestamp and signature are made per attempt."""
    return [
        ("user-agent", USER_AGENT),
        ("content-type", "application/json"),
        ("webhook-id", delivery.message_id),
        ("webhook-timestamp", "<seconds since the epoch, at each attempt>"),
        ("webhook-signature", "v1,<base64 HMAC-SHA256 of id.timestamp.body> (one per secret)"),
    ]


def _pretty_body(body: str) -> str:
    try:
        return json.dumps(json.loads(body), indent=2, ensure_ascii=False)
    except ValueError:
        return body
