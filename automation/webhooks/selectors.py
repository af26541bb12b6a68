"""Reads for outgoing webhooks: endpoints, deliveries and their attempts, scoped to an
organization (the API and the settings pages call these)."""

from __future__ import annotations

from datetime import datetime, timedelta

from django.db.models import Count, Prefetch, Q, QuerySet
from django.utils import timezone

from accounts.errors import NotFound
from accounts.models import Organization
from automation.models import WebhookAttempt, WebhookDelivery, WebhookEndpoint


def endpoints_list(organization: Organization) -> QuerySet[WebhookEndpoint]:
    """The organization's endpoints, newest first, with ``deliveries_24h`` and ``failed_24h``
    (deliveries created in the last 24 hours, and those of them that failed for good or are
    retrying after a failure)."""
    since = timezone.now() - timedelta(hours=24)
    recent = Q(deliveries__created_at__gte=since)
    return WebhookEndpoint.objects.filter(organization=organization).annotate(
        deliveries_24h=Count("deliveries", filter=recent),
        failed_24h=Count(
            "deliveries",
            filter=recent
            & (
                Q(deliveries__status=WebhookDelivery.Status.FAILED)
                | Q(
                    deliveries__status=WebhookDelivery.Status.PENDING,
                    deliveries__attempts__gt=0,
                )
            ),
        ),
    )


def endpoint_get(organization: Organization, pk: int | str) -> WebhookEndpoint:
    """One endpoint of the organization (annotated like ``endpoints_list``); ``NotFound``
    for another organization's or a missing one."""
    try:
        return endpoints_list(organization).get(pk=int(pk))
    except (WebhookEndpoint.DoesNotExist, ValueError, TypeError):
        raise NotFound("Webhook endpoint not found.") from None


def deliveries_list(
    organization: Organization,
    *,
    endpoint: WebhookEndpoint | int | None = None,
    status: str | None = None,
    event_type: str | None = None,
    since: datetime | None = None,
) -> QuerySet[WebhookDelivery]:
    """Deliveries newest first, filtered; each with its endpoint (no body-sized N+1)."""
    deliveries = WebhookDelivery.objects.filter(organization=organization).select_related(
        "endpoint"
    )
    if endpoint is not None:
        deliveries = deliveries.filter(endpoint=endpoint)
    if status:
        deliveries = deliveries.filter(status=status)
    if event_type:
        deliveries = deliveries.filter(event_type=event_type)
    if since is not None:
        deliveries = deliveries.filter(created_at__gte=since)
    return deliveries.order_by("-id")


def delivery_get(organization: Organization, pk: int | str) -> WebhookDelivery:
    """One delivery with its attempts (``attempts_log``, newest first); ``NotFound`` outside
    the organization."""
    try:
        return (
            WebhookDelivery.objects.filter(organization=organization)
            .select_related("endpoint")
            .prefetch_related(
                Prefetch("attempts_log", queryset=WebhookAttempt.objects.order_by("-id"))
            )
            .get(pk=int(pk))
        )
    except (WebhookDelivery.DoesNotExist, ValueError, TypeError):
        raise NotFound("Webhook delivery not found.") from None
