"""Creating, editing, switching and deleting triggers; the built-in ones."""

from datetime import UTC, datetime

import pytest

from accounts.errors import PermissionDenied, ValidationError
from automation.models import Event, Trigger
from automation.tests.trigger_actions import recording_action
from automation.triggers import services

DEFINITION = {
    "name": "Tag new contacts",
    "when": "event",
    "event_name": "contact.created",
    "conditions": {"all": [{"field": "payload.contact.source", "op": "equals", "value": "web"}]},
    "actions": [{"type": "test.record", "params": {"note": "new"}}],
}


@pytest.fixture
def action():
    with recording_action() as recorder:
        yield recorder


def test_a_manager_creates_a_trigger_that_acts_as_them(make_member, action):
    admin = make_member("admin")

    trigger = services.trigger_create(
        organization=admin.organization, actor=admin.user, data=DEFINITION
    )

    assert trigger.created_by == admin.user
    assert trigger.enabled
    assert trigger.actions == DEFINITION["actions"]
    event = Event.objects.get(name="trigger.created")
    assert event.payload["trigger"]["id"] == trigger.pk


@pytest.mark.parametrize("role", ["bidi", "viewer"])
def test_members_who_do_not_manage_cannot_create_triggers(make_member, action, role):
    member = make_member(role)

    with pytest.raises(PermissionDenied):
        services.trigger_create(
            organization=member.organization, actor=member.user, data=DEFINITION
        )


def test_an_invalid_definition_is_refused_with_its_field_errors(make_member, action):
    admin = make_member("admin")

    with pytest.raises(ValidationError) as caught:
        services.trigger_create(
            organization=admin.organization, actor=admin.user, data={**DEFINITION, "name": ""}
        )

    assert "name" in caught.value.fields
    assert not Trigger.objects.exists()


def test_an_update_changes_only_what_it_names_and_says_what_changed(make_member, action):
    admin = make_member("admin")
    trigger = services.trigger_create(
        organization=admin.organization, actor=admin.user, data=DEFINITION
    )

    services.trigger_update(trigger=trigger, actor=admin.user, data={"name": "Renamed"})

    trigger.refresh_from_db()
    assert trigger.name == "Renamed"
    assert trigger.event_name == "contact.created"
    event = Event.objects.get(name="trigger.updated")
    assert event.payload["changed"] == ["name"]


def test_disabling_then_enabling_a_trigger_emits_each_change(make_member, action):
    admin = make_member("admin")
    trigger = services.trigger_create(
        organization=admin.organization, actor=admin.user, data=DEFINITION
    )

    services.trigger_set_enabled(trigger=trigger, actor=admin.user, enabled=False)
    services.trigger_set_enabled(trigger=trigger, actor=admin.user, enabled=True)

    trigger.refresh_from_db()
    assert trigger.enabled
    assert Event.objects.filter(name="trigger.updated").count() == 2


def test_a_schedule_gets_its_next_run_in_the_organizations_time_zone(make_member, action):
    admin = make_member("admin")
    admin.organization.time_zone = "Europe/Berlin"
    admin.organization.save()

    trigger = services.trigger_create(
        organization=admin.organization,
        actor=admin.user,
        data={**DEFINITION, "when": "cron", "cron": "0 9 * * *"},
    )

    berlin_nine = trigger.next_run_at.astimezone(UTC)
    assert berlin_nine.hour in (7, 8)  # 09:00 in Berlin is 07:00 or 08:00 UTC
    assert berlin_nine > datetime.now(UTC)


def test_deleting_a_trigger_removes_it_and_emits_its_last_state(make_member, action):
    admin = make_member("admin")
    trigger = services.trigger_create(
        organization=admin.organization, actor=admin.user, data=DEFINITION
    )

    services.trigger_delete(trigger=trigger, actor=admin.user)

    assert not Trigger.objects.exists()
    assert (
        Event.objects.get(name="trigger.deleted").payload["trigger"]["name"] == DEFINITION["name"]
    )


def test_a_builtin_trigger_is_created_once_and_members_edits_win(make_member, action):
    admin = make_member("admin")
    organization = admin.organization
    first = services.trigger_builtin_ensure(
        organization=organization, key="transition.first_reply", data=DEFINITION
    )
    services.trigger_update(trigger=first, actor=admin.user, data={"name": "Ours now"})

    again = services.trigger_builtin_ensure(
        organization=organization, key="transition.first_reply", data=DEFINITION
    )

    assert again.pk == first.pk
    assert again.name == "Ours now"
    assert again.builtin == "transition.first_reply"
    assert again.created_by is None
