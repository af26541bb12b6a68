from datetime import timedelta

from django.utils import timezone

from automation.models import WebhookDelivery
from automation.tests.factories import WebhookDeliveryFactory, WebhookEndpointFactory


def signed_in(client, member):
    client.force_login(member.user)
    return client


def test_failed_deliveries_since_the_time_are_sent_again(client, make_member):
    admin = make_member("admin")
    endpoint = WebhookEndpointFactory(organization=admin.organization, enabled=False)
    recent = WebhookDeliveryFactory(endpoint=endpoint, status=WebhookDelivery.Status.FAILED)
    old = WebhookDeliveryFactory(
        endpoint=endpoint,
        status=WebhookDelivery.Status.FAILED,
        created_at=timezone.now() - timedelta(days=3),
    )
    since = timezone.localtime(timezone.now() - timedelta(hours=1)).strftime("%Y-%m-%dT%H:%M")

    response = signed_in(client, admin).post(
        f"/settings/webhooks/{endpoint.pk}/replay-failed/", {"since": since}
    )

    recent.refresh_from_db()
    old.refresh_from_db()
    assert response.status_code == 302
    assert recent.status == WebhookDelivery.Status.PENDING
    assert old.status == WebhookDelivery.Status.FAILED


def test_a_time_in_the_future_is_a_field_error(client, make_member):
    admin = make_member("admin")
    endpoint = WebhookEndpointFactory(organization=admin.organization)
    later = timezone.localtime(timezone.now() + timedelta(days=1)).strftime("%Y-%m-%dT%H:%M")

    response = signed_in(client, admin).post(
        f"/settings/webhooks/{endpoint.pk}/replay-failed/", {"since": later}
    )

    assert response.status_code == 400
    assert response.context["replay_form"].errors["since"]
