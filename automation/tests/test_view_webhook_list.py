from django.utils import timezone

from accounts.tests.factories import OrganizationFactory
from automation.models import WebhookDelivery
from automation.tests.factories import WebhookDeliveryFactory, WebhookEndpointFactory

URL = "/settings/webhooks/"


def signed_in(client, member):
    client.force_login(member.user)
    return client


def test_endpoints_are_listed_with_their_events_state_and_last_day(client, make_member):
    admin = make_member("admin")
    endpoint = WebhookEndpointFactory(
        organization=admin.organization,
        url="https://hooks.example.com/crm",
        event_types=["deal.won", "deal.lost"],
    )
    WebhookDeliveryFactory(endpoint=endpoint)
    WebhookDeliveryFactory(endpoint=endpoint, status=WebhookDelivery.Status.FAILED)

    body = signed_in(client, admin).get(URL).content.decode()

    assert "https://hooks.example.com/crm" in body
    assert "2 events" in body
    assert "2 deliveries in 24 h" in body
    assert "1 failed" in body
    assert "Enabled" in body


def test_a_disabled_endpoint_shows_why(client, make_member):
    admin = make_member("admin")
    WebhookEndpointFactory(
        organization=admin.organization,
        enabled=False,
        disabled_at=timezone.now(),
        disabled_reason="Failing for 5 days.",
    )

    body = signed_in(client, admin).get(URL).content.decode()

    assert "Disabled" in body
    assert "Failing for 5 days." in body


def test_endpoints_of_other_organizations_are_not_listed(client, make_member):
    admin = make_member("admin")
    WebhookEndpointFactory(organization=OrganizationFactory(), url="https://other.example.com/x")

    body = signed_in(client, admin).get(URL).content.decode()

    assert "other.example.com" not in body
    assert "No webhook endpoints yet" in body


def test_business_developers_cannot_manage_webhooks(client, make_member):
    member = make_member("bidi")

    assert signed_in(client, member).get(URL).status_code == 403
