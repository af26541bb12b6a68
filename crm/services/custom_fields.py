"""Custom field definitions: the extra fields an organization adds to contacts or companies.

Configuration (``crm.configure``). A definition's entity, key and type are fixed once created,
because stored values and API clients depend on them; label, options, required and position
can change. Deleting a definition removes its values from every record.
"""

from __future__ import annotations

import re
from typing import Any

from django.db import transaction
from django.db.models import F, Func, JSONField, TextField, Value
from django.db.models.functions import Cast

from accounts.audit import audit_record
from accounts.errors import ValidationError
from accounts.model_update import model_update
from accounts.models import Organization, User
from accounts.services import require_permission
from crm.models import Company, Contact, CustomFieldDefinition, Entity

FieldType = CustomFieldDefinition.FieldType
_KEY = re.compile(r"^[a-z][a-z0-9_]{0,49}$")
CHOICE_TYPES = (FieldType.SELECT, FieldType.MULTI_SELECT)
MAX_OPTIONS = 100


def custom_field_payload(definition: CustomFieldDefinition) -> dict:
    return {
        "id": definition.pk,
        "entity": definition.entity,
        "key": definition.key,
        "label": definition.label,
        "field_type": definition.field_type,
        "options": list(definition.options),
        "required": definition.required,
        "position": definition.position,
    }


def _clean_label(label: Any, errors: dict[str, list[str]]) -> str:
    label = " ".join(str(label or "").split())
    if not label:
        errors["label"] = ["Give the field a label."]
    elif len(label) > 80:
        errors["label"] = ["Keep the label under 80 characters."]
    return label


def _clean_options(options: Any, field_type: str, errors: dict[str, list[str]]) -> list[str]:
    if field_type not in CHOICE_TYPES:
        return []
    if isinstance(options, str):
        options = options.splitlines()
    cleaned: list[str] = []
    for option in options or []:
        text = " ".join(str(option).split())
        if not text:
            continue
        if len(text) > 80:
            errors["options"] = ["Keep each option under 80 characters."]
        elif text.lower() in {o.lower() for o in cleaned}:
            errors["options"] = [f"“{text}” is listed twice."]
        cleaned.append(text)
    if not cleaned:
        errors["options"] = ["List the options to choose from."]
    elif len(cleaned) > MAX_OPTIONS:
        errors["options"] = [f"Offer at most {MAX_OPTIONS} options."]
    return cleaned


def _clean_position(position: Any, errors: dict[str, list[str]]) -> int:
    try:
        value = int(position)
    except (TypeError, ValueError):
        errors["position"] = ["Enter a whole number."]
        return 0
    if value < 0:
        errors["position"] = ["Enter zero or more."]
    return value


@transaction.atomic
def custom_field_create(
    *, organization: Organization, actor: User, data: dict
) -> CustomFieldDefinition:
    """Define a field. ``data``: entity, key, label, field_type, options, required, position."""
    require_permission(organization, actor, "crm.configure")
    errors: dict[str, list[str]] = {}
    entity = data.get("entity", "")
    if entity not in Entity.values:
        errors["entity"] = [f"Choose one of: {', '.join(Entity.values)}."]
    key = str(data.get("key", "")).strip().lower()
    if not _KEY.match(key):
        errors["key"] = [
            "Use lower-case letters, digits and underscores, starting with a letter (max 50)."
        ]
    elif CustomFieldDefinition.objects.filter(
        organization=organization, entity=entity, key=key
    ).exists():
        errors["key"] = ["A field with this key exists."]
    label = _clean_label(data.get("label"), errors)
    field_type = data.get("field_type", "")
    if field_type not in FieldType.values:
        errors["field_type"] = [f"Choose one of: {', '.join(FieldType.values)}."]
    options = _clean_options(data.get("options"), field_type, errors)
    if "position" in data:
        position = _clean_position(data["position"], errors)
    else:
        last = (
            CustomFieldDefinition.objects.filter(organization=organization, entity=entity)
            .order_by("-position")
            .values_list("position", flat=True)
            .first()
        )
        position = 0 if last is None else last + 1
    if errors:
        raise ValidationError("Check the custom field.", fields=errors)
    definition = CustomFieldDefinition.objects.create(
        organization=organization,
        entity=entity,
        key=key,
        label=label,
        field_type=field_type,
        options=options,
        required=bool(data.get("required", False)),
        position=position,
    )
    audit_record(
        action="custom_field.created",
        actor=actor,
        organization=organization,
        target=definition,
        metadata=custom_field_payload(definition),
    )
    return definition


@transaction.atomic
def custom_field_update(
    *, definition: CustomFieldDefinition, actor: User, data: dict
) -> CustomFieldDefinition:
    """Change label, options, required or position; entity, key and type stay."""
    require_permission(definition.organization, actor, "crm.configure")
    errors: dict[str, list[str]] = {}
    for fixed in ("entity", "key", "field_type"):
        if fixed in data and data[fixed] != getattr(definition, fixed):
            errors[fixed] = ["This cannot change once the field exists."]
    cleaned: dict[str, Any] = {}
    if "label" in data:
        cleaned["label"] = _clean_label(data["label"], errors)
    if "options" in data:
        cleaned["options"] = _clean_options(data["options"], definition.field_type, errors)
    if "required" in data:
        cleaned["required"] = bool(data["required"])
    if "position" in data:
        cleaned["position"] = _clean_position(data["position"], errors)
    if errors:
        raise ValidationError("Check the custom field.", fields=errors)
    definition, changed = model_update(
        instance=definition, fields=["label", "options", "required", "position"], data=cleaned
    )
    if changed:
        audit_record(
            action="custom_field.updated",
            actor=actor,
            organization=definition.organization,
            target=definition,
            metadata={"changed": changed},
        )
    return definition


@transaction.atomic
def custom_field_delete(*, definition: CustomFieldDefinition, actor: User) -> None:
    """Delete the definition and remove its values from every record of the organization."""
    require_permission(definition.organization, actor, "crm.configure")
    model = Contact if definition.entity == Entity.CONTACT else Company
    without_key = Func(
        F("custom_fields"),
        Cast(Value(definition.key), TextField()),
        template="(%(expressions)s)",
        arg_joiner=" - ",
        output_field=JSONField(),
    )
    model.objects.filter(
        organization_id=definition.organization_id, custom_fields__has_key=definition.key
    ).update(custom_fields=without_key)
    audit_record(
        action="custom_field.deleted",
        actor=actor,
        organization=definition.organization,
        target=definition,
        metadata=custom_field_payload(definition),
    )
    definition.delete()
