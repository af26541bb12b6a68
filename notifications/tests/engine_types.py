"""A notification type the engine tests register for themselves (and drop afterwards), so they
do not depend on what any app's type says or who it goes to."""

from __future__ import annotations

from typing import Any

import pytest

from notifications import registry
from notifications.registry import EMAIL, IN_APP, NotificationType

KEY = "test.engine"


def test_type(**fields: Any) -> NotificationType:
    """A type created by ``notify`` only (no events), in-app + email unless ``fields`` say
    otherwise."""
    values: dict[str, Any] = {
        "key": KEY,
        "label": "Engine test",
        "group": "Tests",
        "events": (),
        "recipients": None,
        "render": None,
        "default_channels": frozenset({IN_APP, EMAIL}),
        **fields,
    }
    return NotificationType(**values)


test_type.__test__ = False  # a factory, not a test, despite its name


def type_register(monkeypatch: pytest.MonkeyPatch, **fields: Any) -> NotificationType:
    """Register a type (in-app + email by default, created by ``notify``) for this test only."""
    notification_type = test_type(**fields)
    # setitem: pytest restores the registry (without this type) after the test.
    monkeypatch.setitem(registry._types, notification_type.key, notification_type)
    return notification_type
