"""The builder's "Test (dry run)": the unsaved form against a sample or a past event, shown
as ✓/✗ per condition and "Would …" per action. Nothing is written."""

from __future__ import annotations

import json

import pytest

from automation.models import Event, Trigger
from automation.tests.factories import EventFactory, TriggerFactory
from crm.models import Contact

pytestmark = pytest.mark.django_db

URL = "/settings/automations/dry-run/"


def _form(**overrides) -> dict:
    data = {
        "name": "Try",
        "when": "event",
        "event_name": "message.received",
        "relative_params": "{}",
        "conditions": json.dumps(
            {"all": [{"field": "payload.text", "op": "contains", "value": "price"}]}
        ),
        "actions": json.dumps([{"type": "contact.add_tag", "params": {"tag": "hot"}}]),
        "dry_run_event": "sample",
    }
    data.update(overrides)
    return data


def test_a_past_event_is_tested_condition_by_condition(make_member, client):
    owner = make_member("owner")
    event = EventFactory(
        organization=owner.organization, name="message.received", payload={"text": "price?"}
    )
    client.force_login(owner.user)

    response = client.post(URL, _form(dry_run_event=str(event.pk)))

    html = response.content.decode()
    assert response.status_code == 200
    assert f"event #{event.pk}" in html
    assert "✓" in html
    assert "actual:" in html


def test_the_sample_event_is_used_when_asked(make_member, client):
    owner = make_member("owner")
    client.force_login(owner.user)

    html = client.post(URL, _form()).content.decode()

    assert "a sample event" in html
    assert "Nothing was changed." in html


def test_the_dry_run_of_an_invalid_form_lists_what_to_fix(make_member, client):
    owner = make_member("owner")
    client.force_login(owner.user)

    html = client.post(URL, _form(actions="[]")).content.decode()

    assert "Fix these before testing" in html
    assert "actions" in html


def test_a_dry_run_writes_nothing(make_member, client):
    owner = make_member("owner")
    client.force_login(owner.user)
    events_before = Event.objects.count()

    client.post(URL, _form())

    assert not Trigger.objects.exists()
    assert not Contact.objects.exists()
    assert Event.objects.count() == events_before


def test_a_saved_automation_can_be_tried_with_the_unsaved_changes(make_member, client):
    owner = make_member("owner")
    trigger = TriggerFactory(organization=owner.organization, name="Saved")
    client.force_login(owner.user)

    response = client.post(f"/settings/automations/{trigger.pk}/dry-run/", _form())

    assert response.status_code == 200
    assert "data-dry-run-result" in response.content.decode()
    trigger.refresh_from_db()
    assert trigger.event_name == "contact.created"


def test_the_event_picker_lists_past_events_of_the_chosen_type(make_member, client):
    owner = make_member("owner")
    event = EventFactory(organization=owner.organization, name="message.received")
    EventFactory(organization=owner.organization, name="contact.created")
    client.force_login(owner.user)

    html = client.get(URL, {"event_name": "message.received"}).content.decode()

    assert f'value="{event.pk}"' in html
    assert html.count("<option") == 2  # the sample and that one event


def test_another_organizations_event_is_never_used(make_member, client):
    owner = make_member("owner")
    foreign = EventFactory(name="message.received", payload={"text": "price"})
    client.force_login(owner.user)

    html = client.post(URL, _form(dry_run_event=str(foreign.pk))).content.decode()

    assert f"event #{foreign.pk}" not in html
    assert "a sample event" in html


def test_viewers_cannot_run_the_builders_dry_run(make_member, client):
    viewer = make_member("viewer")
    client.force_login(viewer.user)

    assert client.post(URL, _form()).status_code == 403


def test_errors_name_the_row_the_way_the_builder_numbers_it(make_member, client):
    owner = make_member("owner")
    client.force_login(owner.user)
    actions = [{"type": "contact.add_tag", "params": {"tag": "hot"}}, {"type": "nope"}]

    html = client.post(URL, _form(actions=json.dumps(actions))).content.decode()

    assert "Action 2:" in html
    assert 'id="trigger-dry-run-errors"' in html  # the builder marks the row from these
