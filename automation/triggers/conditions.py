"""Trigger conditions: a tree of AND/OR groups over leaves ``{"field", "op", "value"}``.

Conditions are data (stored on the trigger, edited by a form builder), so this module both
checks a tree when it is saved (``conditions_clean``, with errors keyed by the node's index
path so the builder shows them next to the row) and evaluates it against a run's context
(``conditions_evaluate``, recording every leaf's outcome for the run log and the dry run).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal, InvalidOperation
from typing import Any

from accounts.errors import ValidationError

MAX_DEPTH = 3
MAX_LEAVES = 50
FIELD_PATH = re.compile(r"^[a-z_][a-z0-9_]*(\.[A-Za-z0-9_\-]+)+$")
_MISSING = object()


@dataclass(frozen=True)
class Operator:
    key: str
    label: str
    # Field types the form builder offers it for.
    types: tuple[str, ...]
    test: Callable[[Any, Any, dict[str, Any]], bool]
    takes_value: bool = True
    multi: bool = False  # the value is a list


def _text(value: Any) -> str:
    return str(value).strip().casefold()


def _number(value: Any) -> Decimal | None:
    if isinstance(value, bool) or value is None:
        return None
    try:
        return Decimal(str(value).strip())
    except (InvalidOperation, ValueError):
        return None


def _same(actual: Any, expected: Any) -> bool:
    """Equality as a person means it: 5 == "5", "ACME" == "acme", True == "true"."""
    if actual is None or expected is None:
        return actual is None and expected is None
    if isinstance(actual, bool) or isinstance(expected, bool):
        left_flag, right_flag = _flag(actual), _flag(expected)
        return left_flag is not None and left_flag == right_flag
    left, right = _number(actual), _number(expected)
    if left is not None and right is not None:
        return left == right
    return _text(actual) == _text(expected)


def _flag(value: Any) -> bool | None:
    if isinstance(value, bool):
        return value
    text = _text(value)
    if text in ("true", "1", "yes"):
        return True
    if text in ("false", "0", "no"):
        return False
    return None


def _tag_names(actual: Any) -> list[str]:
    if not isinstance(actual, list | tuple):
        return [] if actual in (None, "") else [_text(actual)]
    names = []
    for item in actual:
        if isinstance(item, dict):
            item = item.get("name", "")
        names.append(_text(item))
    return names


def _equals(actual: Any, expected: Any, _leaf: dict) -> bool:
    return _same(actual, expected)


def _contains(actual: Any, expected: Any, _leaf: dict) -> bool:
    if isinstance(actual, list | tuple):
        return any(_same(item, expected) for item in actual)
    if actual is None:
        return False
    return _text(expected) in _text(actual)


def _in(actual: Any, expected: Any, _leaf: dict) -> bool:
    if isinstance(expected, str):
        expected = [part.strip() for part in expected.split(",") if part.strip()]
    options = expected if isinstance(expected, list | tuple) else [expected]
    if isinstance(actual, list | tuple):
        return any(_same(item, option) for item in actual for option in options)
    return any(_same(actual, option) for option in options)


def _compare(sign: str) -> Callable[[Any, Any, dict], bool]:
    def test(actual: Any, expected: Any, _leaf: dict) -> bool:
        left, right = _number(actual), _number(expected)
        if left is None or right is None:
            left, right = _moment(actual), _moment(expected)
            if left is None or right is None:
                return False
        return {
            "gt": left > right,
            "gte": left >= right,
            "lt": left < right,
            "lte": left <= right,
        }[sign]

    return test


def _moment(value: Any) -> datetime | None:
    if isinstance(value, datetime):
        return value
    try:
        return datetime.fromisoformat(str(value))
    except (TypeError, ValueError):
        return None


def _empty(actual: Any) -> bool:
    return actual is None or actual == "" or actual == [] or actual == {}


def _changed_to(actual: Any, expected: Any, leaf: dict) -> bool:
    return _same(actual, expected) and bool(leaf.get("_changed"))


OPERATORS: dict[str, Operator] = {
    op.key: op
    for op in [
        Operator("equals", "is", ("text", "number", "choice", "bool", "datetime"), _equals),
        Operator(
            "not_equals",
            "is not",
            ("text", "number", "choice", "bool", "datetime"),
            lambda a, e, leaf: not _same(a, e),
        ),
        Operator("contains", "contains", ("text", "tags"), _contains),
        Operator(
            "not_contains",
            "does not contain",
            ("text", "tags"),
            lambda a, e, leaf: not _contains(a, e, leaf),
        ),
        Operator("in", "is one of", ("text", "number", "choice"), _in, multi=True),
        Operator(
            "not_in",
            "is none of",
            ("text", "number", "choice"),
            lambda a, e, leaf: not _in(a, e, leaf),
            multi=True,
        ),
        Operator("gt", "is greater than", ("number", "datetime"), _compare("gt")),
        Operator("gte", "is at least", ("number", "datetime"), _compare("gte")),
        Operator("lt", "is less than", ("number", "datetime"), _compare("lt")),
        Operator("lte", "is at most", ("number", "datetime"), _compare("lte")),
        Operator("changed_to", "changed to", ("text", "number", "choice", "bool"), _changed_to),
        Operator(
            "tag_present",
            "has the tag",
            ("tags",),
            lambda a, e, leaf: _text(e) in _tag_names(a),
        ),
        Operator(
            "tag_absent",
            "does not have the tag",
            ("tags",),
            lambda a, e, leaf: _text(e) not in _tag_names(a),
        ),
        Operator(
            "is_empty",
            "is empty",
            ("text", "number", "choice", "tags", "datetime"),
            lambda a, e, leaf: _empty(a),
            takes_value=False,
        ),
        Operator(
            "is_not_empty",
            "is not empty",
            ("text", "number", "choice", "tags", "datetime"),
            lambda a, e, leaf: not _empty(a),
            takes_value=False,
        ),
    ]
}


def _group_items(node: dict) -> tuple[str, list] | None:
    """("all" | "any", children) for a group node, None for anything else."""
    if not isinstance(node, dict):
        return None
    keys = set(node) - {"field", "op", "value"}
    if len(node) == 1 and keys <= {"all", "any"} and keys:
        kind = next(iter(keys))
        children = node[kind]
        return (kind, children) if isinstance(children, list) else None
    return None


def conditions_clean(conditions: Any) -> dict[str, Any]:
    """The tree, normalised (``{}`` → ``{"all": []}``); ``ValidationError`` with keys
    "conditions" (the tree) and "conditions.<i>[.<j>…]" (a node by its index path)."""
    if conditions in (None, {}, []):
        return {"all": []}
    root = _group_items(conditions)
    if root is None:
        message = 'Conditions are a group: {"all": [...]} or {"any": [...]}.'
        raise ValidationError(message, fields={"conditions": [message]})
    errors: dict[str, list[str]] = {}
    leaves = 0

    def clean_group(kind: str, children: list, path: str, depth: int) -> dict[str, Any]:
        nonlocal leaves
        cleaned = []
        for index, child in enumerate(children):
            child_path = f"{path}.{index}"
            group = _group_items(child)
            if group is not None:
                if depth >= MAX_DEPTH:
                    errors[child_path] = [f"Groups nest at most {MAX_DEPTH} levels deep."]
                    continue
                cleaned.append(clean_group(*group, child_path, depth + 1))
                continue
            leaves += 1
            leaf = _leaf_clean(child, child_path, errors)
            if leaf is not None:
                cleaned.append(leaf)
        return {kind: cleaned}

    tree = clean_group(*root, "conditions", 1)
    if leaves > MAX_LEAVES:
        errors.setdefault("conditions", []).append(
            f"Use at most {MAX_LEAVES} conditions (this has {leaves})."
        )
    if errors:
        raise ValidationError("Some conditions need fixing.", fields=errors)
    return tree


def _leaf_clean(node: Any, path: str, errors: dict[str, list[str]]) -> dict[str, Any] | None:
    if not isinstance(node, dict) or "op" not in node or "field" not in node:
        errors[path] = ['A condition is {"field", "op", "value"}, or a group of conditions.']
        return None
    field = str(node.get("field") or "").strip()
    op = OPERATORS.get(str(node.get("op") or ""))
    problems = []
    if not FIELD_PATH.match(field):
        problems.append("Pick a field.")
    if op is None:
        problems.append("Pick a comparison.")
    value = node.get("value")
    if op is not None and op.takes_value:
        if op.multi:
            if isinstance(value, str):
                value = [part.strip() for part in value.split(",") if part.strip()]
            if not isinstance(value, list) or not value:
                problems.append("Give one or more values.")
        elif value is None or (isinstance(value, str) and not value.strip()):
            if op.key not in ("equals", "not_equals", "changed_to"):
                problems.append("Give a value.")
        elif isinstance(value, dict | list):
            problems.append("Give a single value.")
        ordered = op.key in ("gt", "gte", "lt", "lte") and value not in (None, "")
        if ordered and _number(value) is None and _moment(value) is None:
            problems.append("Give a number or a date.")
    if problems:
        errors[path] = problems
        return None
    leaf: dict[str, Any] = {"field": field, "op": op.key}
    if op.takes_value:
        leaf["value"] = value
    return leaf


def field_lookup(context: dict[str, Any], path: str) -> Any:
    """The value at "subject.field[.key…]" in the context; ``None`` when absent."""
    current: Any = context
    for part in path.split("."):
        if isinstance(current, dict):
            current = current.get(part, _MISSING)
        elif isinstance(current, list) and part.isdigit() and int(part) < len(current):
            current = current[int(part)]
        else:
            current = _MISSING
        if current is _MISSING:
            return None
    return current


def _field_changed(context: dict[str, Any], path: str) -> bool:
    head, _, rest = path.partition(".")
    owner = context.get(head)
    name = rest.split(".")[0]
    if isinstance(owner, dict) and name in (owner.get("_changed") or []):
        return True
    # Events such as deal.updated also list what changed in the payload ("changed").
    payload = context.get("payload") or {}
    changed = payload.get("changed") if isinstance(payload, dict) else None
    if head == "payload":
        return False
    return isinstance(changed, list) and name in changed and head in payload


def conditions_evaluate(
    conditions: dict[str, Any], context: dict[str, Any]
) -> tuple[bool, list[dict[str, Any]]]:
    """Whether the tree passes, and every leaf's outcome in order:
    ``[{"path": "0.1", "field", "op", "value", "actual", "passed"}]``.

    Every leaf is evaluated (no short-circuit), so the run log shows the whole picture.
    """
    results: list[dict[str, Any]] = []

    def evaluate(node: dict[str, Any], path: str) -> bool:
        group = _group_items(node)
        if group is not None:
            kind, children = group
            outcomes = [
                evaluate(child, f"{path}.{i}" if path else str(i))
                for i, child in enumerate(children)
            ]
            if not outcomes:
                return True
            return all(outcomes) if kind == "all" else any(outcomes)
        op = OPERATORS.get(node.get("op", ""))
        field = node.get("field", "")
        actual = field_lookup(context, field)
        leaf = {"_changed": _field_changed(context, field)}
        passed = bool(op and op.test(actual, node.get("value"), leaf))
        results.append(
            {
                "path": path,
                "field": field,
                "op": node.get("op", ""),
                "value": node.get("value"),
                "actual": _loggable(actual),
                "passed": passed,
            }
        )
        return passed

    passed = evaluate(conditions or {"all": []}, "")
    return passed, results


def _loggable(value: Any) -> Any:
    """Keep the run log small and JSON-serialisable."""
    if isinstance(value, str) and len(value) > 500:
        return value[:500] + "…"
    if isinstance(value, dict | list | str | int | float | bool) or value is None:
        return value
    return str(value)
