from automation.models import WebhookDelivery
from tests.fakes.webhook_receiver import receiver_endpoint


def test_send_test_event_delivers_a_signed_test_message(
    client, make_member, webhook_receiver, django_capture_on_commit_callbacks
):
    admin = make_member("admin")
    endpoint = receiver_endpoint(webhook_receiver, admin.organization)
    client.force_login(admin.user)

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(f"/settings/webhooks/{endpoint.pk}/test/")

    delivery = WebhookDelivery.objects.get(endpoint=endpoint)
    assert response.status_code == 302
    assert response["Location"].endswith(f"#delivery-{delivery.pk}")
    [received] = webhook_receiver.received
    assert received.verified
    assert received.payload["type"] == "webhook.test"
