from __future__ import annotations

from collections.abc import Callable, Iterator

import pytest

from automation.events import subscriber, unsubscribe
from automation.models import Event


@pytest.fixture
def recording_subscriber() -> Iterator[Callable[..., list[int]]]:
    """Register a real subscriber that records the event ids it handled.

    ``fail_times`` makes its first calls raise, like a webhook receiver that is briefly down.
    Every subscriber registered here is removed after the test.
    """
    names: list[str] = []

    def register(name: str, *, events: list[str] | None = None, fail_times: int = 0) -> list[int]:
        calls: list[int] = []

        @subscriber(name, events=events)
        def record(event: Event) -> None:
            calls.append(event.pk)
            if len(calls) <= fail_times:
                raise RuntimeError(f"{name} is down")

        names.append(name)
        return calls

    yield register
    for name in names:
        unsubscribe(name)
