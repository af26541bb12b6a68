"""What a trigger run sees: the event, its payload and the records it is about (subjects).

Conditions read fields from this context, actions act on its subjects, and text params render
``{{ contact.first_name }}`` placeholders from it. Subjects come from the registry
(``automation.registry.subjects()``), so the engine knows no domain model.
"""

from __future__ import annotations

import re
from datetime import datetime
from typing import Any

from accounts.models import Organization
from automation.registry import subjects
from automation.triggers.conditions import field_lookup

PLACEHOLDER = re.compile(r"\{\{\s*([A-Za-z_][A-Za-z0-9_]*(?:\.[A-Za-z0-9_\-]+)*)\s*\}\}")


def context_build(
    organization: Organization,
    *,
    event_name: str,
    payload: dict[str, Any],
    event_id: int | None = None,
    actor_id: int | None = None,
    created_at: datetime | None = None,
) -> dict[str, Any]:
    """``{"event": {...}, "payload": {...}, "<subject key>": {...}, ...}``.

    Subjects resolve in registry order, each seeing the context built so far; a subject whose
    ``resolve`` returns None (the event is not about one, or it was deleted) is absent.
    """
    context: dict[str, Any] = {
        "event": {
            "id": event_id,
            "name": event_name,
            "actor_id": actor_id,
            "created_at": created_at.isoformat() if created_at else None,
        },
        "payload": payload or {},
    }
    for key, subject in subjects().items():
        resolved = subject.resolve(organization, context)
        if resolved is not None:
            context[key] = resolved
    return context


def _as_text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, list | tuple):
        return ", ".join(
            _as_text(item.get("name", item) if isinstance(item, dict) else item) for item in value
        )
    if isinstance(value, bool):
        return "yes" if value else "no"
    return str(value)


def render_text(text: str, context: dict[str, Any]) -> str:
    """Replace ``{{ subject.field }}`` placeholders with values from the context; a missing
    value renders as "" (a message must not show a raw placeholder to a contact)."""
    if not text or "{{" not in text:
        return text or ""
    return PLACEHOLDER.sub(lambda match: _as_text(field_lookup(context, match.group(1))), text)
