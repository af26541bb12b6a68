from accounts.tests.factories import OrganizationFactory
from automation.tests.factories import WebhookAttemptFactory, WebhookDeliveryFactory


def signed_in(client, member):
    client.force_login(member.user)
    return client


def test_the_delivery_shows_its_headers_body_and_every_attempt(client, make_member):
    admin = make_member("admin")
    delivery = WebhookDeliveryFactory(
        endpoint__organization=admin.organization,
        message_id="msg_42",
        body='{"type": "deal.won", "data": {"deal": {"title": "Pilot"}}}',
        attempts=2,
    )
    WebhookAttemptFactory(
        delivery=delivery, status_code=503, succeeded=False, response_snippet="Down for upkeep"
    )
    WebhookAttemptFactory(delivery=delivery, status_code=None, succeeded=False, error="Timed out")

    response = signed_in(client, admin).get(f"/settings/webhooks/deliveries/{delivery.pk}/")

    body = response.content.decode()
    assert "msg_42" in body
    assert "webhook-signature" in body
    assert "&quot;title&quot;: &quot;Pilot&quot;" in body
    assert "HTTP 503" in body and "Down for upkeep" in body
    assert "Timed out" in body
    assert body.index("Timed out") < body.index("Down for upkeep")  # newest first


def test_a_delivery_of_another_organization_is_not_found(client, make_member):
    admin = make_member("admin")
    other = WebhookDeliveryFactory(endpoint__organization=OrganizationFactory())

    response = signed_in(client, admin).get(f"/settings/webhooks/deliveries/{other.pk}/")

    assert response.status_code == 404
