from automation.models import WebhookDelivery
from automation.tests.factories import WebhookDeliveryFactory


def test_replay_queues_a_failed_delivery_again(client, make_member):
    admin = make_member("admin")
    delivery = WebhookDeliveryFactory(
        endpoint__organization=admin.organization, status=WebhookDelivery.Status.FAILED
    )
    client.force_login(admin.user)

    response = client.post(f"/settings/webhooks/deliveries/{delivery.pk}/replay/")

    delivery.refresh_from_db()
    assert response.status_code == 302
    assert delivery.status == WebhookDelivery.Status.PENDING


def test_viewers_cannot_replay(client, make_member):
    viewer = make_member("viewer")
    delivery = WebhookDeliveryFactory(
        endpoint__organization=viewer.organization, status=WebhookDelivery.Status.FAILED
    )
    client.force_login(viewer.user)

    assert client.post(f"/settings/webhooks/deliveries/{delivery.pk}/replay/").status_code == 403
