"""Validating custom-field values against the organization's definitions, on every write path
(forms, API, imports) so stored values always have the defined type."""

from __future__ import annotations

import datetime
from decimal import Decimal, InvalidOperation
from typing import Any

from accounts.errors import ValidationError
from accounts.models import Organization
from crm.models import CustomFieldDefinition

FieldType = CustomFieldDefinition.FieldType


def definitions_for(organization: Organization, entity: str) -> dict[str, CustomFieldDefinition]:
    return {
        d.key: d
        for d in CustomFieldDefinition.objects.filter(organization=organization, entity=entity)
    }


def custom_values_clean(
    *,
    definitions: dict[str, CustomFieldDefinition],
    values: dict[str, Any],
    partial: bool = False,
) -> dict[str, Any]:
    """Return ``values`` coerced to JSON-safe typed values, or raise with one message per key.

    Unknown keys are errors (a typo must not be stored silently). With ``partial`` (updates),
    required fields that are absent are not reported; an explicit empty value still is.
    """
    errors: dict[str, list[str]] = {}
    cleaned: dict[str, Any] = {}
    for key, raw in values.items():
        definition = definitions.get(key)
        if definition is None:
            errors[key] = ["Unknown custom field."]
            continue
        try:
            value = _coerce(definition, raw)
        except ValueError as exc:
            errors[key] = [str(exc)]
            continue
        if value is None and definition.required:
            errors[key] = ["This field is required."]
            continue
        cleaned[key] = value
    if not partial:
        for key, definition in definitions.items():
            if definition.required and key not in values:
                errors[key] = ["This field is required."]
    if errors:
        raise ValidationError(
            "Check the custom fields.", fields={f"custom_fields.{k}": v for k, v in errors.items()}
        )
    return cleaned


def _coerce(definition: CustomFieldDefinition, raw: Any) -> Any:
    if raw is None or (isinstance(raw, str) and not raw.strip()) or raw == []:
        return None
    kind = definition.field_type
    if kind == FieldType.TEXT:
        text = str(raw).strip()
        if len(text) > 2000:
            raise ValueError("Keep it under 2,000 characters.")
        return text
    if kind == FieldType.NUMBER:
        try:
            number = Decimal(str(raw).strip().replace(",", "."))
        except InvalidOperation as exc:
            raise ValueError("Enter a number.") from exc
        if not number.is_finite():
            raise ValueError("Enter a number.")
        return int(number) if number == number.to_integral_value() else float(number)
    if kind == FieldType.DATE:
        if isinstance(raw, datetime.date):
            return raw.isoformat()
        try:
            return datetime.date.fromisoformat(str(raw).strip()).isoformat()
        except ValueError as exc:
            raise ValueError("Enter a date as YYYY-MM-DD.") from exc
    if kind == FieldType.BOOL:
        if isinstance(raw, bool):
            return raw
        text = str(raw).strip().lower()
        if text in {"1", "true", "yes", "y", "да", "on"}:
            return True
        if text in {"0", "false", "no", "n", "нет", "off"}:
            return False
        raise ValueError("Enter yes or no.")
    if kind == FieldType.SELECT:
        return _option(definition, raw)
    if kind == FieldType.MULTI_SELECT:
        items = raw if isinstance(raw, list) else [p for p in str(raw).split(";")]
        return sorted({_option(definition, item) for item in items if str(item).strip()})
    raise ValueError("Unsupported field type.")


def _option(definition: CustomFieldDefinition, raw: Any) -> str:
    text = str(raw).strip()
    by_lower = {option.lower(): option for option in definition.options}
    if text.lower() not in by_lower:
        raise ValueError(f"Choose one of: {', '.join(definition.options)}.")
    return by_lower[text.lower()]
