"""Creating an automation with the form builder: the page posts the plain fields and the
builder's JSON; the service validates, and its errors land next to the field or row."""

from __future__ import annotations

import json

import pytest

from automation.models import Trigger

pytestmark = pytest.mark.django_db

URL = "/settings/automations/new/"


def _form(**overrides) -> dict:
    data = {
        "name": "Tag VIP replies",
        "description": "",
        "enabled": "on",
        "when": "event",
        "event_name": "message.received",
        "cron": "",
        "relative_kind": "",
        "relative_params": "{}",
        "conditions": json.dumps(
            {"all": [{"field": "contact.tags", "op": "tag_present", "value": "VIP"}]}
        ),
        "actions": json.dumps([{"type": "contact.add_tag", "params": {"tag": "hot"}}]),
    }
    data.update(overrides)
    return data


def test_the_builder_page_embeds_the_schema_it_builds_from(make_member, client):
    owner = make_member("owner")
    client.force_login(owner.user)

    html = client.get(URL).content.decode()

    assert 'id="trigger-builder-schema"' in html
    assert "contact.add_tag" in html
    assert "js/trigger_builder.js" in html


def test_a_valid_form_creates_the_automation_and_opens_it(make_member, client):
    owner = make_member("owner")
    client.force_login(owner.user)

    response = client.post(URL, _form())

    trigger = Trigger.objects.get(organization=owner.organization)
    assert response.status_code == 302
    assert response["Location"] == f"/settings/automations/{trigger.pk}/"
    assert trigger.event_name == "message.received"
    assert trigger.conditions["all"][0]["value"] == "VIP"
    assert trigger.actions == [{"type": "contact.add_tag", "params": {"tag": "hot"}}]
    assert trigger.created_by == owner.user


def test_a_missing_name_is_shown_on_the_name_field(make_member, client):
    owner = make_member("owner")
    client.force_login(owner.user)

    response = client.post(URL, _form(name=""))

    assert response.status_code == 400
    assert "Give the automation a name." in response.content.decode()
    assert not Trigger.objects.exists()


def test_a_bad_condition_row_is_handed_to_the_builder_by_its_path(make_member, client):
    owner = make_member("owner")
    client.force_login(owner.user)
    conditions = {
        "all": [
            {"field": "contact.tags", "op": "tag_present", "value": "VIP"},
            {"any": [{"field": "message.text", "op": "nope", "value": "x"}]},
        ]
    }

    response = client.post(URL, _form(conditions=json.dumps(conditions)))

    assert response.status_code == 400
    errors = response.context["builder_errors"]
    assert "conditions.1.0" in errors
    assert "trigger-builder-errors" in response.content.decode()


def test_a_bad_action_param_is_keyed_to_its_action(make_member, client):
    owner = make_member("owner")
    client.force_login(owner.user)
    actions = [{"type": "contact.add_tag", "params": {"tag": "hot"}}, {"type": "nope"}]

    response = client.post(URL, _form(actions=json.dumps(actions)))

    assert "actions.1.type" in response.context["builder_errors"]


def test_the_page_keeps_what_was_typed_after_an_error(make_member, client):
    owner = make_member("owner")
    client.force_login(owner.user)

    html = client.post(URL, _form(name="", description="Keep me")).content.decode()

    assert 'value="Keep me"' in html
    assert "tag_present" in html  # the builder's hidden conditions come back as posted


def test_unreadable_builder_json_is_refused_without_a_crash(make_member, client):
    owner = make_member("owner")
    client.force_login(owner.user)

    response = client.post(URL, _form(actions="{not json"))

    assert response.status_code == 400
    assert not Trigger.objects.exists()


def test_viewers_may_not_open_the_builder(make_member, client):
    viewer = make_member("viewer")
    client.force_login(viewer.user)

    assert client.get(URL).status_code == 403
    assert client.post(URL, _form()).status_code == 403
