"""Writing triggers: create, edit, enable/disable, delete, and the built-in ones the product
creates. Managers only (``automation.manage``); every change emits ``trigger.*``."""

from __future__ import annotations

from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone

from accounts.models import Membership, Organization, User
from accounts.services import require_permission
from automation.events import emit
from automation.models import Trigger, TriggerRun
from automation.triggers.definitions import DEFINITION_FIELDS, trigger_definition_clean
from automation.triggers.scheduling import trigger_next_run


def trigger_payload(trigger: Trigger) -> dict[str, Any]:
    return {
        "id": trigger.pk,
        "name": trigger.name,
        "description": trigger.description,
        "enabled": trigger.enabled,
        "when": trigger.when,
        "event_name": trigger.event_name,
        "cron": trigger.cron,
        "relative_kind": trigger.relative_kind,
        "relative_params": trigger.relative_params,
        "conditions": trigger.conditions,
        "actions": trigger.actions,
        "builtin": trigger.builtin,
        "created_by": trigger.created_by_id,
        "updated_by": trigger.updated_by_id,
        "created_at": trigger.created_at.isoformat() if trigger.created_at else None,
        "updated_at": trigger.updated_at.isoformat() if trigger.updated_at else None,
        "next_run_at": trigger.next_run_at.isoformat() if trigger.next_run_at else None,
    }


def run_payload(run: TriggerRun) -> dict[str, Any]:
    return {
        "id": run.pk,
        "trigger": run.trigger_id,
        "event": run.event_id,
        "dedupe_key": run.dedupe_key,
        "status": run.status,
        "error": run.error,
        "attempts": run.attempts,
        "created_at": run.created_at.isoformat() if run.created_at else None,
        "finished_at": run.finished_at.isoformat() if run.finished_at else None,
    }


def _is_member(organization: Organization, user_id: int | None) -> bool:
    return (
        user_id is not None
        and Membership.objects.filter(organization=organization, user_id=user_id).exists()
    )


def _schedule(trigger: Trigger) -> None:
    """Time-based triggers: when the scheduler looks next (None for event triggers)."""
    trigger.next_run_at = (
        trigger_next_run(trigger, after=timezone.now())
        if trigger.enabled and trigger.when != Trigger.When.EVENT
        else None
    )


def _create(
    *, organization: Organization, actor: User | None, values: dict[str, Any], builtin: str = ""
) -> Trigger:
    now = timezone.now()
    trigger = Trigger(
        organization=organization,
        builtin=builtin,
        created_by=actor,
        updated_by=actor,
        created_at=now,
        updated_at=now,
        **values,
    )
    trigger.organization = organization
    _schedule(trigger)
    trigger.save()
    emit(organization, "trigger.created", {"trigger": trigger_payload(trigger)}, actor)
    return trigger


@transaction.atomic
def trigger_create(*, organization: Organization, actor: User, data: dict[str, Any]) -> Trigger:
    """A new trigger from a definition (see interfaces: name, when, conditions, actions…),
    acting later as ``actor``. Raises ``ValidationError`` with every field's problems."""
    require_permission(organization, actor, "automation.manage")
    values = trigger_definition_clean(organization, data)
    return _create(organization=organization, actor=actor, values=values)


@transaction.atomic
def trigger_update(*, trigger: Trigger, actor: User, data: dict[str, Any]) -> Trigger:
    """Change the keys present in ``data``; emits ``trigger.updated`` with what changed."""
    organization = trigger.organization
    require_permission(organization, actor, "automation.manage")
    trigger = Trigger.objects.select_for_update().get(pk=trigger.pk)
    values = trigger_definition_clean(
        organization, {k: v for k, v in data.items() if k in DEFINITION_FIELDS}, instance=trigger
    )
    changed = [field for field in DEFINITION_FIELDS if getattr(trigger, field) != values[field]]
    if not changed:
        return trigger
    for field in changed:
        setattr(trigger, field, values[field])
    trigger.updated_by = actor
    trigger.updated_at = timezone.now()
    if not trigger.builtin and not _is_member(organization, trigger.created_by_id):
        # Its creator left: the member who fixes it is the one it acts as from now on.
        trigger.created_by = actor
    if {"enabled", "when", "cron", "relative_kind", "relative_params"} & set(changed):
        _schedule(trigger)
    trigger.save()
    emit(
        organization,
        "trigger.updated",
        {"trigger": trigger_payload(trigger), "changed": changed},
        actor,
    )
    return trigger


@transaction.atomic
def trigger_set_enabled(*, trigger: Trigger, actor: User, enabled: bool) -> Trigger:
    """Switch a trigger on or off (the list's toggle). Switching on checks the definition
    again (an action it uses may be gone); switching off always works."""
    if enabled:
        return trigger_update(trigger=trigger, actor=actor, data={"enabled": True})
    organization = trigger.organization
    require_permission(organization, actor, "automation.manage")
    trigger = Trigger.objects.select_for_update().get(pk=trigger.pk)
    if not trigger.enabled:
        return trigger
    trigger.enabled = False
    trigger.updated_by = actor
    trigger.updated_at = timezone.now()
    _schedule(trigger)
    trigger.save(update_fields=["enabled", "updated_by", "updated_at", "next_run_at"])
    emit(
        organization,
        "trigger.updated",
        {"trigger": trigger_payload(trigger), "changed": ["enabled"]},
        actor,
    )
    return trigger


@transaction.atomic
def trigger_delete(*, trigger: Trigger, actor: User) -> None:
    """Delete the trigger and its run log."""
    organization = trigger.organization
    require_permission(organization, actor, "automation.manage")
    payload = trigger_payload(trigger)
    trigger.delete()
    emit(organization, "trigger.deleted", {"trigger": payload}, actor)


def trigger_builtin_ensure(
    *, organization: Organization, key: str, data: dict[str, Any]
) -> Trigger:
    """The built-in trigger ``key`` of the organization, created from ``data`` when missing.

    An existing one is returned unchanged: members' edits (or disabling it) win over the
    product's defaults. No actor: it runs as the organization's owner while its creator is
    unknown. Safe to call concurrently (the unique (organization, builtin) constraint).
    """
    existing = Trigger.objects.filter(organization=organization, builtin=key).first()
    if existing is not None:
        return existing
    values = trigger_definition_clean(organization, data)
    try:
        with transaction.atomic():
            return _create(organization=organization, actor=None, values=values, builtin=key)
    except IntegrityError:
        return Trigger.objects.get(organization=organization, builtin=key)
