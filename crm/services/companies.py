"""Company use cases: create, update, delete and the bulk actions, shaped like contacts'.

Domains are stored bare and lower-case (``https://www.Acme.com/x`` → ``acme.com``, taken from
the website when not given), so search, enrichment and imports match companies by domain.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Any

import phonenumbers
from django.core.exceptions import ValidationError as DjangoValidationError
from django.core.validators import URLValidator
from django.db import transaction

from accounts.audit import audit_record
from accounts.errors import ValidationError
from accounts.model_update import model_update
from accounts.models import Organization, User
from accounts.services import require_permission
from automation.events import emit
from crm.models import Company, Entity
from crm.normalize import domain_normalize
from crm.selectors import companies_with_relations
from crm.services import records
from crm.services.records import (
    Errors,
    RecordKind,
    custom_fields_clean,
    owner_clean,
    tags_clean,
    tags_set,
    text_clean,
)

FIELDS = ["name", "domain", "website", "industry", "size", "country", "description", "owner"]
TEXT_LIMITS = {"name": 200, "industry": 100, "description": 10_000}
_DOMAIN = re.compile(r"^(?=.{1,253}$)([^\W_]([\w-]{0,61}[^\W_])?\.)+[^\W\d_]{2,63}$")
COUNTRIES = frozenset(phonenumbers.SUPPORTED_REGIONS)


def company_payload(company: Company) -> dict:
    """The company as events carry it (JSON-safe; version 1 of company.* payloads)."""
    return {
        "id": company.pk,
        "name": company.name,
        "domain": company.domain,
        "website": company.website,
        "industry": company.industry,
        "size": company.size,
        "country": company.country,
        "owner": company.owner_id,
        "tags": [tag.name for tag in company.tags.all()],
        "custom_fields": company.custom_fields,
    }


def _website_clean(value: Any, errors: Errors) -> str:
    website = str(value or "").strip()
    if not website:
        return ""
    if "://" not in website:
        website = f"https://{website}"
    try:
        URLValidator(schemes=["http", "https"])(website)
    except DjangoValidationError:
        errors.add("website", "Enter a web address, e.g. https://acme.com.")
        return ""
    if len(website) > 300:
        errors.add("website", "Keep it under 300 characters.")
    return website


def _domain_clean(value: Any, errors: Errors) -> str:
    domain = domain_normalize(str(value or ""))
    if domain and not _DOMAIN.match(domain):
        errors.add("domain", "Enter a domain like acme.com.")
        return ""
    return domain


def _fields_clean(organization: Organization, data: dict[str, Any], errors: Errors) -> dict:
    values: dict[str, Any] = {}
    for field, limit in TEXT_LIMITS.items():
        if field in data:
            values[field] = text_clean(data[field], field, limit, errors)
    if "name" in values and not values["name"]:
        errors.add("name", "Give the company a name.")
    if "website" in data:
        values["website"] = _website_clean(data["website"], errors)
    if "domain" in data:
        values["domain"] = _domain_clean(data["domain"], errors)
    if not values.get("domain") and values.get("website") and "domain" not in errors:
        values["domain"] = _domain_clean(values["website"], Errors())
    if "size" in data:
        size = str(data["size"] or "")
        if size and size not in Company.Size.values:
            errors.add("size", f"Choose one of: {', '.join(Company.Size.values)}.")
        values["size"] = size if size in Company.Size.values else ""
    if "country" in data:
        country = str(data["country"] or "").strip().upper()
        if country and country not in COUNTRIES:
            errors.add("country", "Enter a two-letter country code, e.g. DE.")
        values["country"] = country if country in COUNTRIES else ""
    if "owner" in data:
        values["owner"] = owner_clean(organization, data["owner"], errors)
    return values


def _reloaded(company: Company) -> Company:
    return companies_with_relations(Company.objects.filter(pk=company.pk)).get()


@transaction.atomic
def company_create(*, organization: Organization, actor: User, data: dict) -> Company:
    """Create a company from ``data``: model field names plus ``tags`` (names or Tags) and
    ``custom_fields`` (dict). A name is required."""
    require_permission(organization, actor, "crm.edit")
    errors = Errors()
    values = _fields_clean(organization, {"name": "", **data}, errors)
    custom = custom_fields_clean(
        organization=organization,
        entity=Entity.COMPANY,
        current={},
        values=data.get("custom_fields") or {},
        partial=False,
        errors=errors,
    )
    tags = tags_clean(organization, data["tags"], errors) if "tags" in data else []
    errors.raise_if_any("Check the company's details.")
    company = Company.objects.create(organization=organization, custom_fields=custom, **values)
    if tags:
        company.tags.set(tags)
    company = _reloaded(company)
    emit(organization, "company.created", {"company": company_payload(company)}, actor)
    return company


@transaction.atomic
def company_update(*, company: Company, actor: User, data: dict) -> Company:
    """Change the fields present in ``data``; ``custom_fields`` merges, ``tags`` replaces.
    Emits company.updated with the names of what changed, if anything did."""
    organization = company.organization
    require_permission(organization, actor, "crm.edit")
    errors = Errors()
    values = _fields_clean(organization, data, errors)
    if "custom_fields" in data:
        values["custom_fields"] = custom_fields_clean(
            organization=organization,
            entity=Entity.COMPANY,
            current=company.custom_fields,
            values=data["custom_fields"],
            partial=True,
            errors=errors,
        )
    tags = tags_clean(organization, data["tags"], errors) if "tags" in data else None
    errors.raise_if_any("Check the company's details.")
    try:
        company, changed = model_update(
            instance=company, fields=[*FIELDS, "custom_fields"], data=values
        )
    except DjangoValidationError as error:
        raise ValidationError("Check the company's details.", fields=error.message_dict) from error
    if tags is not None and tags_set(company, tags):
        changed.append("tags")
    if changed:
        company = _reloaded(company)
        emit(
            organization,
            "company.updated",
            {"company": company_payload(company), "changed": changed},
            actor,
        )
    return company


@transaction.atomic
def company_delete(*, company: Company, actor: User) -> None:
    """Delete the company, its notes and its links to contacts (the contacts stay)."""
    organization = company.organization
    require_permission(organization, actor, "crm.delete")
    payload = company_payload(company)
    audit_record(action="company.deleted", actor=actor, organization=organization, target=company)
    company.delete()
    emit(organization, "company.deleted", {"company": payload}, actor)


# --- bulk --------------------------------------------------------------------------------------


COMPANIES = RecordKind(
    model=Company, noun="company", payload=company_payload, with_relations=companies_with_relations
)


@transaction.atomic
def companies_tag(
    *,
    organization: Organization,
    actor: User,
    company_ids: Iterable[Any],
    tag_names: Iterable[str],
    remove: bool = False,
) -> int:
    """Add (or with ``remove``, take away) tags on many companies; returns how many changed."""
    return records.bulk_tag(
        COMPANIES,
        organization=organization,
        actor=actor,
        ids=company_ids,
        tag_names=tag_names,
        remove=remove,
    )


@transaction.atomic
def companies_assign_owner(
    *, organization: Organization, actor: User, company_ids: Iterable[Any], owner: User | None
) -> int:
    """Make ``owner`` (a member, or None to unassign) the owner of many companies."""
    return records.bulk_assign_owner(
        COMPANIES, organization=organization, actor=actor, ids=company_ids, owner=owner
    )


@transaction.atomic
def companies_delete(*, organization: Organization, actor: User, company_ids: Iterable[Any]) -> int:
    return records.bulk_delete(COMPANIES, organization=organization, actor=actor, ids=company_ids)
