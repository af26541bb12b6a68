"""Reads for the CRM, scoped to an organization, each ready for its page or endpoint.

List selectors annotate ``sort_key`` and order by ``(sort_key, id)`` in one direction: that
pair is unique, so keyset (cursor) pagination can continue after any row, and each sort has an
index that starts with the organization (migration 0002).
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.db.models import Exists, F, Model, OuterRef, Prefetch, Q, QuerySet
from django.db.models.functions import Lower
from django.utils import timezone

from accounts.models import Membership, Organization, User
from automation.models import Event
from crm import search
from crm.filters import CompanyFilters, ContactFilters, ListFilters
from crm.models import (
    Company,
    Contact,
    ContactCompany,
    CustomFieldDefinition,
    ImportJob,
    Note,
    SavedView,
    Tag,
    last_contacted_sort_key,
)
from crm.search import SearchHit

CONTACT_SORT_KEYS = {
    "name": Lower("full_name"),
    "created": F("created_at"),
    "last_contacted": last_contacted_sort_key(),
}
COMPANY_SORT_KEYS = {"name": Lower("name"), "created": F("created_at")}


def _sorted(queryset: QuerySet, sort: str, keys: dict) -> QuerySet:
    descending = sort.startswith("-")
    queryset = queryset.annotate(sort_key=keys[sort.lstrip("-")])
    if descending:
        return queryset.order_by("-sort_key", "-id")
    return queryset.order_by("sort_key", "id")


def _day_start(day: datetime.date) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time.min))


def _in_range(
    queryset: QuerySet, field: str, after: datetime.date | None, before: datetime.date | None
) -> QuerySet:
    if after is not None:
        queryset = queryset.filter(**{f"{field}__gte": _day_start(after)})
    if before is not None:
        queryset = queryset.filter(**{f"{field}__lt": _day_start(before + datetime.timedelta(1))})
    return queryset


def _common_filters(queryset: QuerySet, filters: ListFilters, through: type) -> QuerySet:
    row = queryset.model._meta.model_name  # the through table's column for this side
    for tag in filters.tags:
        queryset = queryset.filter(Exists(through.objects.filter(tag=tag, **{row: OuterRef("pk")})))
    if filters.owner == "none":
        queryset = queryset.filter(owner__isnull=True)
    elif filters.owner_user is not None:
        queryset = queryset.filter(owner=filters.owner_user)
    queryset = _in_range(queryset, "created_at", filters.created_after, filters.created_before)
    for custom in filters.custom:
        lookup = f"custom_fields__{custom.key}"
        if isinstance(custom.value, list):
            queryset = queryset.filter(**{f"{lookup}__contains": custom.value})
        elif custom.field_type == CustomFieldDefinition.FieldType.TEXT:
            queryset = queryset.filter(**{f"{lookup}__iexact": custom.value})
        else:
            queryset = queryset.filter(**{lookup: custom.value})
    return queryset


# --- contacts ----------------------------------------------------------------------------------


def contact_links_prefetch() -> Prefetch:
    return Prefetch(
        "company_links",
        queryset=ContactCompany.objects.select_related("company").order_by("-is_primary", "id"),
    )


def contacts_with_relations(queryset: QuerySet[Contact]) -> QuerySet[Contact]:
    """Owner, tags and company links loaded in a fixed number of queries, whatever the rows."""
    return queryset.select_related("owner").prefetch_related("tags", contact_links_prefetch())


def contacts_list(
    organization: Organization, filters: ContactFilters | None = None
) -> QuerySet[Contact]:
    """The organization's contacts, filtered and sorted as ``filters`` say (see crm/filters.py).

    ``q`` narrows to the contacts the search box finds (its best 1,000), then the other filters
    and the sort apply to those.
    """
    filters = filters or ContactFilters()
    contacts = Contact.objects.filter(organization=organization)
    if filters.q:
        contacts = contacts.filter(pk__in=search.contact_ids_matching(organization, filters.q))
    contacts = _common_filters(contacts, filters, Contact.tags.through)
    if filters.company is not None:
        contacts = contacts.filter(
            Exists(ContactCompany.objects.filter(contact=OuterRef("pk"), company=filters.company))
        )
    if filters.source:
        contacts = contacts.filter(source__iexact=filters.source)
    if filters.last_contacted_after or filters.last_contacted_before:
        contacts = _in_range(
            contacts,
            "last_contacted_at",
            filters.last_contacted_after,
            filters.last_contacted_before,
        )
    return contacts_with_relations(_sorted(contacts, filters.sort, CONTACT_SORT_KEYS))


def contact_get(organization: Organization, pk: int) -> Contact | None:
    """One contact with its relations, or None when it is not this organization's."""
    return contacts_with_relations(Contact.objects.filter(organization=organization, pk=pk)).first()


def contacts_by_ids(organization: Organization, ids: list[int]) -> QuerySet[Contact]:
    return Contact.objects.filter(organization=organization, pk__in=ids)


def contact_sources(organization: Organization) -> list[str]:
    """Distinct sources in use, for the source filter's suggestions."""
    return list(
        Contact.objects.filter(organization=organization)
        .exclude(source="")
        .order_by("source")
        .values_list("source", flat=True)
        .distinct()[:100]
    )


@dataclass(frozen=True)
class TimelineEntry:
    """A note or an event on a record's timeline; exactly one of the two is set."""

    at: datetime.datetime
    note: Note | None = None
    event: Event | None = None

    @property
    def kind(self) -> str:
        return "note" if self.note is not None else "event"

    @property
    def actor_name(self) -> str:
        actor = self.event.actor if self.event is not None else None
        return (actor.full_name or actor.email) if actor is not None else ""

    @property
    def icon(self) -> str:
        verb = self.event.name.split(".", 1)[1] if self.event is not None else ""
        return {"created": "plus-circle", "updated": "pencil", "merged": "intersect"}.get(
            verb, "dot"
        )

    @property
    def text(self) -> str:
        """What happened, as a sentence without its subject ("changed tags and owner")."""
        if self.event is None:
            return ""
        noun, verb = self.event.name.split(".", 1)
        if verb == "created":
            return f"created this {noun}"
        if verb == "merged":
            return f"merged a duplicate into this {noun}"
        changed = [
            _FIELD_NAMES.get(f, f.replace("_", " ")) for f in self.event.payload.get("changed", [])
        ]
        if not changed:
            return f"updated this {noun}"
        listed = ", ".join(changed[:-1]) + (" and " if len(changed) > 1 else "") + changed[-1]
        return f"changed {listed}"


_FIELD_NAMES = {
    "emails": "emails",
    "phones": "phones",
    "telegram_user_id": "Telegram id",
    "telegram_username": "Telegram username",
    "telegram_bio": "Telegram bio",
    "custom_fields": "custom fields",
    "last_contacted_at": "last contacted",
    "last_replied_at": "last replied",
}


def _timeline(
    subject: Contact | Company, notes: QuerySet[Note], names: tuple[str, ...], limit: int
) -> list[TimelineEntry]:
    key = "contact" if isinstance(subject, Contact) else "company"
    about = Q()
    for pk in _merged_ids(subject, key):
        about |= Q(payload__contains={key: {"id": pk}})
    events = (
        Event.objects.filter(about, organization_id=subject.organization_id, name__in=names)
        .select_related("actor")
        .order_by("-id")[:limit]
    )
    entries = [TimelineEntry(at=note.created_at, note=note) for note in notes[:limit]]
    entries += [TimelineEntry(at=event.created_at, event=event) for event in events]
    entries.sort(key=lambda entry: entry.at, reverse=True)
    return entries[:limit]


def _merged_ids(subject: Contact | Company, key: str) -> list[int]:
    """The subject's id and those of the records merged into it (and into those, …), so its
    history keeps what happened to them before the merge."""
    ids, new = [subject.pk], [subject.pk]
    while new and len(ids) < 100:
        into = Q()
        for pk in new:
            into |= Q(payload__contains={key: {"id": pk}})
        merged = Event.objects.filter(
            into, organization_id=subject.organization_id, name=f"{key}.merged"
        ).values_list("payload__merged_id", flat=True)
        new = [pk for pk in merged if pk not in ids]
        ids += new
    return ids


def contact_timeline(contact: Contact, limit: int = 100) -> list[TimelineEntry]:
    """Notes and the contact's own events, newest first (other apps' events join later)."""
    notes = notes_list(contact.organization, contact=contact)
    return _timeline(
        contact, notes, ("contact.created", "contact.updated", "contact.merged"), limit
    )


# --- companies ---------------------------------------------------------------------------------


def companies_with_relations(queryset: QuerySet[Company]) -> QuerySet[Company]:
    return queryset.select_related("owner").prefetch_related("tags")


def companies_list(
    organization: Organization, filters: CompanyFilters | None = None
) -> QuerySet[Company]:
    filters = filters or CompanyFilters()
    companies = Company.objects.filter(organization=organization)
    if filters.q:
        companies = companies.filter(pk__in=search.company_ids_matching(organization, filters.q))
    companies = _common_filters(companies, filters, Company.tags.through)
    return companies_with_relations(_sorted(companies, filters.sort, COMPANY_SORT_KEYS))


def company_get(organization: Organization, pk: int) -> Company | None:
    return companies_with_relations(
        Company.objects.filter(organization=organization, pk=pk)
    ).first()


def company_timeline(company: Company, limit: int = 100) -> list[TimelineEntry]:
    notes = notes_list(company.organization, company=company)
    return _timeline(
        company, notes, ("company.created", "company.updated", "company.merged"), limit
    )


def company_industries(organization: Organization) -> list[str]:
    """Distinct industries in use, for suggestions in forms and filters."""
    return list(
        Company.objects.filter(organization=organization)
        .exclude(industry="")
        .order_by("industry")
        .values_list("industry", flat=True)
        .distinct()[:100]
    )


def company_contacts(company: Company) -> QuerySet[ContactCompany]:
    """The company's people with their role there, primary links first."""
    return (
        ContactCompany.objects.filter(organization_id=company.organization_id, company=company)
        .select_related("contact")
        .order_by("-is_primary", "contact__first_name", "contact__last_name", "id")
    )


def companies_by_ids(organization: Organization, ids: list[int]) -> QuerySet[Company]:
    return Company.objects.filter(organization=organization, pk__in=ids)


# --- search ------------------------------------------------------------------------------------


def crm_search(organization: Organization, q: str, limit: int = 20) -> list[SearchHit]:
    """Ranked contacts and companies for the one search box (see crm/search.py)."""
    return search.search_everything(organization, q, limit=limit)


# --- notes, tags, custom fields, saved views ---------------------------------------------------


def notes_list(
    organization: Organization,
    *,
    contact: Contact | None = None,
    company: Company | None = None,
    deal: Model | None = None,
) -> QuerySet[Note]:
    """Newest first. Sorted by ``(created_at, id)``: unique, so cursor pages are stable.
    ``deal`` is a ``pipelines.Deal`` (crm does not import pipelines)."""
    notes = Note.objects.filter(organization=organization)
    if contact is not None:
        notes = notes.filter(contact=contact)
    if company is not None:
        notes = notes.filter(company=company)
    if deal is not None:
        notes = notes.filter(deal=deal)
    return notes.select_related("author").order_by("-created_at", "-id")


def note_get(organization: Organization, pk: int) -> Note | None:
    return Note.objects.filter(organization=organization, pk=pk).select_related("author").first()


def tags_list(organization: Organization) -> QuerySet[Tag]:
    return Tag.objects.filter(organization=organization).order_by("name", "id")


def custom_field_definitions_list(
    organization: Organization, entity: str | None = None
) -> QuerySet[CustomFieldDefinition]:
    definitions = CustomFieldDefinition.objects.filter(organization=organization)
    if entity:
        definitions = definitions.filter(entity=entity)
    return definitions.order_by("entity", "position", "id")


def saved_views_list(
    organization: Organization, user: User, entity: str | None = None
) -> QuerySet[SavedView]:
    """The user's own views and those shared with the organization."""
    views = SavedView.objects.filter(organization=organization).filter(
        Q(owner=user) | Q(shared=True)
    )
    if entity:
        views = views.filter(entity=entity)
    return views.select_related("owner").order_by("name", "id")


def org_members(organization: Organization) -> QuerySet[User]:
    """People a contact or company can be assigned to."""
    return User.objects.filter(
        pk__in=Membership.objects.filter(organization=organization).values("user_id")
    ).order_by("full_name", "email")


# --- Imports ---------------------------------------------------------------------------------


def imports_list(organization: Organization) -> QuerySet[ImportJob]:
    """The organization's CSV imports, newest first."""
    return (
        ImportJob.objects.filter(organization=organization)
        .select_related("created_by")
        .order_by("-created_at", "-id")
    )


def import_get(organization: Organization, pk: int) -> ImportJob | None:
    return imports_list(organization).filter(pk=pk).first()
