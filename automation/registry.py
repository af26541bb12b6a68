"""What other apps plug into triggers: actions, subjects (the records a condition can look at)
and time sources (what "after N days without …" triggers look for).

``automation`` imports no domain app: each app registers its own from ``AppConfig.ready()``
(e.g. ``pipelines`` registers "Move the deal to a stage", the "deal" subject and "Deal in a
stage longer than N days"). The trigger engine (``automation.triggers``), the API and the form
builder only read these registries. See docs/contributing/add-a-trigger-action.md.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from accounts.models import Organization, User

# (value, label) pairs a select offers, computed per organization (stages, tags, members…).
Choices = Callable[[Organization], list[tuple[str, str]]]


@dataclass(frozen=True)
class Param:
    """One input of an action or a time source, as the form builder shows it."""

    name: str
    label: str
    # "text" | "textarea" | "int" | "choice" | "bool". Text params may use {{ subject.field }}
    # placeholders (``automation.triggers.context.render_text``).
    kind: str = "text"
    required: bool = True
    choices: Choices | None = None
    help: str = ""
    default: Any = None


class ActionError(Exception):
    """The action cannot be done (no deal, unknown stage, permission gone): the run fails
    with this message, which members read in the run log."""


class TransientActionError(ActionError):
    """Worth trying again later (a lock, the broker, a rate limit): the run is retried from
    this action, after ``retry_after`` seconds when given."""

    def __init__(self, message: str, *, retry_after: float | None = None) -> None:
        super().__init__(message)
        self.retry_after = retry_after


@dataclass(frozen=True)
class ActionContext:
    """What an action gets to work with."""

    organization: Organization
    # The member the trigger acts as (its creator; the owner for built-in triggers). Services
    # check this member's permissions as if they had clicked.
    actor: User | None
    trigger_id: int | None
    run_id: int | None
    # {"event": {...}, "payload": {...}, "<subject key>": {...}, ...}: what conditions saw.
    context: dict[str, Any]
    # True for a dry run: ``preview`` is called instead of ``run``.
    dry_run: bool = False


@dataclass(frozen=True)
class ActionType:
    key: str  # "deal.move_to_stage": stored in triggers, never renamed
    label: str  # "Move the deal to a stage"
    # Subject keys the action needs in the context (it fails with a clear message otherwise).
    needs: tuple[str, ...]
    params: tuple[Param, ...]
    # Does it; returns what was done, in a sentence for the run log ("Moved Acme to Meeting").
    run: Callable[[ActionContext, dict[str, Any]], str]
    # What it would do, without writing anything (dry run): "Would move Acme to Meeting".
    preview: Callable[[ActionContext, dict[str, Any]], str]
    # Checks and normalises params when a trigger is saved (stage of this org, tag name…);
    # raises accounts.errors.ValidationError with ``fields`` keyed by param name.
    clean: Callable[[Organization, dict[str, Any]], dict[str, Any]] | None = None
    description: str = ""


@dataclass(frozen=True)
class FieldSpec:
    """A field conditions can test, found at ``path`` in the context."""

    path: str  # "deal.stage_id", "contact.tags", "message.text"
    label: str  # "Deal stage"
    # "text" | "number" | "choice" | "tags" | "bool" | "datetime"
    type: str = "text"
    choices: Choices | None = None


@dataclass(frozen=True)
class Subject:
    """A record an event (or a time source) is about, resolved into the context by key."""

    key: str  # "deal"
    label: str  # "Deal"
    fields: tuple[FieldSpec, ...]
    # (organization, context so far) -> the subject as a flat-ish dict, or None when the event
    # is not about one. The context holds "event", "payload" and the subjects resolved before
    # (those named in ``after``). A dict may carry "_changed": [field names changed by this
    # event] for the "changed to" operator.
    resolve: Callable[[Organization, dict[str, Any]], dict[str, Any] | None]
    after: tuple[str, ...] = ()
    # Event names it can be found for (None: any); the form builder offers its fields then.
    events: frozenset[str] | None = None


@dataclass(frozen=True)
class TimeSource:
    """What a "relative" trigger looks for, e.g. chats without a reply for N days."""

    key: str  # "chat.no_reply"
    label: str  # "No reply from the contact for N days"
    params: tuple[Param, ...]
    # Subject keys the found items provide (the form builder offers their fields and actions).
    subjects: tuple[str, ...]
    # (organization, params, now) -> (dedupe key, payload) for every item due now. The key
    # makes a run once per occurrence ("chat:12:msg:345"); the payload is resolved into
    # subjects like an event's (e.g. {"chat": {"id": 12}}).
    find: Callable[[Organization, dict[str, Any], datetime], Iterable[tuple[str, dict[str, Any]]]]
    clean: Callable[[Organization, dict[str, Any]], dict[str, Any]] | None = None


@dataclass
class _Registry:
    actions: dict[str, ActionType] = field(default_factory=dict)
    subjects: dict[str, Subject] = field(default_factory=dict)
    time_sources: dict[str, TimeSource] = field(default_factory=dict)


_registry = _Registry()


def register_action(action: ActionType) -> None:
    """Add (or replace, for reloads and tests) an action type."""
    _registry.actions[action.key] = action


def register_subject(subject: Subject) -> None:
    _registry.subjects[subject.key] = subject


def register_time_source(source: TimeSource) -> None:
    _registry.time_sources[source.key] = source


def action_types() -> dict[str, ActionType]:
    return dict(_registry.actions)


def subjects() -> dict[str, Subject]:
    """Every subject, in an order where each comes after those it is resolved from."""
    ordered: dict[str, Subject] = {}

    def visit(subject: Subject, seen: tuple[str, ...]) -> None:
        if subject.key in ordered:
            return
        if subject.key in seen:
            raise ValueError(f"Subjects resolve from each other in a cycle: {seen}")
        for key in subject.after:
            if key in _registry.subjects:
                visit(_registry.subjects[key], (*seen, subject.key))
        ordered[subject.key] = subject

    for subject in _registry.subjects.values():
        visit(subject, ())
    return ordered


def time_sources() -> dict[str, TimeSource]:
    return dict(_registry.time_sources)
