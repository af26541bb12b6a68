"""Cleaning a deal's fields from service, API or form input into model values, collecting every
field error at once (``crm.services.records.Errors``) so forms show them next to each field."""

from __future__ import annotations

import datetime
from decimal import Decimal, InvalidOperation
from typing import Any

from accounts.currencies import currency_is_valid
from accounts.models import Organization
from crm.models import Company, Contact
from crm.services.records import Errors, owner_clean, text_clean

MAX_VALUE = Decimal("999999999999.99")  # Decimal(14, 2)
TEXT_LIMITS = {"title": 200, "source": 60, "lost_reason": 300}


def value_clean(value: Any, errors: Errors) -> Decimal | None:
    if isinstance(value, bool) or value is None or value == "":
        value = "0" if value in (None, "") else "x"
    try:
        amount = Decimal(str(value).strip().replace(",", ""))
    except InvalidOperation:
        errors.add("value", "Enter an amount, e.g. 1250.00.")
        return None
    if not amount.is_finite():
        errors.add("value", "Enter an amount, e.g. 1250.00.")
        return None
    if amount < 0:
        errors.add("value", "The value cannot be negative.")
        return None
    if amount != amount.quantize(Decimal("0.01")):
        errors.add("value", "Use at most two decimal places.")
        return None
    if amount > MAX_VALUE:
        errors.add("value", "That amount is too large.")
        return None
    return amount.quantize(Decimal("0.01"))


def currency_clean(value: Any, errors: Errors) -> str:
    code = str(value or "").strip().upper()
    if not currency_is_valid(code):
        errors.add("currency", "Enter an ISO 4217 currency code, e.g. USD or EUR.")
    return code


def date_clean(value: Any, field: str, errors: Errors) -> datetime.date | None:
    if value in (None, ""):
        return None
    if isinstance(value, datetime.datetime):
        return value.date()
    if isinstance(value, datetime.date):
        return value
    try:
        return datetime.date.fromisoformat(str(value).strip())
    except ValueError:
        errors.add(field, "Enter a date as YYYY-MM-DD.")
        return None


def _company_clean(organization: Organization, value: Any, errors: Errors) -> Company | None:
    if value in (None, ""):
        return None
    if isinstance(value, Company):
        if value.organization_id == organization.pk:
            return value
    elif str(value).isdigit():
        company = Company.objects.filter(organization=organization, pk=int(value)).first()
        if company is not None:
            return company
    errors.add("company", "No such company.")
    return None


def _contacts_clean(organization: Organization, value: Any, errors: Errors) -> list[Contact]:
    items = list(value or [])
    objects = [c for c in items if isinstance(c, Contact)]
    ids = [c for c in items if not isinstance(c, Contact)]
    if any(c.organization_id != organization.pk for c in objects) or any(
        isinstance(i, bool) or not str(i).isdigit() for i in ids
    ):
        errors.add("contacts", "No such contact.")
        return []
    found = list(Contact.objects.filter(organization=organization, pk__in=[int(i) for i in ids]))
    if len(found) != len({int(i) for i in ids}):
        errors.add("contacts", "No such contact.")
        return []
    return objects + found


def fields_clean(organization: Organization, data: dict[str, Any], errors: Errors) -> dict:
    """Model values for the deal fields present in ``data`` (errors collected, not raised)."""
    values: dict[str, Any] = {}
    for field, limit in TEXT_LIMITS.items():
        if field in data:
            values[field] = text_clean(data[field], field, limit, errors)
    if "value" in data:
        amount = value_clean(data["value"], errors)
        if amount is not None:
            values["value"] = amount
    if "currency" in data:
        values["currency"] = currency_clean(data["currency"], errors)
    if "owner" in data:
        values["owner"] = owner_clean(organization, data["owner"], errors)
    if "company" in data:
        values["company"] = _company_clean(organization, data["company"], errors)
    if "contacts" in data:
        values["contacts"] = _contacts_clean(organization, data["contacts"], errors)
    if "expected_close_date" in data:
        values["expected_close_date"] = date_clean(
            data["expected_close_date"], "expected_close_date", errors
        )
    return values
