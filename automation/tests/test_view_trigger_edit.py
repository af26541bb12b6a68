"""Editing an automation in the builder; viewers see it read-only."""

from __future__ import annotations

import json

import pytest

from automation.models import Trigger
from automation.tests.factories import TriggerFactory

pytestmark = pytest.mark.django_db


def _trigger(organization) -> Trigger:
    return TriggerFactory(
        organization=organization,
        name="Tag VIP replies",
        event_name="message.received",
        actions=[{"type": "contact.add_tag", "params": {"tag": "hot"}}],
    )


def _form(trigger: Trigger, **overrides) -> dict:
    data = {
        "name": trigger.name,
        "description": trigger.description,
        "enabled": "on",
        "when": trigger.when,
        "event_name": trigger.event_name,
        "cron": "",
        "relative_kind": "",
        "relative_params": "{}",
        "conditions": json.dumps(trigger.conditions),
        "actions": json.dumps(trigger.actions),
    }
    data.update(overrides)
    return data


def test_the_editor_shows_the_saved_definition(make_member, client):
    owner = make_member("owner")
    trigger = _trigger(owner.organization)
    client.force_login(owner.user)

    html = client.get(f"/settings/automations/{trigger.pk}/").content.decode()

    assert 'value="Tag VIP replies"' in html
    assert "contact.add_tag" in html
    assert "Save automation" in html


def test_saving_changes_the_automation(make_member, client):
    owner = make_member("owner")
    trigger = _trigger(owner.organization)
    client.force_login(owner.user)

    response = client.post(
        f"/settings/automations/{trigger.pk}/", _form(trigger, name="Tag hot leads")
    )

    trigger.refresh_from_db()
    assert response.status_code == 302
    assert trigger.name == "Tag hot leads"
    assert trigger.updated_by == owner.user


def test_switching_to_a_schedule_needs_a_valid_cron(make_member, client):
    owner = make_member("owner")
    trigger = _trigger(owner.organization)
    client.force_login(owner.user)

    response = client.post(
        f"/settings/automations/{trigger.pk}/", _form(trigger, when="cron", cron="every day")
    )

    assert response.status_code == 400
    assert response.context["form"].errors["cron"]
    trigger.refresh_from_db()
    assert trigger.when == "event"


def test_viewers_see_the_automation_read_only(make_member, client):
    viewer = make_member("viewer")
    trigger = _trigger(viewer.organization)
    client.force_login(viewer.user)

    response = client.get(f"/settings/automations/{trigger.pk}/")

    html = response.content.decode()
    assert response.status_code == 200
    assert 'data-readonly="true"' in html
    assert "Save automation" not in html
    assert "Test (dry run)" not in html


def test_viewers_cannot_save(make_member, client):
    viewer = make_member("viewer")
    trigger = _trigger(viewer.organization)
    client.force_login(viewer.user)

    response = client.post(f"/settings/automations/{trigger.pk}/", _form(trigger, name="Hacked"))

    trigger.refresh_from_db()
    assert response.status_code == 403
    assert trigger.name == "Tag VIP replies"


def test_another_organizations_automation_is_not_found(make_member, client):
    owner = make_member("owner")
    other = _trigger(make_member("owner").organization)
    client.force_login(owner.user)

    assert client.get(f"/settings/automations/{other.pk}/").status_code == 404
