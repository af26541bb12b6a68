"""A real trigger action for tests, registered for one test and removed after.

It records what it was called with and fails as the test asks (an ``ActionError``, or a
``TransientActionError`` the first N times), like an action whose service is briefly down.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

from automation import registry
from automation.registry import (
    ActionContext,
    ActionError,
    ActionType,
    Param,
    TransientActionError,
    register_action,
)


@dataclass
class RecordingAction:
    key: str
    calls: list[dict[str, Any]] = field(default_factory=list)
    previews: list[dict[str, Any]] = field(default_factory=list)
    contexts: list[ActionContext] = field(default_factory=list)
    # Raised by the next calls, in order (None: that call succeeds); then it succeeds.
    failures: list[Exception | None] = field(default_factory=list)

    def run(self, ctx: ActionContext, params: dict[str, Any]) -> str:
        self.contexts.append(ctx)
        self.calls.append(params)
        if self.failures:
            failure = self.failures.pop(0)
            if failure is not None:  # None: this call succeeds
                raise failure
        return f"Recorded {params.get('note', '')}".strip()

    def preview(self, ctx: ActionContext, params: dict[str, Any]) -> str:
        self.previews.append(params)
        return f"Would record {params.get('note', '')}".strip()

    def fail_transiently(self, times: int, *, retry_after: float | None = None) -> None:
        self.failures.extend(
            TransientActionError("The service is busy", retry_after=retry_after)
            for _ in range(times)
        )

    def fail_for_good(self, message: str = "The stage no longer exists") -> None:
        self.failures.append(ActionError(message))


@contextmanager
def recording_action(key: str = "test.record", *, run=None) -> Iterator[RecordingAction]:
    """Register action ``key`` (params: ``note`` text, optional) for the block."""
    recorder = RecordingAction(key)
    register_action(
        ActionType(
            key=key,
            label="Record the call (tests)",
            needs=(),
            params=(Param("note", "Note", required=False),),
            run=run or recorder.run,
            preview=recorder.preview,
        )
    )
    try:
        yield recorder
    finally:
        registry._registry.actions.pop(key, None)
