"""Telling an organization's owners and admins that one of its webhook endpoints was disabled.

By email (``django.core.mail``) until in-app notifications land; sent after the commit that
disabled the endpoint, and a mail server error never undoes the disabling.
"""

from __future__ import annotations

import logging

from django.conf import settings
from django.core.mail import send_mass_mail
from django.urls import NoReverseMatch, reverse

from accounts.models import Membership
from accounts.permissions import Role
from automation.models import WebhookEndpoint

logger = logging.getLogger(__name__)


def _endpoint_link(endpoint: WebhookEndpoint) -> str:
    try:
        path = reverse("automation:webhook_detail", args=[endpoint.pk])
    except NoReverseMatch:  # the settings page is not installed
        path = "/settings/webhooks/"
    return settings.SITE_URL.rstrip("/") + path


def endpoint_disabled_notify(endpoint: WebhookEndpoint) -> int:
    """Email each owner and admin; returns how many messages were sent."""
    recipients = sorted(
        set(
            Membership.objects.filter(
                organization_id=endpoint.organization_id, role__in=[Role.OWNER, Role.ADMIN]
            ).values_list("user__email", flat=True)
        )
        - {""}
    )
    if not recipients:
        return 0
    name = endpoint.description or endpoint.url
    body = (
        f"The webhook endpoint {name} ({endpoint.url}) of {endpoint.organization.name} kept "
        f"failing and was disabled: no more events are sent to it.\n\n"
        f"{endpoint.disabled_reason}\n\n"
        "Fix the receiving server, send a test event, then enable the endpoint again; the "
        "deliveries that failed meanwhile can be replayed from its page:\n"
        f"{_endpoint_link(endpoint)}\n"
    )
    subject = f"Webhook endpoint disabled: {name}"[:150]
    try:
        # One message each: admins of a customer's organization need not see each other's
        # addresses.
        return send_mass_mail([(subject, body, None, [email]) for email in recipients])
    except Exception:
        logger.exception("Could not email admins about disabled endpoint %s", endpoint.pk)
        return 0
