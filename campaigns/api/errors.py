"""Service field errors keyed by path ("steps.1.variants.0.body") in the nested shape DRF
gives nested serializers (only the items with errors, keyed by their index), so a client reads
the services' and DRF's own errors the same way: ``{"steps": {"1": {"variants": {"0":
{"body": ["…"]}}}}}``."""

from __future__ import annotations

from typing import Any

from accounts.errors import ValidationError

NON_FIELD = "non_field_errors"


def _insert(tree: dict[str, Any], parts: list[str], messages: list[str]) -> None:
    node = tree
    for part in parts[:-1]:
        child = node.setdefault(part, {})
        if isinstance(child, list):  # messages about the container itself
            child = node[part] = {NON_FIELD: child}
        node = child
    leaf = parts[-1]
    existing = node.get(leaf)
    if isinstance(existing, dict):
        existing.setdefault(NON_FIELD, []).extend(messages)
    else:
        node[leaf] = [*(existing or []), *messages]


def nested_fields(fields: dict[str, list[str]]) -> dict[str, Any]:
    tree: dict[str, Any] = {}
    for key, messages in fields.items():
        _insert(tree, str(key).split("."), [str(m) for m in messages])
    return tree


def nested_error(error: ValidationError) -> ValidationError:
    """The same error with its field errors nested (message and code unchanged)."""
    return ValidationError(error.message, fields=nested_fields(error.fields), code=error.code)
