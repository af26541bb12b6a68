from django.utils import timezone

from tests.fakes.webhook_receiver import receiver_endpoint


def signed_in(client, member):
    client.force_login(member.user)
    return client


def test_editing_changes_the_description_and_events(client, make_member, webhook_receiver):
    admin = make_member("admin")
    endpoint = receiver_endpoint(webhook_receiver, admin.organization, event_types=["*"])

    response = signed_in(client, admin).post(
        f"/settings/webhooks/{endpoint.pk}/edit/",
        {
            "url": webhook_receiver.url,
            "description": "Billing",
            "event_types": ["payment.received"],
            "enabled": "on",
        },
    )

    endpoint.refresh_from_db()
    assert response.status_code == 302
    assert (endpoint.description, endpoint.event_types) == ("Billing", ["payment.received"])


def test_the_form_starts_from_the_endpoint(client, make_member, webhook_receiver):
    admin = make_member("admin")
    endpoint = receiver_endpoint(
        webhook_receiver, admin.organization, event_types=["deal.won"], description="CRM"
    )

    response = signed_in(client, admin).get(f"/settings/webhooks/{endpoint.pk}/edit/")

    assert response.context["form"].initial["event_types"] == ["deal.won"]
    assert response.context["form"].initial["all_events"] is False


def test_enabling_a_disabled_endpoint_clears_why_it_was_disabled(
    client, make_member, webhook_receiver
):
    admin = make_member("admin")
    endpoint = receiver_endpoint(
        webhook_receiver,
        admin.organization,
        enabled=False,
        disabled_at=timezone.now(),
        disabled_reason="Failing for 5 days.",
    )

    signed_in(client, admin).post(
        f"/settings/webhooks/{endpoint.pk}/edit/",
        {"url": webhook_receiver.url, "all_events": "on", "enabled": "on"},
    )

    endpoint.refresh_from_db()
    assert endpoint.enabled
    assert endpoint.disabled_reason == ""
