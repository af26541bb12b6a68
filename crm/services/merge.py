"""Merging two contacts, or two companies, into one.

The primary record survives and the duplicate is deleted, but nothing hanging off the
duplicate is lost: its field values fill the primary's empty ones (the primary wins where both
have a value), emails, phones and tags are united, custom fields are combined, the earliest
``created_at`` and the latest contact/reply times are kept, and every row of any app that points
at the duplicate (notes, company links, and later deals, chats, enrolments…) is re-pointed to
the primary. Relations are discovered from the model's meta, so a new app's foreign key to
``Contact`` is covered without touching this module.

A re-pointed row that would break a uniqueness rule is resolved when it is only a link that the
primary already has (an automatic many-to-many row, e.g. the same tag); a company link the
primary already has keeps the primary's row and takes the duplicate's role if it had none.
Any other clash refuses the whole merge with a ``Conflict`` rather than dropping data.
"""

from __future__ import annotations

from typing import Any, TypeVar

from django.db import IntegrityError, models, transaction

from accounts.audit import audit_record
from accounts.errors import Conflict, NotFound, ValidationError
from accounts.models import Organization, User
from accounts.services import require_permission
from automation.events import emit
from crm.custom_fields import custom_values_clean, definitions_for
from crm.models import Company, Contact, ContactCompany, Entity
from crm.services.companies import company_payload
from crm.services.contacts import contact_payload

M = TypeVar("M", Contact, Company)

# Scalar fields where the duplicate's value fills a blank on the primary.
CONTACT_FILL_FIELDS = (
    "first_name",
    "last_name",
    "title",
    "source",
    "telegram_bio",
    "owner",
    "telegram_user_id",
    "telegram_username",
)
COMPANY_FILL_FIELDS = (
    "name",
    "domain",
    "website",
    "industry",
    "size",
    "country",
    "description",
    "owner",
)


@transaction.atomic
def contacts_merge(
    *, organization: Organization, actor: User, primary: Contact, duplicate: Contact
) -> Contact:
    """Fold ``duplicate`` into ``primary`` and delete it; returns the updated primary.

    Raises NotFound when either contact belongs to another organization, ValidationError when
    they are the same contact, PermissionDenied without ``crm.edit``.
    """
    require_permission(organization, actor, "crm.edit")
    primary, duplicate = _lock_pair(Contact, organization, primary, duplicate)
    _fill_blanks(primary, duplicate, CONTACT_FILL_FIELDS)
    primary.emails = _union(primary.emails, duplicate.emails)
    primary.phones = _union(primary.phones, duplicate.phones)
    primary.custom_fields = _custom_fields_combined(
        organization, Entity.CONTACT, primary, duplicate
    )
    primary.created_at = min(primary.created_at, duplicate.created_at)
    primary.last_contacted_at = _latest(primary.last_contacted_at, duplicate.last_contacted_at)
    primary.last_replied_at = _latest(primary.last_replied_at, duplicate.last_replied_at)
    has_main = ContactCompany.objects.filter(contact=primary, is_primary=True).exists()
    for link in ContactCompany.objects.filter(contact=duplicate):
        kept = ContactCompany.objects.filter(contact=primary, company_id=link.company_id).first()
        if kept is not None:
            _link_absorb(kept, link, may_become_main=not has_main)
        else:
            link.contact = primary
            link.is_primary = link.is_primary and not has_main
            link.save(update_fields=["contact", "is_primary"])
        has_main = has_main or link.is_primary
    moved = _relations_repoint(Contact, primary, duplicate)
    return _finish(organization, actor, primary, duplicate, moved, "contact")


@transaction.atomic
def companies_merge(
    *, organization: Organization, actor: User, primary: Company, duplicate: Company
) -> Company:
    """Fold ``duplicate`` into ``primary`` and delete it; returns the updated primary.

    People linked to both keep one link (the primary's, with the duplicate's role if it had
    none). Errors as for ``contacts_merge``.
    """
    require_permission(organization, actor, "crm.edit")
    primary, duplicate = _lock_pair(Company, organization, primary, duplicate)
    _fill_blanks(primary, duplicate, COMPANY_FILL_FIELDS)
    primary.custom_fields = _custom_fields_combined(
        organization, Entity.COMPANY, primary, duplicate
    )
    primary.created_at = min(primary.created_at, duplicate.created_at)
    for link in ContactCompany.objects.filter(company=duplicate):
        kept = ContactCompany.objects.filter(contact_id=link.contact_id, company=primary).first()
        if kept is not None:
            _link_absorb(kept, link, may_become_main=True)
        else:
            link.company = primary
            link.save(update_fields=["company"])
    moved = _relations_repoint(Company, primary, duplicate)
    return _finish(organization, actor, primary, duplicate, moved, "company")


def _lock_pair(model: type[M], organization: Organization, primary: M, duplicate: M) -> tuple[M, M]:
    noun = model._meta.verbose_name
    if primary.pk == duplicate.pk:
        raise ValidationError(
            f"Choose two different {model._meta.verbose_name_plural} to merge.",
            fields={"duplicate": [f"This is the same {noun} as the primary one."]},
        )
    rows = {
        obj.pk: obj
        for obj in model.objects.select_for_update().filter(
            organization=organization, pk__in=[primary.pk, duplicate.pk]
        )
    }
    if len(rows) != 2:
        raise NotFound(f"{noun.capitalize()} not found.")
    return rows[primary.pk], rows[duplicate.pk]


def _blank(value: Any) -> bool:
    return value is None or value == "" or value == [] or value == {}


def _fill_blanks(primary: models.Model, duplicate: models.Model, fields: tuple[str, ...]) -> None:
    for name in fields:
        attname = primary._meta.get_field(name).attname
        if _blank(getattr(primary, attname)) and not _blank(getattr(duplicate, attname)):
            setattr(primary, attname, getattr(duplicate, attname))


def _union(first: list[str], second: list[str]) -> list[str]:
    return list(dict.fromkeys([*first, *second]))


def _latest(first: Any, second: Any) -> Any:
    return max((v for v in (first, second) if v is not None), default=None)


def _custom_fields_combined(
    organization: Organization, entity: str, primary: M, duplicate: M
) -> dict[str, Any]:
    """The primary's values, plus the duplicate's for keys the primary lacks — each still
    valid under today's definitions (a value of a since-deleted field is dropped)."""
    definitions = definitions_for(organization, entity)
    combined = {k: v for k, v in primary.custom_fields.items() if not _blank(v)}
    for key, value in duplicate.custom_fields.items():
        if key in combined or _blank(value) or key not in definitions:
            continue
        try:
            combined.update(
                custom_values_clean(definitions=definitions, values={key: value}, partial=True)
            )
        except ValidationError:
            continue
    return combined


def _link_absorb(kept: ContactCompany, link: ContactCompany, *, may_become_main: bool) -> None:
    """Both records were linked to the same company: keep one link with what each knew."""
    changed = []
    if not kept.role and link.role:
        kept.role = link.role
        changed.append("role")
    if link.is_primary and not kept.is_primary and may_become_main:
        kept.is_primary = True
        changed.append("is_primary")
    if changed:
        kept.save(update_fields=changed)
    link.delete()


def _relations_repoint(model: type[M], primary: M, duplicate: M) -> dict[str, int]:
    """Point every row of every app that references ``duplicate`` at ``primary``.

    Reverse relations come from ``_meta`` including hidden ones (automatic many-to-many rows
    such as tags, foreign keys declared with ``related_name="+"``), so later apps are covered.
    Returns the number of rows moved per related model, for the audit log.
    """
    moved: dict[str, int] = {}
    for relation in model._meta.get_fields(include_hidden=True):
        if not (relation.auto_created and not relation.concrete):
            continue
        if relation.many_to_many:
            continue  # its through model's foreign key is one of the relations walked here
        related = relation.related_model
        field = relation.field
        rows = related._base_manager.filter(**{field.name: duplicate})
        try:
            with transaction.atomic():
                count = rows.update(**{field.name: primary})
        except IntegrityError:
            count = _repoint_each(related, field, rows, primary)
        if count:
            moved[related._meta.label] = moved.get(related._meta.label, 0) + count
    return moved


def _repoint_each(
    related: type[models.Model], field: models.Field, rows: models.QuerySet, primary: models.Model
) -> int:
    count = 0
    for row in rows:
        try:
            with transaction.atomic():
                related._base_manager.filter(pk=row.pk).update(**{field.name: primary})
            count += 1
        except IntegrityError as exc:
            if related._meta.auto_created:
                row.delete()  # the primary already has this link (e.g. the same tag)
                continue
            raise Conflict(
                f"Both records have {related._meta.verbose_name_plural} that cannot be combined "
                "automatically. Resolve them first, then merge again.",
                code="merge_conflict",
            ) from exc
    return count


def _finish(
    organization: Organization,
    actor: User,
    primary: M,
    duplicate: M,
    moved: dict[str, int],
    noun: str,
) -> M:
    merged_id, merged_label = duplicate.pk, str(duplicate)
    # Delete first: the primary may take over the duplicate's unique values (Telegram id).
    duplicate.delete()
    primary.save()
    primary.refresh_from_db()
    audit_record(
        action=f"{noun}.merged",
        actor=actor,
        organization=organization,
        target=primary,
        metadata={"merged_id": merged_id, "merged": merged_label, "moved": moved},
    )
    payload = contact_payload(primary) if noun == "contact" else company_payload(primary)
    emit(organization, f"{noun}.merged", {noun: payload, "merged_id": merged_id}, actor)
    return primary
