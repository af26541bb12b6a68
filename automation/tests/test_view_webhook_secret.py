from accounts.models import AuditEntry
from automation.tests.factories import WebhookEndpointFactory


def signed_in(client, member):
    client.force_login(member.user)
    return client


def test_reveal_shows_the_secret_and_records_who_looked(client, make_member):
    admin = make_member("admin")
    endpoint = WebhookEndpointFactory(organization=admin.organization)

    response = signed_in(client, admin).post(
        f"/settings/webhooks/{endpoint.pk}/secret/", HTTP_HX_REQUEST="true"
    )

    assert response.status_code == 200
    assert endpoint.secret in response.content.decode()
    assert "data-copy" in response.content.decode()
    assert AuditEntry.objects.filter(
        action="webhook_endpoint.secret_viewed", actor=admin.user
    ).exists()


def test_reveal_without_htmx_shows_the_page_with_the_secret(client, make_member):
    admin = make_member("admin")
    endpoint = WebhookEndpointFactory(organization=admin.organization)

    response = signed_in(client, admin).post(f"/settings/webhooks/{endpoint.pk}/secret/")

    assert endpoint.secret in response.content.decode()
    assert "Deliveries" in response.content.decode()


def test_the_secret_cannot_be_read_with_a_get(client, make_member):
    admin = make_member("admin")
    endpoint = WebhookEndpointFactory(organization=admin.organization)

    assert (
        signed_in(client, admin).get(f"/settings/webhooks/{endpoint.pk}/secret/").status_code == 405
    )
