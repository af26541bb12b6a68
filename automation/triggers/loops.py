"""Loop protection: which triggers led to the code running now.

While a run's actions execute, ``chain_running`` holds the event's chain plus this trigger;
``automation.events.emit`` copies it into ``Event.trigger_chain``. When an action's own event
would start the same trigger again, ``loop_reason`` sees the trigger in the chain and the run
stops with status "loop" instead of running the actions (a "tag added → add tag" pair of
triggers would otherwise ping-pong forever).
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar

from django.conf import settings

_chain: ContextVar[tuple[int, ...]] = ContextVar("automation_trigger_chain", default=())


def current_chain() -> list[int]:
    """The chain events emitted now should carry (empty outside trigger actions)."""
    return list(_chain.get())


@contextmanager
def chain_running(chain: list[int], trigger_id: int) -> Iterator[None]:
    token = _chain.set((*chain, trigger_id))
    try:
        yield
    finally:
        _chain.reset(token)


def loop_limit() -> int:
    return int(getattr(settings, "AUTOMATION_LOOP_LIMIT", 2))


def max_chain() -> int:
    return int(getattr(settings, "AUTOMATION_MAX_CHAIN", 8))


def loop_reason(chain: list[int], trigger_id: int) -> str:
    """Why a run of ``trigger_id`` for an event with ``chain`` must not act ("" = it may)."""
    if chain.count(trigger_id) >= loop_limit():
        return (
            f"Stopped a loop: this automation already ran {chain.count(trigger_id)} times in "
            "the chain of automations that led to this event."
        )
    if len(chain) >= max_chain():
        return (
            f"Stopped a loop: {len(chain)} automations led to this event, the limit is "
            f"{max_chain()}."
        )
    return ""
