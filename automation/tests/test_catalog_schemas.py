import pytest
from jsonschema import Draft202012Validator

from accounts.tests.factories import OrganizationFactory
from automation.catalog import (
    CATALOG,
    PayloadMismatch,
    payload_errors,
    payload_schema,
    sample_payload,
)
from automation.catalog.objects import OBJECTS
from automation.events import emit
from automation.models import Event


@pytest.mark.parametrize("name", sorted(CATALOG))
def test_every_payload_schema_is_a_valid_draft_2020_12_schema(name):
    Draft202012Validator.check_schema(payload_schema(name))


@pytest.mark.parametrize("name", sorted(CATALOG))
def test_every_sample_payload_matches_its_schema(name):
    assert payload_errors(name, sample_payload(name)) == []


@pytest.mark.parametrize("name", sorted(OBJECTS))
def test_every_object_sample_has_the_fields_it_describes(name):
    shape = OBJECTS[name]
    assert set(shape.fields) <= set(shape.sample)
    if not shape.open:
        assert set(shape.sample) == set(shape.fields)


def test_a_schema_names_its_event_and_version():
    schema = payload_schema("deal.won")

    assert schema["$schema"] == "https://json-schema.org/draft/2020-12/schema"
    assert schema["title"] == "deal.won (version 1)"
    assert schema["properties"]["deal"] == {"$ref": "#/$defs/deal"}


def test_a_payload_with_a_missing_key_is_reported():
    payload = sample_payload("deal.won")
    del payload["deal"]["stage_id"]

    assert payload_errors("deal.won", payload) == ["deal: 'stage_id' is a required property"]


def test_a_payload_with_an_unknown_key_is_reported():
    payload = {**sample_payload("contact.created"), "surprise": 1}

    assert len(payload_errors("contact.created", payload)) == 1


def test_tests_check_every_emitted_payload(settings):
    assert settings.AUTOMATION_VALIDATE_EVENT_PAYLOADS is True


def test_emit_refuses_a_payload_that_does_not_match_when_validation_is_on(db, settings):
    settings.AUTOMATION_VALIDATE_EVENT_PAYLOADS = True

    with pytest.raises(PayloadMismatch, match=r"organization\.updated"):
        emit(OrganizationFactory(), "organization.updated", {"changed": "name"})

    assert not Event.objects.exists()


def test_emit_stores_any_payload_when_validation_is_off(db, settings):
    settings.AUTOMATION_VALIDATE_EVENT_PAYLOADS = False

    event = emit(OrganizationFactory(), "organization.updated", {"changed": "name"})

    assert event.payload == {"changed": "name"}
