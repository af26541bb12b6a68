from automation.models import WebhookEndpoint
from automation.tests.factories import WebhookEndpointFactory


def signed_in(client, member):
    client.force_login(member.user)
    return client


def test_deleting_asks_first(client, make_member):
    admin = make_member("admin")
    endpoint = WebhookEndpointFactory(organization=admin.organization)

    body = (
        signed_in(client, admin).get(f"/settings/webhooks/{endpoint.pk}/delete/").content.decode()
    )

    assert "Delete this endpoint?" in body
    assert WebhookEndpoint.objects.filter(pk=endpoint.pk).exists()


def test_deleting_removes_the_endpoint(client, make_member):
    admin = make_member("admin")
    endpoint = WebhookEndpointFactory(organization=admin.organization)

    response = signed_in(client, admin).post(f"/settings/webhooks/{endpoint.pk}/delete/")

    assert response.status_code == 302
    assert response["Location"] == "/settings/webhooks/"
    assert not WebhookEndpoint.objects.filter(pk=endpoint.pk).exists()
