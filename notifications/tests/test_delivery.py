"""Sending a delivery: transient failures are retried with backoff until ``MAX_ATTEMPTS``, an
unreachable address is skipped, and a user who may no longer see the notice is not sent it."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from accounts.models import Membership
from notifications.delivery import BACKOFF_SECONDS, MAX_ATTEMPTS, _retry_at, delivery_send
from notifications.models import Delivery
from notifications.registry import Content
from notifications.services import notify
from notifications.tests.engine_types import KEY, type_register
from notifications.tests.factories import DeliveryFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def member(make_member):
    return make_member("admin")


def queued(member, capture) -> Delivery:
    """A notice whose email delivery is due now; its task is not run (the test sends it)."""
    with capture(execute=False):
        notification = notify(
            user=member.user,
            type_key=KEY,
            content=Content(title="Acme signed", body="Call them."),
            source="test:1",
            organization=member.organization,
        )
    return Delivery.objects.get(notification=notification)


def test_a_transient_failure_is_retried_with_growing_backoff(
    monkeypatch, member, smtp_server, django_capture_on_commit_callbacks
):
    type_register(monkeypatch)
    delivery = queued(member, django_capture_on_commit_callbacks)
    smtp_server.fail_next(451, times=2)
    now = timezone.now()

    first = delivery_send(delivery.pk, now=now)
    assert (first.status, first.attempts) == (Delivery.Status.PENDING, 1)
    assert first.due_at == now + timedelta(seconds=BACKOFF_SECONDS[0])
    assert "451" in first.last_error
    assert delivery_send(delivery.pk, now=now + timedelta(seconds=10)) is None  # not due yet

    later = now + timedelta(seconds=BACKOFF_SECONDS[0])
    second = delivery_send(delivery.pk, now=later)
    assert second.due_at == later + timedelta(seconds=BACKOFF_SECONDS[1])

    third = delivery_send(delivery.pk, now=second.due_at)
    assert (third.status, third.attempts, third.last_error) == (Delivery.Status.SENT, 3, "")
    [received] = smtp_server.received
    assert received.rcpt_tos == [member.user.email]


def test_a_delivery_fails_for_good_after_the_last_attempt(
    monkeypatch, member, smtp_server, django_capture_on_commit_callbacks
):
    type_register(monkeypatch)
    delivery = queued(member, django_capture_on_commit_callbacks)
    smtp_server.fail_next(451, times=MAX_ATTEMPTS)
    due = timezone.now()

    for _ in range(MAX_ATTEMPTS):
        delivery = delivery_send(delivery.pk, now=due)
        due = delivery.due_at

    assert (delivery.status, delivery.attempts) == (Delivery.Status.FAILED, MAX_ATTEMPTS)
    assert delivery_send(delivery.pk, now=due + timedelta(days=1)) is None
    assert smtp_server.received == []


def test_a_retry_after_longer_than_the_backoff_is_honoured(member):
    now = timezone.now()
    delivery = DeliveryFactory(attempts=1)

    assert _retry_at(delivery, now, 300) == now + timedelta(seconds=300)
    assert _retry_at(delivery, now, 5) == now + timedelta(seconds=BACKOFF_SECONDS[0])


def test_an_address_the_server_refuses_is_skipped_not_retried(
    monkeypatch, member, smtp_server, django_capture_on_commit_callbacks
):
    type_register(monkeypatch)
    delivery = queued(member, django_capture_on_commit_callbacks)
    smtp_server.reject(member.user.email, code=550)

    delivery = delivery_send(delivery.pk)

    assert delivery.status == Delivery.Status.SKIPPED
    assert "550" in delivery.detail
    assert delivery_send(delivery.pk, now=timezone.now() + timedelta(days=1)) is None


def test_a_user_who_left_the_organization_is_not_sent_it(
    monkeypatch, member, smtp_server, django_capture_on_commit_callbacks
):
    type_register(monkeypatch)
    delivery = queued(member, django_capture_on_commit_callbacks)
    Membership.objects.filter(user=member.user, organization=member.organization).delete()

    delivery = delivery_send(delivery.pk)

    assert delivery.status == Delivery.Status.SKIPPED
    assert delivery.detail == "The user is no longer a member of the organization."
    assert smtp_server.received == []


def test_a_user_who_lost_the_role_is_not_sent_it(
    monkeypatch, member, smtp_server, django_capture_on_commit_callbacks
):
    type_register(monkeypatch, perm="webhook.manage")
    delivery = queued(member, django_capture_on_commit_callbacks)
    Membership.objects.filter(user=member.user).update(role="viewer")

    delivery = delivery_send(delivery.pk)

    assert delivery.status == Delivery.Status.SKIPPED
    assert "may no longer see this" in delivery.detail
    assert smtp_server.received == []


def test_a_deactivated_user_is_not_sent_it(
    monkeypatch, member, smtp_server, django_capture_on_commit_callbacks
):
    type_register(monkeypatch)
    delivery = queued(member, django_capture_on_commit_callbacks)
    type(member.user).objects.filter(pk=member.user.pk).update(is_active=False)

    delivery = delivery_send(delivery.pk)

    assert (delivery.status, delivery.detail) == (
        Delivery.Status.SKIPPED,
        "The user is deactivated.",
    )
    assert smtp_server.received == []
