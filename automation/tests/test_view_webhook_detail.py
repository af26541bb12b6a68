from accounts.tests.factories import OrganizationFactory
from automation.models import WebhookDelivery
from automation.tests.factories import WebhookDeliveryFactory, WebhookEndpointFactory


def signed_in(client, member):
    client.force_login(member.user)
    return client


def test_the_secret_stays_hidden_until_revealed(client, make_member):
    admin = make_member("admin")
    endpoint = WebhookEndpointFactory(organization=admin.organization)

    body = signed_in(client, admin).get(f"/settings/webhooks/{endpoint.pk}/").content.decode()

    assert endpoint.secret not in body
    assert "Reveal" in body
    assert "Rotate secret" in body
    assert "Send test event" in body


def test_deliveries_are_filtered_by_status(client, make_member):
    admin = make_member("admin")
    endpoint = WebhookEndpointFactory(organization=admin.organization)
    failed = WebhookDeliveryFactory(endpoint=endpoint, status=WebhookDelivery.Status.FAILED)
    WebhookDeliveryFactory(endpoint=endpoint, status=WebhookDelivery.Status.SUCCEEDED)

    response = signed_in(client, admin).get(
        f"/settings/webhooks/{endpoint.pk}/", {"status": "failed"}
    )

    assert [d.pk for d in response.context["deliveries"]] == [failed.pk]


def test_deliveries_are_filtered_by_event_type(client, make_member):
    admin = make_member("admin")
    endpoint = WebhookEndpointFactory(organization=admin.organization)
    won = WebhookDeliveryFactory(endpoint=endpoint, event_type="deal.won")
    WebhookDeliveryFactory(endpoint=endpoint, event_type="deal.lost")

    response = signed_in(client, admin).get(
        f"/settings/webhooks/{endpoint.pk}/", {"event_type": "deal.won"}
    )

    assert [d.pk for d in response.context["deliveries"]] == [won.pk]


def test_an_endpoint_of_another_organization_is_not_found(client, make_member):
    admin = make_member("admin")
    other = WebhookEndpointFactory(organization=OrganizationFactory())

    assert signed_in(client, admin).get(f"/settings/webhooks/{other.pk}/").status_code == 404
