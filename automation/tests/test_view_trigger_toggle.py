"""The list's on/off switch: htmx swaps the row in place, no reload."""

from __future__ import annotations

import pytest

from automation.tests.factories import TriggerFactory

pytestmark = pytest.mark.django_db


def _trigger(organization, **fields):
    return TriggerFactory(
        organization=organization,
        event_name="message.received",
        actions=[{"type": "contact.add_tag", "params": {"tag": "hot"}}],
        **fields,
    )


def test_switching_off_returns_the_row_for_htmx(make_member, client):
    owner = make_member("owner")
    trigger = _trigger(owner.organization, name="Tag VIPs")
    client.force_login(owner.user)

    response = client.post(
        f"/settings/automations/{trigger.pk}/toggle/", {}, headers={"HX-Request": "true"}
    )

    trigger.refresh_from_db()
    html = response.content.decode()
    assert response.status_code == 200
    assert not trigger.enabled
    assert f'id="trigger-{trigger.pk}"' in html
    assert "<html" not in html


def test_switching_on_enables_it_again(make_member, client):
    owner = make_member("owner")
    trigger = _trigger(owner.organization, enabled=False)
    client.force_login(owner.user)

    client.post(
        f"/settings/automations/{trigger.pk}/toggle/",
        {"enabled": "1"},
        headers={"HX-Request": "true"},
    )

    trigger.refresh_from_db()
    assert trigger.enabled


def test_without_htmx_the_toggle_comes_back_to_the_list(make_member, client):
    owner = make_member("owner")
    trigger = _trigger(owner.organization)
    client.force_login(owner.user)

    response = client.post(f"/settings/automations/{trigger.pk}/toggle/", {"enabled": "0"})

    assert response.status_code == 302
    assert response["Location"] == "/settings/automations/"


def test_viewers_cannot_switch_automations(make_member, client):
    viewer = make_member("viewer")
    trigger = _trigger(viewer.organization)
    client.force_login(viewer.user)

    response = client.post(f"/settings/automations/{trigger.pk}/toggle/", {"enabled": "0"})

    trigger.refresh_from_db()
    assert response.status_code == 403
    assert trigger.enabled


def test_an_automation_that_no_longer_validates_stays_off_and_says_why(make_member, client):
    owner = make_member("owner")
    trigger = TriggerFactory(
        organization=owner.organization,
        event_name="message.received",
        actions=[{"type": "gone.action", "params": {}}],
        enabled=False,
    )
    client.force_login(owner.user)

    response = client.post(
        f"/settings/automations/{trigger.pk}/toggle/",
        {"enabled": "1"},
        headers={"HX-Request": "true"},
    )

    trigger.refresh_from_db()
    assert not trigger.enabled
    assert "Fix it" in response.content.decode()
