from accounts.tests.factories import OrganizationFactory
from automation.tests.factories import (
    EventFactory,
    TriggerRunFactory,
    WebhookDeliveryFactory,
    WebhookEndpointFactory,
)


def signed_in(client, member):
    client.force_login(member.user)
    return client


def test_the_payload_is_shown_pretty_printed(client, make_member):
    admin = make_member("admin")
    event = EventFactory(
        organization=admin.organization, name="deal.won", payload={"deal": {"title": "Pilot"}}
    )

    body = signed_in(client, admin).get(f"/settings/events/{event.pk}/").content.decode()

    assert "{\n  &quot;deal&quot;: {\n    &quot;title&quot;: &quot;Pilot&quot;" in body


def test_the_runs_it_started_and_its_deliveries_are_listed(client, make_member):
    admin = make_member("admin")
    org = admin.organization
    event = EventFactory(organization=org, name="deal.won")
    TriggerRunFactory(trigger__organization=org, trigger__name="Celebrate", event=event)
    endpoint = WebhookEndpointFactory(organization=org, url="https://hooks.example.com/crm")
    WebhookDeliveryFactory(endpoint=endpoint, event=event, event_type="deal.won")

    body = signed_in(client, admin).get(f"/settings/events/{event.pk}/").content.decode()

    assert "Celebrate" in body
    assert "https://hooks.example.com/crm" in body


def test_an_event_of_another_organization_is_not_found(client, make_member):
    admin = make_member("admin")
    other = EventFactory(organization=OrganizationFactory(), name="deal.won")

    assert signed_in(client, admin).get(f"/settings/events/{other.pk}/").status_code == 404


def test_viewers_cannot_open_an_event(client, make_member):
    viewer = make_member("viewer")
    event = EventFactory(organization=viewer.organization, name="deal.won")

    assert signed_in(client, viewer).get(f"/settings/events/{event.pk}/").status_code == 403
