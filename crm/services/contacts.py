"""Contact use cases: create, update, delete, link to companies, and the bulk actions.

Every write checks the actor's permission (``crm.edit``; deleting needs ``crm.delete``),
normalises identifiers (lower-case emails, E.164 phones, bare lower-case @usernames), validates
custom fields against the organization's definitions, refuses a Telegram id or @username that
another contact of the organization already has, and emits its event with the contact's
payload inside the transaction.
"""

from __future__ import annotations

import datetime
import functools
import zoneinfo
from collections.abc import Iterable
from typing import Any

from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from accounts.audit import audit_record
from accounts.errors import ValidationError
from accounts.model_update import model_update
from accounts.models import Organization, User
from accounts.services import require_permission
from automation.events import emit
from crm.models import Company, Contact, ContactCompany, Entity
from crm.normalize import email_normalize, phone_normalize, telegram_username_normalize
from crm.selectors import contacts_with_relations
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

MAX_EMAILS = 20
MAX_PHONES = 20
TELEGRAM_ID_MAX = 2**63 - 1
# Model fields the services set from ``data``; tags, custom fields and company links are apart.
FIELDS = [
    "first_name",
    "last_name",
    "emails",
    "phones",
    "telegram_user_id",
    "telegram_username",
    "telegram_bio",
    "title",
    "owner",
    "source",
    "last_contacted_at",
    "last_replied_at",
    "time_zone",
    "do_not_contact",
    "do_not_contact_at",
]
# A contact is somebody: at least one of these must be set.
IDENTITY_FIELDS = (
    "first_name",
    "last_name",
    "emails",
    "phones",
    "telegram_username",
    "telegram_user_id",
)
NO_IDENTITY = "Give the contact a name, an email, a phone or a Telegram account."
TEXT_LIMITS = {
    "first_name": 100,
    "last_name": 100,
    "title": 150,
    "source": 60,
    "telegram_bio": 2000,
}


def contact_payload(contact: Contact) -> dict:
    """The contact as events carry it (JSON-safe; version 1 of contact.* payloads)."""
    return {
        "id": contact.pk,
        "name": str(contact),
        "first_name": contact.first_name,
        "last_name": contact.last_name,
        "emails": list(contact.emails),
        "phones": list(contact.phones),
        "telegram_user_id": contact.telegram_user_id,
        "telegram_username": contact.telegram_username,
        "title": contact.title,
        "owner": contact.owner_id,
        "source": contact.source,
        "tags": [tag.name for tag in contact.tags.all()],
        "companies": [
            {
                "id": link.company_id,
                "name": link.company.name,
                "role": link.role,
                "is_primary": link.is_primary,
            }
            for link in contact.company_links.all()
        ],
        "custom_fields": contact.custom_fields,
    }


# --- cleaning ----------------------------------------------------------------------------------


def _as_list(value: Any) -> list[str]:
    """Lists pass through; a string may hold several values separated by commas or lines."""
    if value is None:
        return []
    if isinstance(value, str):
        value = value.replace(";", ",").replace("\n", ",").split(",")
    return [str(item).strip() for item in value if str(item).strip()]


def _emails_clean(value: Any, errors: Errors) -> list[str]:
    emails: list[str] = []
    for raw in _as_list(value):
        try:
            email = email_normalize(raw)
        except DjangoValidationError:
            errors.add("emails", f"“{raw}” is not a valid email address.")
            continue
        if email not in emails:
            emails.append(email)
    if len(emails) > MAX_EMAILS:
        errors.add("emails", f"Keep at most {MAX_EMAILS} email addresses.")
    return emails


def _phones_clean(value: Any, errors: Errors) -> list[str]:
    phones: list[str] = []
    for raw in _as_list(value):
        try:
            phone = phone_normalize(raw)
        except DjangoValidationError as error:
            errors.add("phones", f"“{raw}”: {error.messages[0]}")
            continue
        if phone not in phones:
            phones.append(phone)
    if len(phones) > MAX_PHONES:
        errors.add("phones", f"Keep at most {MAX_PHONES} phone numbers.")
    return phones


def _telegram_id_clean(value: Any, errors: Errors) -> int | None:
    if value in (None, ""):
        return None
    try:
        telegram_id = int(str(value).strip())
    except ValueError:
        errors.add("telegram_user_id", "Enter the numeric Telegram user id.")
        return None
    if not 0 < telegram_id <= TELEGRAM_ID_MAX:
        errors.add("telegram_user_id", "Enter the numeric Telegram user id.")
        return None
    return telegram_id


def _telegram_username_clean(value: Any, errors: Errors) -> str:
    if not value or not str(value).strip():
        return ""
    try:
        return telegram_username_normalize(str(value))
    except DjangoValidationError as error:
        errors.add("telegram_username", error.messages[0])
        return ""


def _datetime_clean(value: Any, field: str, errors: Errors) -> datetime.datetime | None:
    if value in (None, ""):
        return None
    if isinstance(value, datetime.datetime):
        return value
    try:
        return datetime.datetime.fromisoformat(str(value))
    except ValueError:
        errors.add(field, "Enter a date and time in ISO 8601, e.g. 2025-01-31T14:00:00Z.")
        return None


@functools.cache
def _time_zones() -> frozenset[str]:
    return frozenset(zoneinfo.available_timezones())


def _time_zone_clean(value: Any, errors: Errors) -> str:
    """An IANA name such as Europe/Berlin (campaigns send in the contact's hours); blank is
    "unknown"."""
    name = str(value or "").strip()
    if name and name not in _time_zones():
        errors.add("time_zone", f"“{name[:64]}” is not a time zone; use a name like Europe/Berlin.")
        return ""
    return name


def _do_not_contact_clean(
    value: Any, contact: Contact | None, values: dict[str, Any], errors: Errors
) -> None:
    """The flag plus when it was set: the stamp is kept while it stays set, cleared with it."""
    if not isinstance(value, bool):
        errors.add("do_not_contact", "Enter true or false.")
        return
    values["do_not_contact"] = value
    if not value:
        values["do_not_contact_at"] = None
    elif contact is None or not contact.do_not_contact:
        values["do_not_contact_at"] = timezone.now()


def _duplicates_check(
    organization: Organization, values: dict[str, Any], contact: Contact | None, errors: Errors
) -> None:
    """A Telegram account is one person: refuse a second contact with the same id/username."""
    others = Contact.objects.filter(organization=organization)
    if contact is not None:
        others = others.exclude(pk=contact.pk)
    username = values.get("telegram_username")
    if username:
        holder = others.filter(telegram_username=username).first()
        if holder is not None:
            errors.add("telegram_username", f"@{username} is already the contact “{holder}”.")
    telegram_id = values.get("telegram_user_id")
    if telegram_id:
        holder = others.filter(telegram_user_id=telegram_id).first()
        if holder is not None:
            errors.add(
                "telegram_user_id", f"Telegram id {telegram_id} is already the contact “{holder}”."
            )


def _fields_clean(
    organization: Organization, data: dict[str, Any], contact: Contact | None, errors: Errors
) -> dict[str, Any]:
    values: dict[str, Any] = {}
    for field, limit in TEXT_LIMITS.items():
        if field in data:
            values[field] = text_clean(data[field], field, limit, errors)
    if "emails" in data:
        values["emails"] = _emails_clean(data["emails"], errors)
    if "phones" in data:
        values["phones"] = _phones_clean(data["phones"], errors)
    if "telegram_user_id" in data:
        values["telegram_user_id"] = _telegram_id_clean(data["telegram_user_id"], errors)
    if "telegram_username" in data:
        values["telegram_username"] = _telegram_username_clean(data["telegram_username"], errors)
    if "owner" in data:
        values["owner"] = owner_clean(organization, data["owner"], errors)
    for field in ("last_contacted_at", "last_replied_at"):
        if field in data:
            values[field] = _datetime_clean(data[field], field, errors)
    if "time_zone" in data:
        values["time_zone"] = _time_zone_clean(data["time_zone"], errors)
    if "do_not_contact" in data:
        _do_not_contact_clean(data["do_not_contact"], contact, values, errors)
    _duplicates_check(organization, values, contact, errors)
    return values


def _links_clean(
    organization: Organization, data: dict[str, Any], errors: Errors
) -> list[dict[str, Any]] | None:
    """``companies`` ([{company, role, is_primary}]) or ``company`` + ``company_role``, as the
    complete list of links to set; None when ``data`` says nothing about companies."""
    if "companies" in data:
        items = data["companies"] or []
    elif data.get("company") is not None:
        items = [{"company": data["company"], "role": data.get("company_role", "")}]
    else:
        return None
    links: list[dict[str, Any]] = []
    for item in items:
        company = item.get("company")
        if isinstance(company, int | str) and str(company).isdigit():
            company = Company.objects.filter(organization=organization, pk=int(company)).first()
        if not isinstance(company, Company) or company.organization_id != organization.pk:
            errors.add("companies", "No such company.")
            continue
        if any(link["company"].pk == company.pk for link in links):
            errors.add("companies", f"“{company}” is listed twice.")
            continue
        role = text_clean(item.get("role", ""), "companies", 150, errors)
        links.append({"company": company, "role": role, "is_primary": bool(item.get("is_primary"))})
    if sum(link["is_primary"] for link in links) > 1:
        errors.add("companies", "Only one company can be the primary one.")
    if links and not any(link["is_primary"] for link in links):
        links[0]["is_primary"] = True
    return links


def _save_links(contact: Contact, links: list[dict[str, Any]], *, replace: bool) -> bool:
    """Set the contact's company links; with ``replace`` the others go. True if anything changed."""
    current = {link.company_id: link for link in contact.company_links.all()}
    wanted = {link["company"].pk: link for link in links}
    changed = False
    if replace:
        gone = [pk for pk in current if pk not in wanted]
        if gone:
            ContactCompany.objects.filter(contact=contact, company_id__in=gone).delete()
            changed = True
    if any(link["is_primary"] for link in links):
        demoted = ContactCompany.objects.filter(contact=contact, is_primary=True).exclude(
            company_id__in=[pk for pk, link in wanted.items() if link["is_primary"]]
        )
        changed = bool(demoted.update(is_primary=False)) or changed
    for company_id, link in wanted.items():
        existing = current.get(company_id)
        if existing is None:
            ContactCompany.objects.create(
                organization_id=contact.organization_id,
                contact=contact,
                company=link["company"],
                role=link["role"],
                is_primary=link["is_primary"],
            )
            changed = True
        elif (existing.role, existing.is_primary) != (link["role"], link["is_primary"]):
            existing.role, existing.is_primary = link["role"], link["is_primary"]
            existing.save(update_fields=["role", "is_primary"])
            changed = True
    return changed


def _save(contact: Contact, update_fields: list[str] | None = None) -> None:
    """Save, turning a concurrent duplicate Telegram id/username into a field error."""
    try:
        with transaction.atomic():
            contact.save(update_fields=update_fields)
    except IntegrityError as error:
        field = "telegram_user_id" if "telegram_id" in str(error) else "telegram_username"
        raise ValidationError(
            "Another contact has this Telegram account.",
            fields={field: ["Another contact in this organization has it."]},
        ) from error


def _reloaded(contact: Contact) -> Contact:
    return contacts_with_relations(Contact.objects.filter(pk=contact.pk)).get()


# --- use cases ---------------------------------------------------------------------------------


@transaction.atomic
def contact_create(*, organization: Organization, actor: User, data: dict) -> Contact:
    """Create a contact from ``data``: model field names plus ``tags`` (names or Tags),
    ``custom_fields`` (dict), ``companies`` ([{company, role, is_primary}]) or ``company`` +
    ``company_role``. It needs at least a name, an email, a phone or a Telegram account."""
    require_permission(organization, actor, "crm.edit")
    errors = Errors()
    values = _fields_clean(organization, data, None, errors)
    if not any(values.get(field) for field in IDENTITY_FIELDS):
        errors.add("non_field_errors", NO_IDENTITY)
    custom = custom_fields_clean(
        organization=organization,
        entity=Entity.CONTACT,
        current={},
        values=data.get("custom_fields") or {},
        partial=False,
        errors=errors,
    )
    tags = tags_clean(organization, data["tags"], errors) if "tags" in data else []
    links = _links_clean(organization, data, errors)
    errors.raise_if_any("Check the contact's details.")
    contact = Contact(organization=organization, custom_fields=custom, **values)
    _save(contact)
    if tags:
        contact.tags.set(tags)
    if links:
        _save_links(contact, links, replace=True)
    contact = _reloaded(contact)
    emit(organization, "contact.created", {"contact": contact_payload(contact)}, actor)
    return contact


@transaction.atomic
def contact_update(*, contact: Contact, actor: User, data: dict) -> Contact:
    """Change the fields present in ``data`` (same keys as ``contact_create``). ``custom_fields``
    merges into the current values (None removes a key); ``tags`` and ``companies`` replace;
    ``company`` + ``company_role`` adds or updates one link. Emits contact.updated with the
    names of what changed, if anything did."""
    organization = contact.organization
    require_permission(organization, actor, "crm.edit")
    errors = Errors()
    values = _fields_clean(organization, data, contact, errors)
    custom = None
    if "custom_fields" in data:
        custom = custom_fields_clean(
            organization=organization,
            entity=Entity.CONTACT,
            current=contact.custom_fields,
            values=data["custom_fields"],
            partial=True,
            errors=errors,
        )
        values["custom_fields"] = custom
    tags = tags_clean(organization, data["tags"], errors) if "tags" in data else None
    links = _links_clean(organization, data, errors)
    errors.raise_if_any("Check the contact's details.")
    try:
        with transaction.atomic():
            contact, changed = model_update(
                instance=contact, fields=[*FIELDS, "custom_fields"], data=values
            )
    except DjangoValidationError as error:
        raise ValidationError("Check the contact's details.", fields=error.message_dict) from error
    except IntegrityError as error:
        raise ValidationError(
            "Another contact has this Telegram account.",
            fields={"telegram_username": ["Another contact in this organization has it."]},
        ) from error
    if not any(getattr(contact, field) for field in IDENTITY_FIELDS):
        raise ValidationError(NO_IDENTITY, fields={"non_field_errors": [NO_IDENTITY]})
    if tags is not None and tags_set(contact, tags):
        changed.append("tags")
    if links is not None and _save_links(contact, links, replace="companies" in data):
        changed.append("companies")
    if changed:
        contact = _reloaded(contact)
        emit(
            organization,
            "contact.updated",
            {"contact": contact_payload(contact), "changed": changed},
            actor,
        )
    return contact


@transaction.atomic
def contact_delete(*, contact: Contact, actor: User) -> None:
    """Delete the contact with its notes and company links."""
    organization = contact.organization
    require_permission(organization, actor, "crm.delete")
    payload = contact_payload(contact)
    audit_record(action="contact.deleted", actor=actor, organization=organization, target=contact)
    contact.delete()
    emit(organization, "contact.deleted", {"contact": payload}, actor)


@transaction.atomic
def contact_set_do_not_contact(
    *, contact: Contact, value: bool, actor: User | None = None
) -> Contact:
    """Mark (or unmark) a contact do-not-contact. Without ``actor`` it is the contact's own
    wish (an opt-out word answered to a campaign), which needs no member's permission; a
    member needs ``crm.edit``. Emits contact.updated (changed ["do_not_contact"]) when
    it changed."""
    if actor is not None:
        require_permission(contact.organization, actor, "crm.edit")
    if contact.do_not_contact == value:
        return contact
    contact.do_not_contact = value
    contact.do_not_contact_at = timezone.now() if value else None
    contact.save(update_fields=["do_not_contact", "do_not_contact_at"])
    contact = _reloaded(contact)
    emit(
        contact.organization,
        "contact.updated",
        {"contact": contact_payload(contact), "changed": ["do_not_contact"]},
        actor,
    )
    return contact


@transaction.atomic
def contact_link_company(
    *, contact: Contact, company: Company, actor: User, role: str = "", is_primary: bool = False
) -> ContactCompany:
    """Link (or re-role) the contact at ``company``. The first link becomes the primary one."""
    organization = contact.organization
    require_permission(organization, actor, "crm.edit")
    errors = Errors()
    links = _links_clean(
        organization,
        {"companies": [{"company": company, "role": role, "is_primary": is_primary}]},
        errors,
    )
    errors.raise_if_any("Check the company link.")
    assert links is not None
    link = links[0]
    has_primary = any(
        other.is_primary and other.company_id != company.pk for other in contact.company_links.all()
    )
    link["is_primary"] = is_primary or not has_primary
    if _save_links(contact, [link], replace=False):
        records.emit_updated(CONTACTS, organization, [contact.pk], ["companies"], actor)
    return ContactCompany.objects.get(contact=contact, company=company)


@transaction.atomic
def contact_unlink_company(*, contact: Contact, company: Company, actor: User) -> None:
    """Remove the link; if it was the primary one, the oldest other link becomes primary."""
    require_permission(contact.organization, actor, "crm.edit")
    link = ContactCompany.objects.filter(contact=contact, company=company).first()
    if link is None:
        return
    link.delete()
    if link.is_primary:
        successor = ContactCompany.objects.filter(contact=contact).order_by("id").first()
        if successor is not None:
            successor.is_primary = True
            successor.save(update_fields=["is_primary"])
    records.emit_updated(CONTACTS, contact.organization, [contact.pk], ["companies"], actor)


CONTACTS = RecordKind(
    model=Contact, noun="contact", payload=contact_payload, with_relations=contacts_with_relations
)


@transaction.atomic
def contacts_tag(
    *,
    organization: Organization,
    actor: User,
    contact_ids: Iterable[Any],
    tag_names: Iterable[str],
    remove: bool = False,
) -> int:
    """Add (or with ``remove``, take away) tags on many contacts; returns how many changed."""
    return records.bulk_tag(
        CONTACTS,
        organization=organization,
        actor=actor,
        ids=contact_ids,
        tag_names=tag_names,
        remove=remove,
    )


@transaction.atomic
def contacts_assign_owner(
    *, organization: Organization, actor: User, contact_ids: Iterable[Any], owner: User | None
) -> int:
    """Make ``owner`` (a member, or None to unassign) the owner of many contacts."""
    return records.bulk_assign_owner(
        CONTACTS, organization=organization, actor=actor, ids=contact_ids, owner=owner
    )


@transaction.atomic
def contacts_delete(*, organization: Organization, actor: User, contact_ids: Iterable[Any]) -> int:
    return records.bulk_delete(CONTACTS, organization=organization, actor=actor, ids=contact_ids)
