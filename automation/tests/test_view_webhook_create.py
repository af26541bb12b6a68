from automation.models import WebhookEndpoint

URL = "/settings/webhooks/new/"


def signed_in(client, member):
    client.force_login(member.user)
    return client


def test_an_endpoint_is_added_for_the_chosen_events(client, make_member, webhook_receiver):
    admin = make_member("admin")

    response = signed_in(client, admin).post(
        URL,
        {
            "url": webhook_receiver.url,
            "description": "CRM sync",
            "event_types": ["deal.won", "deal.lost"],
            "enabled": "on",
        },
    )

    endpoint = WebhookEndpoint.objects.get(organization=admin.organization)
    assert response.status_code == 302
    assert response["Location"] == f"/settings/webhooks/{endpoint.pk}/"
    assert endpoint.event_types == ["deal.lost", "deal.won"]
    assert endpoint.description == "CRM sync"
    assert endpoint.enabled


def test_all_events_subscribes_to_everything(client, make_member, webhook_receiver):
    admin = make_member("admin")

    signed_in(client, admin).post(
        URL, {"url": webhook_receiver.url, "all_events": "on", "enabled": "on"}
    )

    assert WebhookEndpoint.objects.get(organization=admin.organization).event_types == ["*"]


def test_a_private_address_is_refused_next_to_the_url(client, make_member, settings):
    settings.WEBHOOK_ALLOW_PRIVATE_HOSTS = False
    settings.WEBHOOK_ALLOW_HTTP = True
    admin = make_member("admin")

    response = signed_in(client, admin).post(
        URL, {"url": "http://127.0.0.1:8000/hook", "all_events": "on"}
    )

    assert response.status_code == 200
    assert "private or loopback" in response.context["form"].errors["url"][0]
    assert not WebhookEndpoint.objects.exists()


def test_choosing_no_events_is_a_field_error(client, make_member, webhook_receiver):
    admin = make_member("admin")

    response = signed_in(client, admin).post(URL, {"url": webhook_receiver.url})

    assert response.context["form"].errors["event_types"]
    assert not WebhookEndpoint.objects.exists()


def test_the_form_groups_event_types_by_prefix(client, make_member):
    admin = make_member("admin")

    response = signed_in(client, admin).get(URL)

    groups = dict(response.context["groups"])
    assert "deal.won" in [name for name, _description in groups["Deal"]]
    assert 'id="event-type-deal.won"' in response.content.decode()
