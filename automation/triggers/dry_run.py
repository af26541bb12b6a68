"""The simulator: which conditions a trigger's definition passes for a past event (or a sample
payload) and what each action would do, without doing it.

Actions are asked for their ``preview`` (never ``run``), and everything happens inside a
transaction that is rolled back anyway, so a preview that writes by mistake leaves nothing
behind.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.db import transaction

from accounts.errors import ValidationError
from accounts.models import Organization, User
from accounts.services import require_permission
from automation.catalog import sample_payload
from automation.models import Event, Trigger
from automation.registry import ActionContext, ActionError, action_types
from automation.triggers.conditions import conditions_evaluate
from automation.triggers.context import context_build
from automation.triggers.definitions import trigger_definition_clean
from automation.triggers.runner import action_missing_subjects, params_render


@dataclass
class DryRun:
    passed: bool
    # Same shape as TriggerRun.conditions_result.
    conditions: list[dict[str, Any]] = field(default_factory=list)
    # [{"index", "type", "label", "would", "error"}]
    actions: list[dict[str, Any]] = field(default_factory=list)
    context: dict[str, Any] = field(default_factory=dict)


class _Rollback(Exception):
    pass


def _sample_payload(event_name: str) -> dict[str, Any]:
    """The catalogue's example payload; {} for a time-based trigger (no event)."""
    try:
        return sample_payload(event_name)
    except (KeyError, ValueError):
        return {}


def trigger_dry_run(
    *,
    organization: Organization,
    actor: User,
    data: dict[str, Any] | None = None,
    trigger: Trigger | None = None,
    event: Event | None = None,
    payload: dict[str, Any] | None = None,
) -> DryRun:
    """Simulate ``trigger`` (saved) or ``data`` (an unsaved definition, validated like a save)
    on ``event`` or ``payload`` (else the newest such event, else the catalogue's sample).

    Needs ``automation.view``; writes nothing.
    """
    require_permission(organization, actor, "automation.view")
    if trigger is not None and trigger.organization_id != organization.pk:
        raise ValidationError("No such automation.", fields={"trigger": ["Not found."]})
    definition = (
        trigger_definition_clean(organization, data or {}, instance=trigger)
        if data is not None or trigger is None
        else {
            "when": trigger.when,
            "event_name": trigger.event_name,
            "relative_kind": trigger.relative_kind,
            "conditions": trigger.conditions,
            "actions": trigger.actions,
        }
    )
    if event is not None and event.organization_id != organization.pk:
        raise ValidationError("No such event.", fields={"event": ["Not found."]})
    event_name = (
        event.name
        if event is not None
        else definition["event_name"] or definition["relative_kind"] or "schedule"
    )
    if event is None and payload is None and definition["event_name"]:
        event = (
            Event.objects.filter(organization=organization, name=event_name).order_by("-id").first()
        )
        if event is None:
            payload = _sample_payload(event_name)
    result = DryRun(passed=False)
    try:
        with transaction.atomic():
            _simulate(organization, actor, definition, event, event_name, payload, result)
            raise _Rollback
    except _Rollback:
        pass
    return result


def _simulate(
    organization: Organization,
    actor: User,
    definition: dict[str, Any],
    event: Event | None,
    event_name: str,
    payload: dict[str, Any] | None,
    result: DryRun,
) -> None:
    context = context_build(
        organization,
        event_name=event_name,
        payload=event.payload if event is not None else (payload or {}),
        event_id=event.pk if event is not None else None,
        actor_id=event.actor_id if event is not None else None,
        created_at=event.created_at if event is not None else None,
    )
    result.context = context
    result.passed, result.conditions = conditions_evaluate(definition["conditions"], context)
    registry = action_types()
    action_context = ActionContext(
        organization=organization,
        actor=actor,
        trigger_id=None,
        run_id=None,
        context=context,
        dry_run=True,
    )
    for index, spec in enumerate(definition["actions"]):
        action_type = registry.get(spec.get("type", ""))
        row = {
            "index": index,
            "type": spec.get("type", ""),
            "label": action_type.label if action_type else spec.get("type", ""),
            "would": "",
            "error": "",
        }
        result.actions.append(row)
        if action_type is None:
            row["error"] = "This action is no longer available."
            continue
        missing = action_missing_subjects(action_type, context)
        if missing:
            row["error"] = f"This event has no {', '.join(missing)} to act on."
            continue
        params = params_render(action_type, spec.get("params") or {}, context)
        try:
            with transaction.atomic():
                row["would"] = str(action_type.preview(action_context, params) or "")
        except ActionError as error:
            row["error"] = str(error)
        except Exception as error:  # a preview bug must not break the simulator page
            row["error"] = f"Could not preview this action ({type(error).__name__})."
