"""``/api/v1/webhooks/`` and ``/api/v1/webhook-deliveries/``."""

from datetime import timedelta

import pytest
from django.utils import timezone

from automation.models import WebhookDelivery, WebhookEndpoint
from automation.tests.factories import (
    WebhookAttemptFactory,
    WebhookDeliveryFactory,
    WebhookEndpointFactory,
)
from tests.fakes.webhook_receiver import receiver_endpoint

pytestmark = pytest.mark.django_db


@pytest.fixture
def owner(make_member):
    return make_member("owner")


@pytest.fixture
def api(owner, jwt_client):
    return jwt_client(owner.user, owner.organization)


def test_creating_an_endpoint_returns_it_without_its_secret(api, webhook_receiver):
    response = api.post(
        "/api/v1/webhooks/",
        {"url": webhook_receiver.url, "description": "CRM sync", "event_types": ["deal.won"]},
        format="json",
    )

    assert response.status_code == 201, response.content
    body = response.json()
    assert body["url"] == webhook_receiver.url
    assert body["event_types"] == ["deal.won"]
    assert body["enabled"] is True
    assert "secret" not in body
    assert WebhookEndpoint.objects.get(pk=body["id"]).secret.startswith("whsec_")


def test_invalid_fields_answer_400_with_each_field_error(api, settings):
    settings.WEBHOOK_ALLOW_HTTP = False

    response = api.post(
        "/api/v1/webhooks/",
        {"url": "http://127.0.0.1/hook", "event_types": ["deal.nonsense"]},
        format="json",
    )

    assert response.status_code == 400
    assert set(response.json()["error"]["fields"]) == {"url", "event_types"}


def test_the_secret_is_not_in_the_list(api, owner):
    endpoint = WebhookEndpointFactory(organization=owner.organization)

    response = api.get("/api/v1/webhooks/")

    assert response.status_code == 200
    assert [e["id"] for e in response.json()] == [endpoint.pk]
    assert endpoint.secret not in response.content.decode()


def test_the_secret_endpoint_returns_the_secret(api, owner):
    endpoint = WebhookEndpointFactory(organization=owner.organization)

    response = api.get(f"/api/v1/webhooks/{endpoint.pk}/secret/")

    assert response.json() == {"secret": endpoint.secret}


def test_a_business_developer_cannot_read_the_secret(make_member, jwt_client, owner):
    endpoint = WebhookEndpointFactory(organization=owner.organization)
    bidi = make_member("bidi", organization=owner.organization)

    response = jwt_client(bidi.user, owner.organization).get(
        f"/api/v1/webhooks/{endpoint.pk}/secret/"
    )

    assert response.status_code == 403


def test_another_organizations_endpoint_is_not_found(api):
    other = WebhookEndpointFactory()

    assert api.get(f"/api/v1/webhooks/{other.pk}/").status_code == 404
    assert api.get(f"/api/v1/webhooks/{other.pk}/secret/").status_code == 404
    assert api.patch(f"/api/v1/webhooks/{other.pk}/", {"enabled": False}).status_code == 404


def test_another_organizations_delivery_is_not_found(api):
    other = WebhookDeliveryFactory()

    assert api.get(f"/api/v1/webhook-deliveries/{other.pk}/").status_code == 404
    assert api.post(f"/api/v1/webhook-deliveries/{other.pk}/replay/").status_code == 404


def test_patching_disables_an_endpoint(api, owner):
    endpoint = WebhookEndpointFactory(organization=owner.organization)

    response = api.patch(f"/api/v1/webhooks/{endpoint.pk}/", {"enabled": False}, format="json")

    assert response.status_code == 200
    assert response.json()["enabled"] is False


def test_deleting_removes_the_endpoint(api, owner):
    endpoint = WebhookEndpointFactory(organization=owner.organization)

    assert api.delete(f"/api/v1/webhooks/{endpoint.pk}/").status_code == 204
    assert not WebhookEndpoint.objects.filter(pk=endpoint.pk).exists()


def test_rotating_the_secret_keeps_the_old_one_signing_for_the_overlap(api, owner):
    endpoint = WebhookEndpointFactory(organization=owner.organization)

    response = api.post(
        f"/api/v1/webhooks/{endpoint.pk}/rotate-secret/", {"overlap_hours": 2}, format="json"
    )

    assert response.status_code == 200
    assert response.json()["rotating"] is True
    rotated = WebhookEndpoint.objects.get(pk=endpoint.pk)
    assert rotated.previous_secret == endpoint.secret
    assert rotated.secret != endpoint.secret


def test_sending_a_test_event_delivers_it_at_once(
    api, owner, webhook_receiver, django_capture_on_commit_callbacks
):
    endpoint = receiver_endpoint(webhook_receiver, owner.organization)

    with django_capture_on_commit_callbacks(execute=True):
        response = api.post(f"/api/v1/webhooks/{endpoint.pk}/test/")

    assert response.status_code == 202
    assert response.json()["event_type"] == "webhook.test"
    assert response.json()["message_id"].startswith("msg_test_")
    [received] = webhook_receiver.received
    assert received.verified
    assert received.payload["type"] == "webhook.test"
    assert WebhookDelivery.objects.get(pk=response.json()["id"]).event is None


def test_replay_failed_answers_how_many_were_replayed(api, owner):
    endpoint = WebhookEndpointFactory(organization=owner.organization)
    WebhookDeliveryFactory(endpoint=endpoint, status=WebhookDelivery.Status.FAILED, attempts=9)
    since = (timezone.now() - timedelta(days=1)).isoformat()

    response = api.post(
        f"/api/v1/webhooks/{endpoint.pk}/replay-failed/", {"since": since}, format="json"
    )

    assert response.status_code == 200
    assert response.json() == {"replayed": 1}


def test_deliveries_are_filtered_by_endpoint_and_status(api, owner):
    endpoint = WebhookEndpointFactory(organization=owner.organization)
    failed = WebhookDeliveryFactory(endpoint=endpoint, status=WebhookDelivery.Status.FAILED)
    WebhookDeliveryFactory(endpoint=endpoint, status=WebhookDelivery.Status.SUCCEEDED)
    WebhookDeliveryFactory(
        endpoint=WebhookEndpointFactory(organization=owner.organization),
        status=WebhookDelivery.Status.FAILED,
    )

    response = api.get(f"/api/v1/webhook-deliveries/?endpoint={endpoint.pk}&status=failed")

    assert [d["id"] for d in response.json()["results"]] == [failed.pk]


def test_a_delivery_shows_its_body_and_attempts_newest_first(api, owner):
    delivery = WebhookDeliveryFactory(
        endpoint=WebhookEndpointFactory(organization=owner.organization), body='{"a":1}'
    )
    first = WebhookAttemptFactory(delivery=delivery, status_code=500, succeeded=False)
    second = WebhookAttemptFactory(delivery=delivery)

    body = api.get(f"/api/v1/webhook-deliveries/{delivery.pk}/").json()

    assert body["body"] == '{"a":1}'
    assert [a["id"] for a in body["attempts_log"]] == [second.pk, first.pk]


def test_the_delivery_list_does_not_query_per_row(api, owner, django_assert_max_num_queries):
    endpoint = WebhookEndpointFactory(organization=owner.organization)
    WebhookDeliveryFactory.create_batch(20, endpoint=endpoint)

    with django_assert_max_num_queries(8):
        response = api.get("/api/v1/webhook-deliveries/")

    assert len(response.json()["results"]) == 20
