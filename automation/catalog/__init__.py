"""Every event the product emits, with its payload version, meaning and JSON Schema.

``emit`` refuses names that are not here, so this package is the complete, published list:
``entries.py`` holds the events, ``objects.py`` the objects their payloads carry (contact,
deal, message…) and ``schemas.py`` turns both into JSON Schema (draft 2020-12). Other modules
import ``CATALOG`` (and ``payload_schema``/``sample_payload``) from ``automation.catalog``.
"""

from __future__ import annotations

import copy
from functools import cache
from typing import Any

from jsonschema import Draft202012Validator, FormatChecker

from automation.catalog.entries import EVENT_TYPES, EventType
from automation.catalog.schemas import payload_schema_for, sample_value

__all__ = [
    "CATALOG",
    "EventType",
    "PayloadMismatch",
    "payload_errors",
    "payload_schema",
    "sample_payload",
]

CATALOG: dict[str, EventType] = {e.name: e for e in EVENT_TYPES}


class PayloadMismatch(ValueError):
    """An emitted payload does not match its catalogue schema (raised only when
    ``AUTOMATION_VALIDATE_EVENT_PAYLOADS`` is on: tests and development)."""


@cache
def _schema(name: str) -> dict[str, Any]:
    event = CATALOG[name]
    return payload_schema_for(event.name, event.version, event.description, event.payload)


def payload_schema(name: str) -> dict[str, Any]:
    """The JSON Schema (draft 2020-12) of the payload of ``name``'s current version.

    Raises ``KeyError`` for a name missing from the catalogue. Callers get their own copy.
    """
    return copy.deepcopy(_schema(name))


def sample_payload(name: str) -> dict[str, Any]:
    """A realistic payload of ``name``, valid against its schema (dry runs without a past
    event, the catalogue page, documentation)."""
    return {key: sample_value(key, expression) for key, expression in CATALOG[name].payload.items()}


@cache
def _validator(name: str) -> Draft202012Validator:
    return Draft202012Validator(_schema(name), format_checker=FormatChecker())


def payload_errors(name: str, payload: Any) -> list[str]:
    """What is wrong with ``payload`` for event ``name`` (empty when it matches), one line each
    as ``<path>: <message>``."""
    errors = sorted(_validator(name).iter_errors(payload), key=lambda e: list(e.absolute_path))
    return [
        f"{'.'.join(str(p) for p in error.absolute_path) or '(payload)'}: {error.message}"
        for error in errors
    ]
