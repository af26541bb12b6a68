"""What the trigger form builder needs to offer, as JSON: events and their fields, time
sources, comparison operators, actions with their params, subjects. Choices (stages, tags,
members) are computed for the organization, so the builder never asks for ids by hand."""

from __future__ import annotations

from typing import Any

from accounts.models import Organization
from automation.catalog import CATALOG
from automation.registry import FieldSpec, Param, Subject, action_types, subjects, time_sources
from automation.triggers.conditions import OPERATORS

# How catalogue payload types map to field types; others (objects such as "deal", lists of
# objects) are offered through their subjects instead.
_PAYLOAD_TYPES = {
    "int": "number",
    "int|null": "number",
    "decimal": "number",
    "bool": "bool",
    "str": "text",
    "str|null": "text",
    "datetime": "datetime",
    "datetime|null": "datetime",
    "list[str]": "tags",
}


def _choices(choices: Any, organization: Organization) -> list[list[str]] | None:
    if choices is None:
        return None
    return [[str(value), str(label)] for value, label in choices(organization)]


def _field(spec: FieldSpec, organization: Organization) -> dict[str, Any]:
    return {
        "path": spec.path,
        "label": spec.label,
        "type": spec.type,
        "choices": _choices(spec.choices, organization),
    }


def _param(spec: Param, organization: Organization) -> dict[str, Any]:
    return {
        "name": spec.name,
        "label": spec.label,
        "kind": spec.kind,
        "required": spec.required,
        "help": spec.help,
        "default": spec.default,
        "choices": _choices(spec.choices, organization),
    }


def _payload_fields(event_name: str) -> list[dict[str, Any]]:
    event_type = CATALOG[event_name]
    return [
        {
            "path": f"payload.{key}",
            "label": f"Event data: {key.replace('_', ' ')}",
            "type": _PAYLOAD_TYPES[kind],
            "choices": None,
        }
        for key, kind in event_type.payload.items()
        if kind in _PAYLOAD_TYPES
    ]


def builder_schema(organization: Organization) -> dict[str, Any]:
    """``{"events", "time_sources", "operators", "actions", "subjects"}`` (interfaces.md)."""
    all_subjects = subjects()
    subject_fields: dict[str, list[dict[str, Any]]] = {
        key: [_field(spec, organization) for spec in subject.fields]
        for key, subject in all_subjects.items()
    }

    def fields_for_event(name: str) -> list[dict[str, Any]]:
        fields: list[dict[str, Any]] = []
        for key, subject in all_subjects.items():
            if _subject_has_event(subject, name):
                fields.extend(subject_fields[key])
        return fields + _payload_fields(name)

    return {
        "events": [
            {
                "name": name,
                "description": event_type.description,
                "fields": fields_for_event(name),
            }
            for name, event_type in sorted(CATALOG.items())
        ],
        "time_sources": [
            {
                "key": source.key,
                "label": source.label,
                "params": [_param(param, organization) for param in source.params],
                "fields": [
                    field for key in source.subjects for field in subject_fields.get(key, [])
                ],
            }
            for source in time_sources().values()
        ],
        "operators": [
            {
                "key": op.key,
                "label": op.label,
                "types": list(op.types),
                "takes_value": op.takes_value,
                "multi": op.multi,
            }
            for op in OPERATORS.values()
        ],
        "actions": [
            {
                "key": action.key,
                "label": action.label,
                "description": action.description,
                "needs": list(action.needs),
                "params": [_param(param, organization) for param in action.params],
            }
            for action in action_types().values()
        ],
        "subjects": [{"key": s.key, "label": s.label} for s in all_subjects.values()],
    }


def _subject_has_event(subject: Subject, name: str) -> bool:
    return subject.events is None or name in subject.events
