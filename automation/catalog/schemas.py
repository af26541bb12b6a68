"""JSON Schema (draft 2020-12) for event payloads, built from the catalogue's type expressions.

A payload schema is an object with every listed key required and no others; the objects it
carries are ``$defs`` referenced by name, so a receiver's code generator sees one ``contact``
type wherever a contact appears.
"""

from __future__ import annotations

import copy
import re
from typing import Any

from automation.catalog.objects import OBJECTS

DIALECT = "https://json-schema.org/draft/2020-12/schema"

_SCALARS: dict[str, dict[str, Any]] = {
    "int": {"type": "integer"},
    "str": {"type": "string"},
    "bool": {"type": "boolean"},
    "datetime": {"type": "string", "format": "date-time"},
    "date": {"type": "string", "format": "date"},
    "decimal": {"type": "string", "pattern": r"^-?\d+(\.\d+)?$"},
    "json": {"type": "object"},
}
_LIST = re.compile(r"list\[(?P<item>.+)\]")


def type_schema(expression: str, defs: dict[str, Any]) -> dict[str, Any]:
    """The schema of one type expression; the objects it names are added to ``defs``."""
    expression = expression.strip()
    if expression.endswith("|null"):
        inner = type_schema(expression.removesuffix("|null"), defs)
        if "type" in inner and isinstance(inner["type"], str):
            return {**inner, "type": [inner["type"], "null"]}
        return {"anyOf": [inner, {"type": "null"}]}
    if match := _LIST.fullmatch(expression):
        return {"type": "array", "items": type_schema(match["item"], defs)}
    if expression in _SCALARS:
        return dict(_SCALARS[expression])
    if expression in OBJECTS:
        if expression not in defs:
            defs[expression] = {}  # placeholder: objects may refer to each other
            defs[expression] = object_schema(expression, defs)
        return {"$ref": f"#/$defs/{expression}"}
    raise ValueError(f"Unknown type {expression!r} in the event catalogue")


def object_schema(name: str, defs: dict[str, Any]) -> dict[str, Any]:
    shape = OBJECTS[name]
    return {
        "type": "object",
        "description": shape.description,
        "properties": {key: type_schema(value, defs) for key, value in shape.fields.items()},
        "required": list(shape.fields),
        "additionalProperties": shape.open,
    }


def payload_schema_for(
    name: str, version: int, description: str, fields: dict[str, str]
) -> dict[str, Any]:
    defs: dict[str, Any] = {}
    properties = {key: type_schema(value, defs) for key, value in fields.items()}
    schema: dict[str, Any] = {
        "$schema": DIALECT,
        "$id": f"urn:bidi:event:{name}:v{version}",
        "title": f"{name} (version {version})",
        "description": description,
        "type": "object",
        "properties": properties,
        "required": list(fields),
        "additionalProperties": False,
    }
    if defs:
        schema["$defs"] = dict(sorted(defs.items()))
    return schema


_SAMPLE_VALUES: dict[str, Any] = {
    "changed": ["name"],
    "via": "api",
    "merged_id": 43,
    "from_role": "member",
    "to_role": "admin",
    "from_user": 5,
    "to_user": 6,
    "from_stage_id": 31,
    "to_stage_id": 32,
    "before_id": None,
    "after_id": 10,
    "lost_reason": "No budget this year",
    "from_status": "done",
    "reason": "member",
    "user": 5,
    "chat": 21,
    "message": 77,
    "last_read_message_id": 77,
    "unread": 0,
    "manual_unread": False,
    "edited": False,
    "auto": False,
}
_SCALAR_SAMPLES: dict[str, Any] = {
    "int": 1,
    "str": "example",
    "bool": False,
    "datetime": "2026-01-01T10:00:00+00:00",
    "date": "2026-01-01",
    "decimal": "100.00",
    "json": {},
}


def sample_value(key: str, expression: str) -> Any:
    """A plausible value for payload key ``key`` of type ``expression``."""
    expression = expression.strip()
    if key in _SAMPLE_VALUES and expression.removesuffix("|null") not in OBJECTS:
        return copy.deepcopy(_SAMPLE_VALUES[key])
    if expression.endswith("|null"):
        return sample_value(key, expression.removesuffix("|null"))
    if match := _LIST.fullmatch(expression):
        return [sample_value("", match["item"])]
    if expression in OBJECTS:
        return copy.deepcopy(OBJECTS[expression].sample)
    return copy.deepcopy(_SCALAR_SAMPLES[expression])
