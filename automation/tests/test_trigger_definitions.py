"""Saving a trigger checks the whole definition and keys each problem to its form row."""

import pytest

from accounts.errors import ValidationError
from accounts.tests.factories import OrganizationFactory
from automation.tests.trigger_actions import recording_action
from automation.triggers.definitions import trigger_definition_clean


@pytest.fixture
def action():
    with recording_action() as recorder:
        yield recorder


def _errors(organization, data):
    with pytest.raises(ValidationError) as caught:
        trigger_definition_clean(organization, data)
    return caught.value.fields


def test_every_problem_of_a_definition_is_reported_at_once(db, action):
    fields = _errors(
        OrganizationFactory(),
        {
            "name": "",
            "when": "event",
            "event_name": "deal.teleported",
            "conditions": {"all": [{"field": "deal.id", "op": "nope", "value": 1}]},
            "actions": [{"type": "test.record"}, {"type": "unknown.action", "params": {}}],
        },
    )

    assert set(fields) == {"name", "event_name", "conditions.0", "actions.1.type"}


def test_a_trigger_needs_at_least_one_action(db):
    fields = _errors(OrganizationFactory(), {"name": "x", "event_name": "contact.created"})

    assert "actions" in fields


def test_at_most_twenty_actions(db, action):
    fields = _errors(
        OrganizationFactory(),
        {"name": "x", "event_name": "contact.created", "actions": [{"type": "test.record"}] * 21},
    )

    assert "actions" in fields


def test_a_schedule_needs_five_cron_fields(db, action):
    fields = _errors(
        OrganizationFactory(),
        {"name": "x", "when": "cron", "cron": "every monday", "actions": [{"type": "test.record"}]},
    )

    assert list(fields) == ["cron"]


def test_a_valid_schedule_is_kept_and_the_event_fields_are_blanked(db, action):
    cleaned = trigger_definition_clean(
        OrganizationFactory(),
        {
            "name": "  Weekly   digest ",
            "when": "cron",
            "cron": "0  9 * * 1",
            "event_name": "contact.created",
            "actions": [{"type": "test.record", "params": {"note": "hi", "junk": 1}}],
        },
    )

    assert cleaned["name"] == "Weekly digest"
    assert cleaned["cron"] == "0 9 * * 1"
    assert cleaned["event_name"] == ""
    assert cleaned["conditions"] == {"all": []}
    assert cleaned["actions"] == [{"type": "test.record", "params": {"note": "hi"}}]


def test_a_relative_trigger_needs_a_known_time_source(db, action):
    fields = _errors(
        OrganizationFactory(),
        {
            "name": "x",
            "when": "relative",
            "relative_kind": "moon.phase",
            "actions": [{"type": "test.record"}],
        },
    )

    assert list(fields) == ["relative_kind"]


def test_a_required_action_param_is_reported_under_the_action(db):
    from automation import registry
    from automation.registry import ActionType, Param, register_action

    register_action(
        ActionType(
            key="test.needs_stage",
            label="Needs a stage",
            needs=(),
            params=(Param("stage", "Stage", kind="int"),),
            run=lambda ctx, params: "",
            preview=lambda ctx, params: "",
        )
    )
    try:
        fields = _errors(
            OrganizationFactory(),
            {
                "name": "x",
                "event_name": "contact.created",
                "actions": [{"type": "test.needs_stage", "params": {}}],
            },
        )
    finally:
        registry._registry.actions.pop("test.needs_stage")

    assert fields == {"actions.0.stage": ["Required."]}
