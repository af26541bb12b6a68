from automation.tests.factories import WebhookEndpointFactory


def signed_in(client, member):
    client.force_login(member.user)
    return client


def test_rotating_asks_first_and_explains_the_overlap(client, make_member):
    admin = make_member("admin")
    endpoint = WebhookEndpointFactory(organization=admin.organization)

    body = (
        signed_in(client, admin).get(f"/settings/webhooks/{endpoint.pk}/rotate/").content.decode()
    )

    assert "Rotate the signing secret?" in body
    assert "two signatures" in body


def test_rotating_keeps_the_old_secret_signing_for_the_overlap(client, make_member):
    admin = make_member("admin")
    endpoint = WebhookEndpointFactory(organization=admin.organization)
    old = endpoint.secret

    response = signed_in(client, admin).post(
        f"/settings/webhooks/{endpoint.pk}/rotate/", {"overlap_hours": "24"}
    )

    endpoint.refresh_from_db()
    assert response.status_code == 302
    assert endpoint.secret != old
    assert endpoint.previous_secret == old
    assert endpoint.previous_secret_expires_at is not None


def test_rotating_without_overlap_stops_the_old_secret_at_once(client, make_member):
    admin = make_member("admin")
    endpoint = WebhookEndpointFactory(organization=admin.organization)

    signed_in(client, admin).post(
        f"/settings/webhooks/{endpoint.pk}/rotate/", {"overlap_hours": "0"}
    )

    endpoint.refresh_from_db()
    assert endpoint.previous_secret == ""
