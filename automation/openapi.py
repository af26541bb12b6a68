"""Publish the event catalogue in the API documentation (Swagger UI's description)."""

from __future__ import annotations

from typing import Any

from automation.catalog import CATALOG


def add_event_catalog(result: dict[str, Any], generator: Any, request: Any, public: bool) -> dict:
    """drf-spectacular post-processing hook: append a table of every event to the description.

    WebSocket clients and (later) webhook receivers get these as
    ``{"type": name, "id": …, "data": payload}``.
    """
    rows = [
        f"| `{event.name}` | {event.version} | `{event.visible_to}` | {event.description} | "
        + ", ".join(f"`{key}`" for key in event.payload)
        + " |"
        for event in sorted(CATALOG.values(), key=lambda e: e.name)
    ]
    table = "\n".join(
        [
            "\n\n## Events",
            'Delivered live over `/ws/` as `{"type": name, "id": …, "data": payload}`.',
            "",
            "| event | version | visible with | meaning | payload |",
            "| --- | --- | --- | --- | --- |",
            *rows,
        ]
    )
    result.setdefault("info", {})
    result["info"]["description"] = result["info"].get("description", "") + table
    return result
