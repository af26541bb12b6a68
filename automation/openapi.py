"""Publish the event catalogue and the Idempotency-Key rules in the API documentation."""

from __future__ import annotations

from typing import Any

from automation.catalog import CATALOG

EVENT_TYPES_PATH = "/api/v1/event-types/"

IDEMPOTENCY_SECTION = """

## Idempotency-Key
POST requests may carry an `Idempotency-Key` header (1 to 255 characters, e.g. a UUID) so a
client can retry safely after a timeout. The first request with a key is processed and its
answer (2xx, or 4xx other than 409 and 429) is remembered for 24 hours
(`IDEMPOTENCY_KEY_TTL_HOURS`). Sending the same key with the same method, path and body again
returns that answer unchanged, with the header `Idempotent-Replayed: true`, and creates
nothing. The same key with a different request is refused with 422; a retry that arrives
while the first request is still being processed gets 409 (retry shortly). A 5xx answer is not
remembered, so the retry runs for real. Keys are per credential: two API keys may use the same
key without seeing each other's answers.
"""


def add_event_catalog(result: dict[str, Any], generator: Any, request: Any, public: bool) -> dict:
    """drf-spectacular post-processing hook: append a table of every event (with links to their
    payload schemas) and the Idempotency-Key rules to the description, and the header to every
    POST operation.

    WebSocket clients and (later) webhook receivers get these as
    ``{"type": name, "id": …, "data": payload}``.
    """
    rows = [
        f"| `{event.name}` | {event.version} | `{event.visible_to}` | {event.description} | "
        + ", ".join(f"`{key}`" for key in event.payload)
        + f" | [schema]({EVENT_TYPES_PATH}{event.name}/) |"
        for event in sorted(CATALOG.values(), key=lambda e: e.name)
    ]
    table = "\n".join(
        [
            "\n\n## Events",
            'Delivered live over `/ws/` as `{"type": name, "id": …, "data": payload}` and to '
            "outgoing webhooks. Each payload has a JSON Schema (draft 2020-12) and a sample at "
            f"`GET {EVENT_TYPES_PATH}{{name}}/` (all of them: `GET {EVENT_TYPES_PATH}`); a "
            "changed payload shape gets a new version. Past events: `GET /api/v1/events/`.",
            "",
            "| event | version | visible with | meaning | payload | schema |",
            "| --- | --- | --- | --- | --- | --- |",
            *rows,
        ]
    )
    table += IDEMPOTENCY_SECTION
    result.setdefault("info", {})
    result["info"]["description"] = result["info"].get("description", "") + table
    _document_idempotency_key(result)
    return result


IDEMPOTENCY_KEY_PARAMETER = {
    "name": "Idempotency-Key",
    "in": "header",
    "required": False,
    "schema": {"type": "string", "minLength": 1, "maxLength": 255},
    "description": (
        "Retry safely: the same key with the same request returns the first answer "
        "(`Idempotent-Replayed: true`); with another request, 422. See the introduction."
    ),
}


def _document_idempotency_key(result: dict[str, Any]) -> None:
    """Every POST under /api/v1/ honours the header (automation.idempotency): say so on each."""
    for path, operations in result.get("paths", {}).items():
        post = operations.get("post") if path.startswith("/api/v1/") else None
        if post is not None:
            post.setdefault("parameters", []).append(dict(IDEMPOTENCY_KEY_PARAMETER))
