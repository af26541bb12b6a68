"""Events become signed deliveries, sent to the endpoints subscribed to them, once each."""

import json

import pytest

from accounts.tests.factories import OrganizationFactory
from automation.events import emit
from automation.models import Event, WebhookAttempt, WebhookDelivery
from automation.tests.factories import EventFactory
from automation.webhooks.delivery import deliveries_for_events, deliveries_send
from automation.webhooks.services import endpoint_payload
from tests.fakes.webhook_receiver import receiver_endpoint

pytestmark = pytest.mark.django_db


def test_an_event_is_posted_to_a_subscribed_endpoint_with_standard_webhooks_headers(
    webhook_receiver, django_capture_on_commit_callbacks
):
    endpoint = receiver_endpoint(webhook_receiver)

    with django_capture_on_commit_callbacks(execute=True):
        event = emit(
            endpoint.organization,
            "webhook_endpoint.updated",
            {"endpoint": endpoint_payload(endpoint), "changed": ["description"]},
        )

    [received] = webhook_receiver.received
    assert received.verified
    assert received.headers["webhook-id"] == f"msg_{event.pk}"
    assert received.headers["content-type"] == "application/json"
    assert received.headers["user-agent"] == "BiDi-Webhooks/1"
    assert received.payload == json.loads(json.dumps(Event.objects.get(pk=event.pk).as_message()))


def test_a_successful_attempt_is_logged_and_the_delivery_marked_delivered(
    webhook_receiver, django_capture_on_commit_callbacks
):
    endpoint = receiver_endpoint(webhook_receiver)

    with django_capture_on_commit_callbacks(execute=True):
        deliveries_for_events([EventFactory(organization=endpoint.organization)])

    delivery = WebhookDelivery.objects.get(endpoint=endpoint)
    attempt = WebhookAttempt.objects.get(delivery=delivery)
    assert delivery.status == WebhookDelivery.Status.SUCCEEDED
    assert delivery.attempts == 1
    assert delivery.delivered_at is not None
    assert delivery.locked_until is None
    assert attempt.succeeded and attempt.status_code == 200
    assert attempt.response_snippet == '{"ok": true}'


def test_only_endpoints_subscribed_to_the_event_get_a_delivery(db):
    organization = OrganizationFactory()
    from automation.tests.factories import WebhookEndpointFactory

    everything = WebhookEndpointFactory(organization=organization, event_types=["*"])
    deals = WebhookEndpointFactory(organization=organization, event_types=["deal.created"])
    contacts = WebhookEndpointFactory(organization=organization, event_types=["contact.created"])

    deliveries_for_events([EventFactory(organization=organization, name="contact.created")])

    assert set(WebhookDelivery.objects.values_list("endpoint", flat=True)) == {
        everything.pk,
        contacts.pk,
    }
    assert not WebhookDelivery.objects.filter(endpoint=deals).exists()


def test_other_organizations_endpoints_get_nothing(db):
    from automation.tests.factories import WebhookEndpointFactory

    WebhookEndpointFactory()

    deliveries_for_events([EventFactory()])

    assert not WebhookDelivery.objects.exists()


def test_a_disabled_endpoint_gets_no_new_deliveries(db):
    from automation.tests.factories import WebhookEndpointFactory

    endpoint = WebhookEndpointFactory(enabled=False)

    deliveries_for_events([EventFactory(organization=endpoint.organization)])

    assert not WebhookDelivery.objects.exists()


def test_the_same_event_dispatched_twice_makes_one_delivery(db):
    from automation.tests.factories import WebhookEndpointFactory

    endpoint = WebhookEndpointFactory()
    event = EventFactory(organization=endpoint.organization)

    first = deliveries_for_events([event])
    second = deliveries_for_events([event])

    assert len(first) == 1
    assert second == []
    assert WebhookDelivery.objects.filter(endpoint=endpoint).count() == 1


def test_a_delivery_is_sent_once_however_many_tasks_carry_it(
    webhook_receiver, django_capture_on_commit_callbacks
):
    endpoint = receiver_endpoint(webhook_receiver)
    with django_capture_on_commit_callbacks(execute=False):
        [pk] = deliveries_for_events([EventFactory(organization=endpoint.organization)])

    assert deliveries_send([[pk, 0]]) == 1
    assert deliveries_send([[pk, 0]]) == 0  # a duplicate task (re-enqueued by the poller)

    assert len(webhook_receiver.received) == 1


def test_a_delivery_locked_by_a_live_worker_is_not_sent_by_another(
    webhook_receiver, django_capture_on_commit_callbacks
):
    from datetime import timedelta

    from django.utils import timezone

    endpoint = receiver_endpoint(webhook_receiver)
    with django_capture_on_commit_callbacks(execute=False):
        [pk] = deliveries_for_events([EventFactory(organization=endpoint.organization)])
    WebhookDelivery.objects.filter(pk=pk).update(
        locked_until=timezone.now() + timedelta(seconds=30)
    )

    assert deliveries_send([[pk, 0]]) == 0
    assert webhook_receiver.received == []


def test_a_crashed_workers_delivery_is_sent_after_its_lease_runs_out(
    webhook_receiver, django_capture_on_commit_callbacks
):
    from datetime import timedelta

    from django.utils import timezone

    endpoint = receiver_endpoint(webhook_receiver)
    with django_capture_on_commit_callbacks(execute=False):
        [pk] = deliveries_for_events([EventFactory(organization=endpoint.organization)])
    WebhookDelivery.objects.filter(pk=pk).update(locked_until=timezone.now() - timedelta(seconds=1))

    assert deliveries_send([[pk, 0]]) == 1
    assert WebhookDelivery.objects.get(pk=pk).status == WebhookDelivery.Status.SUCCEEDED
