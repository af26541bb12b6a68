"""The form builder's schema: everything it offers, computed per organization."""

import json

from automation import registry
from automation.registry import FieldSpec, Subject, register_subject
from automation.tests.trigger_actions import recording_action
from automation.triggers.builder import builder_schema


def test_the_schema_is_json_and_has_the_documented_shape(make_member):
    member = make_member("admin")

    with recording_action():
        schema = builder_schema(member.organization)

    json.dumps(schema)
    assert set(schema) == {"events", "time_sources", "operators", "actions", "subjects"}
    event = next(e for e in schema["events"] if e["name"] == "deal.stage_changed")
    assert set(event) == {"name", "description", "fields"}
    paths = {field["path"] for field in event["fields"]}
    assert {"payload.from_stage_id", "payload.to_stage_id", "payload.via"} <= paths
    assert all(set(f) == {"path", "label", "type", "choices"} for f in event["fields"])
    assert {op["key"] for op in schema["operators"]} >= {"equals", "changed_to", "tag_present"}


def test_an_events_fields_include_its_subjects_fields_with_their_choices(make_member):
    member = make_member("admin")
    register_subject(
        Subject(
            key="test_thing",
            label="Thing",
            fields=(
                FieldSpec(
                    "test_thing.colour",
                    "Colour",
                    type="choice",
                    choices=lambda org: [("red", f"Red of {org.name}")],
                ),
            ),
            resolve=lambda org, ctx: None,
            events=frozenset({"deal.created"}),
        )
    )
    try:
        schema = builder_schema(member.organization)
    finally:
        registry._registry.subjects.pop("test_thing")

    fields = {e["name"]: e["fields"] for e in schema["events"]}
    colour = next(f for f in fields["deal.created"] if f["path"] == "test_thing.colour")
    assert colour["choices"] == [["red", f"Red of {member.organization.name}"]]
    assert all(f["path"] != "test_thing.colour" for f in fields["contact.created"])
    assert {"key": "test_thing", "label": "Thing"} in schema["subjects"]
