"""Calling a registered trigger action (or subject) the way the engine does, for the domain
apps' tests: the context comes from ``context_build`` with a real payload."""

from __future__ import annotations

from typing import Any

from accounts.models import Organization, User
from automation.registry import ActionContext, action_types, subjects
from automation.triggers.context import context_build


def context_for(
    organization: Organization, event_name: str, payload: dict[str, Any]
) -> dict[str, Any]:
    return context_build(organization, event_name=event_name, payload=payload)


def action_context(
    organization: Organization,
    actor: User | None,
    event_name: str,
    payload: dict[str, Any],
    *,
    dry_run: bool = False,
) -> ActionContext:
    return ActionContext(
        organization=organization,
        actor=actor,
        trigger_id=None,
        run_id=None,
        context=context_for(organization, event_name, payload),
        dry_run=dry_run,
    )


def run_action(key: str, ctx: ActionContext, params: dict[str, Any]) -> str:
    """Clean ``params`` like saving a trigger does, then run the action."""
    action = action_types()[key]
    if action.clean is not None:
        params = action.clean(ctx.organization, params)
    return action.run(ctx, params)


def preview_action(key: str, ctx: ActionContext, params: dict[str, Any]) -> str:
    action = action_types()[key]
    if action.clean is not None:
        params = action.clean(ctx.organization, params)
    return action.preview(ctx, params)


def resolve(key: str, organization: Organization, context: dict[str, Any]) -> Any:
    return subjects()[key].resolve(organization, context)
