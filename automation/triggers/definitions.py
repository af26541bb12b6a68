"""Checking a trigger definition (when + conditions + actions) before it is saved or dry-run.

One validation for the API, the web form builder, built-in triggers and dry runs of unsaved
forms. Errors are collected across the whole definition (not just the first) and keyed as
interfaces document ("event_name", "conditions.1.0", "actions.2.stage"), so the builder can
show each message next to its row.
"""

from __future__ import annotations

from typing import Any

from accounts.errors import ValidationError
from accounts.models import Organization
from automation.catalog import CATALOG
from automation.models import Trigger
from automation.registry import Param, action_types, time_sources
from automation.triggers.conditions import conditions_clean

MAX_ACTIONS = 20
DEFINITION_FIELDS = (
    "name",
    "description",
    "enabled",
    "when",
    "event_name",
    "cron",
    "relative_kind",
    "relative_params",
    "conditions",
    "actions",
)


def cron_clean(value: Any) -> str:
    """Five cron fields ("0 9 * * 1-5"); raises ``ValidationError`` keyed "cron"."""
    from croniter import croniter

    cron = " ".join(str(value or "").split())
    if not cron:
        raise ValidationError("Give a schedule.", fields={"cron": ["Required."]})
    if len(cron.split(" ")) != 5 or not croniter.is_valid(cron):
        message = 'Use five cron fields: minute hour day month weekday, e.g. "0 9 * * 1-5".'
        raise ValidationError(message, fields={"cron": [message]})
    return cron


def params_clean(
    organization: Organization, specs: tuple[Param, ...], raw: Any, *, prefix: str
) -> dict[str, Any]:
    """Params by their ``Param`` specs: required, kind (int, bool, choice), defaults. Unknown
    keys are dropped. Errors keyed "<prefix><param name>"."""
    raw = raw if isinstance(raw, dict) else {}
    cleaned: dict[str, Any] = {}
    errors: dict[str, list[str]] = {}
    for spec in specs:
        value = raw.get(spec.name, spec.default)
        if isinstance(value, str):
            value = value.strip()
        if value in (None, "", []):
            if spec.required and spec.kind != "bool":
                errors[prefix + spec.name] = ["Required."]
            elif spec.kind == "bool":
                cleaned[spec.name] = False
            continue
        if spec.kind == "int":
            try:
                value = int(str(value))
            except ValueError:
                errors[prefix + spec.name] = ["Enter a whole number."]
                continue
        elif spec.kind == "bool":
            value = value is True or str(value).lower() in ("true", "1", "on", "yes")
        elif spec.kind == "choice" and spec.choices is not None:
            allowed = {str(choice) for choice, _label in spec.choices(organization)}
            if str(value) not in allowed:
                errors[prefix + spec.name] = ["Pick one of the options."]
                continue
        elif spec.kind in ("text", "textarea"):
            value = str(value)
        cleaned[spec.name] = value
    if errors:
        raise ValidationError("Some fields need fixing.", fields=errors)
    return cleaned


def _prefixed(error: ValidationError, prefix: str) -> dict[str, list[str]]:
    if not error.fields:
        return {prefix.rstrip("."): [error.message]}
    return {
        key if key.startswith(prefix) else prefix + key: messages
        for key, messages in error.fields.items()
    }


def actions_clean(organization: Organization, actions: Any) -> list[dict[str, Any]]:
    """``[{"type", "params"}]``, 1..20 known actions with clean params."""
    if not isinstance(actions, list) or not actions:
        raise ValidationError("Add at least one action.", fields={"actions": ["Add an action."]})
    if len(actions) > MAX_ACTIONS:
        message = f"Use at most {MAX_ACTIONS} actions."
        raise ValidationError(message, fields={"actions": [message]})
    registry = action_types()
    cleaned: list[dict[str, Any]] = []
    errors: dict[str, list[str]] = {}
    for index, item in enumerate(actions):
        prefix = f"actions.{index}."
        action_type = registry.get(item.get("type", "")) if isinstance(item, dict) else None
        if action_type is None:
            errors[prefix + "type"] = ["Pick an action."]
            continue
        try:
            params = params_clean(
                organization, action_type.params, item.get("params"), prefix=prefix
            )
            if action_type.clean is not None:
                params = action_type.clean(organization, params)
        except ValidationError as error:
            errors.update(_prefixed(error, prefix))
            continue
        cleaned.append({"type": action_type.key, "params": params})
    if errors:
        raise ValidationError("Some actions need fixing.", fields=errors)
    return cleaned


def trigger_definition_clean(
    organization: Organization, data: dict[str, Any], *, instance: Trigger | None = None
) -> dict[str, Any]:
    """The definition ready to save: ``instance``'s values overlaid with ``data`` (a partial
    update), every field checked. Raises one ``ValidationError`` with all field errors.

    Fields that do not apply to ``when`` are blanked (an event trigger has no cron), so a
    trigger switched from a schedule to an event leaves nothing stale behind.
    """
    merged: dict[str, Any] = {}
    for field in DEFINITION_FIELDS:
        if field in data:
            merged[field] = data[field]
        elif instance is not None:
            merged[field] = getattr(instance, field)
    errors: dict[str, list[str]] = {}
    cleaned: dict[str, Any] = {}

    name = " ".join(str(merged.get("name") or "").split())
    if not name:
        errors["name"] = ["Give it a name."]
    elif len(name) > 120:
        errors["name"] = ["Keep it under 120 characters."]
    cleaned["name"] = name
    description = str(merged.get("description") or "").strip()
    if len(description) > 500:
        errors["description"] = ["Keep it under 500 characters."]
    cleaned["description"] = description
    enabled = merged.get("enabled", True)
    cleaned["enabled"] = enabled is True or str(enabled).lower() in ("true", "1", "on")

    when = merged.get("when") or Trigger.When.EVENT
    cleaned.update(event_name="", cron="", relative_kind="", relative_params={})
    if when not in Trigger.When.values:
        errors["when"] = ["Pick when it runs: on an event, on a schedule or after a while."]
    cleaned["when"] = when
    if when == Trigger.When.EVENT:
        event_name = str(merged.get("event_name") or "")
        if event_name not in CATALOG:
            errors["event_name"] = ["Pick an event." if not event_name else "Unknown event."]
        cleaned["event_name"] = event_name
    elif when == Trigger.When.CRON:
        try:
            cleaned["cron"] = cron_clean(merged.get("cron"))
        except ValidationError as error:
            errors.update(error.fields)
    elif when == Trigger.When.RELATIVE:
        kind = str(merged.get("relative_kind") or "")
        source = time_sources().get(kind)
        if source is None:
            errors["relative_kind"] = ["Pick what to wait for."]
        else:
            cleaned["relative_kind"] = kind
            try:
                params = params_clean(
                    organization,
                    source.params,
                    merged.get("relative_params"),
                    prefix="relative_params.",
                )
                if source.clean is not None:
                    params = source.clean(organization, params)
                cleaned["relative_params"] = params
            except ValidationError as error:
                errors.update(_prefixed(error, "relative_params."))

    try:
        cleaned["conditions"] = conditions_clean(merged.get("conditions"))
    except ValidationError as error:
        errors.update(error.fields)
    try:
        cleaned["actions"] = actions_clean(organization, merged.get("actions"))
    except ValidationError as error:
        errors.update(error.fields)
    if errors:
        raise ValidationError("The automation needs fixing.", fields=errors)
    return cleaned
