"""An endpoint that keeps failing for days is disabled and its owners and admins are told (a
notice in the app and an email, through the notifications app)."""

from datetime import timedelta

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from automation.models import Event, WebhookDelivery, WebhookEndpoint
from automation.tests.factories import EventFactory
from automation.webhooks.delivery import deliveries_for_events, deliveries_send
from automation.webhooks.services import endpoint_update
from notifications.models import Notification
from notifications.selectors import notifications_for
from tests.fakes.webhook_receiver import receiver_endpoint

pytestmark = pytest.mark.django_db


def _attempt(endpoint, capture, *, now=None) -> WebhookDelivery:
    with capture(execute=False):
        [pk] = deliveries_for_events([EventFactory(organization=endpoint.organization)])
    deliveries_send([[pk, 0]], now=now)
    return WebhookDelivery.objects.get(pk=pk)


def test_the_first_failure_marks_the_endpoint_failing(
    webhook_receiver, django_capture_on_commit_callbacks
):
    endpoint = receiver_endpoint(webhook_receiver)
    webhook_receiver.fail(500)
    now = timezone.now()

    _attempt(endpoint, django_capture_on_commit_callbacks, now=now)

    endpoint.refresh_from_db()
    assert endpoint.failing_since == now
    assert endpoint.enabled


def test_a_success_clears_the_failing_streak(webhook_receiver, django_capture_on_commit_callbacks):
    endpoint = receiver_endpoint(webhook_receiver, failing_since=timezone.now() - timedelta(days=1))

    _attempt(endpoint, django_capture_on_commit_callbacks)

    endpoint.refresh_from_db()
    assert endpoint.failing_since is None


def test_an_endpoint_failing_longer_than_the_limit_is_disabled_and_admins_notified(
    webhook_receiver, make_member, django_capture_on_commit_callbacks
):
    owner = make_member("owner")
    admin = make_member("admin", organization=owner.organization)
    bidi = make_member("bidi", organization=owner.organization)
    endpoint = receiver_endpoint(
        webhook_receiver,
        owner.organization,
        failing_since=timezone.now() - timedelta(days=5, minutes=1),
    )
    webhook_receiver.fail(503)

    with django_capture_on_commit_callbacks(execute=True):
        _attempt(endpoint, django_capture_on_commit_callbacks)

    endpoint.refresh_from_db()
    assert not endpoint.enabled
    assert endpoint.disabled_at is not None
    assert "failed since" in endpoint.disabled_reason
    assert Event.objects.filter(
        organization=endpoint.organization, name="webhook_endpoint.disabled"
    ).exists()
    for member in (owner, admin):
        [notice] = notifications_for(member.user, owner.organization)
        assert notice.title == f"Webhook endpoint disabled: {endpoint.description or endpoint.url}"
        assert endpoint.disabled_reason in notice.body
        assert notice.url == reverse("automation:webhook_detail", args=[endpoint.pk])
    assert not notifications_for(bidi.user, owner.organization).exists()


def test_the_owners_and_admins_of_a_disabled_endpoint_are_emailed(
    webhook_receiver, make_member, django_capture_on_commit_callbacks
):
    owner = make_member("owner")
    admin = make_member("admin", organization=owner.organization)
    make_member("bidi", organization=owner.organization)
    endpoint = receiver_endpoint(
        webhook_receiver,
        owner.organization,
        failing_since=timezone.now() - timedelta(days=5, minutes=1),
    )
    webhook_receiver.fail(503)

    with django_capture_on_commit_callbacks(execute=True):
        _attempt(endpoint, django_capture_on_commit_callbacks)

    assert sorted(m.to[0] for m in mail.outbox) == sorted([owner.user.email, admin.user.email])
    assert endpoint.url in mail.outbox[0].body


def test_an_endpoint_failing_for_less_than_the_limit_stays_enabled(
    webhook_receiver, django_capture_on_commit_callbacks
):
    endpoint = receiver_endpoint(webhook_receiver, failing_since=timezone.now() - timedelta(days=4))
    webhook_receiver.fail(500)

    _attempt(endpoint, django_capture_on_commit_callbacks)

    endpoint.refresh_from_db()
    assert endpoint.enabled
    assert mail.outbox == []
    assert not Notification.objects.exists()


def test_enabling_a_disabled_endpoint_clears_why_it_was_disabled(make_member):
    from automation.tests.factories import WebhookEndpointFactory

    owner = make_member("owner")
    endpoint = WebhookEndpointFactory(
        organization=owner.organization,
        enabled=False,
        disabled_reason="Every delivery failed",
        disabled_at=timezone.now(),
        failing_since=timezone.now() - timedelta(days=6),
    )

    endpoint_update(endpoint=endpoint, actor=owner.user, data={"enabled": True})

    endpoint = WebhookEndpoint.objects.get(pk=endpoint.pk)
    assert endpoint.enabled
    assert endpoint.disabled_reason == ""
    assert endpoint.disabled_at is None
    assert endpoint.failing_since is None
