"""The two shapes the catalogue is written in: an event type and an object its payloads carry."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class EventType:
    name: str
    version: int
    description: str
    # key -> type expression; the JSON Schema is built from it (automation.catalog.schemas).
    payload: dict[str, str]
    # Who may receive it live (WebSocket), through webhooks and notifications.
    visible_to: str = "organization.view"


@dataclass(frozen=True)
class ObjectShape:
    description: str
    fields: dict[str, str]
    sample: dict
    # Open objects may carry more keys than listed (shapes owned by code still growing); the
    # listed ones are required either way.
    open: bool = False
