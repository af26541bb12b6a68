"""Replaying one delivery, or every failed one since a time, with the same webhook-id."""

from datetime import timedelta

import pytest
from django.utils import timezone

from accounts.errors import PermissionDenied
from automation.models import WebhookDelivery
from automation.tests.factories import WebhookDeliveryFactory
from automation.webhooks.services import deliveries_replay_failed, delivery_replay
from tests.fakes.webhook_receiver import receiver_endpoint

pytestmark = pytest.mark.django_db


@pytest.fixture
def owner(make_member):
    return make_member("owner")


@pytest.fixture
def endpoint(owner, webhook_receiver):
    return receiver_endpoint(webhook_receiver, owner.organization)


def _failed(endpoint, **fields) -> WebhookDelivery:
    return WebhookDeliveryFactory(
        endpoint=endpoint, status=WebhookDelivery.Status.FAILED, attempts=9, **fields
    )


def test_replaying_a_failed_delivery_sends_it_now_with_the_same_webhook_id(
    owner, endpoint, webhook_receiver, django_capture_on_commit_callbacks
):
    delivery = _failed(endpoint, body='{"type":"deal.won"}')

    with django_capture_on_commit_callbacks(execute=True):
        delivery_replay(delivery=delivery, actor=owner.user)

    [received] = webhook_receiver.received
    assert received.headers["webhook-id"] == delivery.message_id
    assert received.body == '{"type":"deal.won"}'
    assert received.verified
    delivery.refresh_from_db()
    assert delivery.status == WebhookDelivery.Status.SUCCEEDED
    assert delivery.attempts == 10


def test_a_succeeded_delivery_can_be_replayed_too(
    owner, endpoint, webhook_receiver, django_capture_on_commit_callbacks
):
    delivery = WebhookDeliveryFactory(
        endpoint=endpoint, status=WebhookDelivery.Status.SUCCEEDED, attempts=1
    )

    with django_capture_on_commit_callbacks(execute=True):
        delivery_replay(delivery=delivery, actor=owner.user)

    assert len(webhook_receiver.received) == 1


def test_a_replay_that_fails_again_leaves_the_delivery_failed(
    owner, endpoint, webhook_receiver, django_capture_on_commit_callbacks
):
    delivery = _failed(endpoint)
    webhook_receiver.fail(500)

    with django_capture_on_commit_callbacks(execute=True):
        delivery_replay(delivery=delivery, actor=owner.user)

    delivery.refresh_from_db()
    assert delivery.status == WebhookDelivery.Status.FAILED
    assert delivery.attempts_log.count() == 1


def test_replay_failed_since_sends_only_failed_deliveries_created_since_then(
    owner, endpoint, webhook_receiver, django_capture_on_commit_callbacks
):
    since = timezone.now() - timedelta(hours=1)
    recent = [_failed(endpoint), _failed(endpoint)]
    _failed(endpoint, created_at=since - timedelta(minutes=1))
    WebhookDeliveryFactory(endpoint=endpoint, status=WebhookDelivery.Status.SUCCEEDED)

    with django_capture_on_commit_callbacks(execute=True):
        count = deliveries_replay_failed(endpoint=endpoint, actor=owner.user, since=since)

    assert count == 2
    assert {r.headers["webhook-id"] for r in webhook_receiver.received} == {
        d.message_id for d in recent
    }


def test_a_business_developer_cannot_replay(make_member, endpoint):
    bidi = make_member("bidi", organization=endpoint.organization)

    with pytest.raises(PermissionDenied):
        delivery_replay(delivery=_failed(endpoint), actor=bidi.user)
