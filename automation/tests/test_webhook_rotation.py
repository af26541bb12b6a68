"""Rotating a secret: both signatures during the overlap, only the new one after it."""

from datetime import timedelta

import pytest
from django.utils import timezone

from automation.models import WebhookEndpoint
from automation.tests.factories import EventFactory
from automation.webhooks.delivery import deliveries_for_events
from automation.webhooks.services import endpoint_rotate_secret
from tests.fakes.webhook_receiver import receiver_endpoint

pytestmark = pytest.mark.django_db


@pytest.fixture
def owner_endpoint(webhook_receiver, make_member):
    owner = make_member("owner")
    return owner, receiver_endpoint(webhook_receiver, owner.organization)


def _send(endpoint, capture):
    with capture(execute=True):
        deliveries_for_events([EventFactory(organization=endpoint.organization)])


def test_during_the_overlap_both_the_old_and_the_new_secret_verify(
    owner_endpoint, webhook_receiver, django_capture_on_commit_callbacks
):
    owner, endpoint = owner_endpoint
    old = endpoint.secret

    rotated = endpoint_rotate_secret(endpoint=endpoint, actor=owner.user, overlap_hours=24)
    webhook_receiver.secrets.append(rotated.secret)
    _send(rotated, django_capture_on_commit_callbacks)

    [received] = webhook_receiver.received
    assert rotated.secret != old
    assert set(received.verified_by) == {old, rotated.secret}
    assert len(received.headers["webhook-signature"].split(" ")) == 2


def test_after_the_overlap_only_the_new_secret_verifies(
    owner_endpoint, webhook_receiver, django_capture_on_commit_callbacks
):
    owner, endpoint = owner_endpoint
    old = endpoint.secret
    rotated = endpoint_rotate_secret(endpoint=endpoint, actor=owner.user, overlap_hours=24)
    webhook_receiver.secrets.append(rotated.secret)
    WebhookEndpoint.objects.filter(pk=endpoint.pk).update(
        previous_secret_expires_at=timezone.now() - timedelta(seconds=1)
    )

    _send(rotated, django_capture_on_commit_callbacks)

    [received] = webhook_receiver.received
    assert received.verified_by == [rotated.secret]
    assert old not in received.verified_by


def test_a_rotation_without_overlap_stops_the_old_secret_at_once(
    owner_endpoint, webhook_receiver, django_capture_on_commit_callbacks
):
    owner, endpoint = owner_endpoint
    rotated = endpoint_rotate_secret(endpoint=endpoint, actor=owner.user, overlap_hours=0)
    webhook_receiver.secrets.append(rotated.secret)

    _send(rotated, django_capture_on_commit_callbacks)

    assert webhook_receiver.received[0].verified_by == [rotated.secret]


def test_an_overlap_longer_than_a_week_is_refused(owner_endpoint):
    from accounts.errors import ValidationError

    owner, endpoint = owner_endpoint

    with pytest.raises(ValidationError) as error:
        endpoint_rotate_secret(endpoint=endpoint, actor=owner.user, overlap_hours=24 * 8)

    assert "overlap_hours" in error.value.fields
