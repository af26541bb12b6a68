"""Writing one chunk of clean import rows, set-based: one query finds every existing record the
chunk's rows match, then ``bulk_create`` / ``bulk_update`` and the tag and company link tables in
bulk. The per-row services would cost a dozen queries a row; an import must do thousands of rows
a second.

Rows are applied in file order against an index of the records known so far (existing ones and
those this chunk creates), so a row repeating an earlier row of the same file — in this chunk or
an earlier one — updates that record instead of creating a duplicate, and the outcome does not
depend on the chunk size. The caller runs each chunk in one transaction.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from django.core.serializers.json import DjangoJSONEncoder
from django.db import connection, models
from django.db.models import Field, Model, Q
from django.db.models.functions import Lower
from django.utils import timezone
from psycopg.types.json import Jsonb

from accounts.models import Organization
from crm.enrichment import company_guess_from_emails
from crm.import_fields import RowCleaner
from crm.models import Company, Contact, ContactCompany, Tag

Rows = list[tuple[int, dict[str, Any]]]

CONTACT_SCALARS = ("first_name", "last_name", "title", "source", "owner_id")
COMPANY_SCALARS = ("name", "domain", "website", "industry", "size", "country", "description")
COMPANY_SCALARS += ("owner_id",)
_CONTACT_LOAD = ("id", *CONTACT_SCALARS, "emails", "phones", "telegram_username")
_CONTACT_LOAD += ("telegram_user_id", "custom_fields")


@dataclass
class ChunkOutcome:
    created: int = 0
    updated: int = 0
    skipped: int = 0
    failures: list[tuple[int, str]] = field(default_factory=list)


@dataclass(slots=True)
class _Pending:
    """What a chunk does to one record: the fields it changes and the links it adds."""

    record: Any  # a contact _Record or a Company
    is_new: bool
    fields: set[str] = field(default_factory=set)
    known_tags: set[str] = field(default_factory=set)
    tags: dict[str, str] = field(default_factory=dict)
    known_companies: dict[str, str] = field(default_factory=dict)  # key → role
    companies: dict[str, tuple[str, str, str]] = field(default_factory=dict)


def _merge_list(current: list[str], extra: list[str]) -> list[str]:
    """``current`` followed by the items of ``extra`` it lacks (``extra`` has no repeats)."""
    if not current:
        return list(extra)
    return current + [item for item in extra if item not in current]


def _set_scalars(record: Any, values: dict[str, Any], names: Iterable[str]) -> set[str]:
    changed = set()
    for name in names:
        value = values.get(name)
        if value not in (None, "") and getattr(record, name) != value:
            setattr(record, name, value)
            changed.add(name)
    return changed


def _set_custom(record: Any, values: dict[str, Any]) -> set[str]:
    custom = values.get("custom_fields")
    if not custom:
        return set()
    merged = {**record.custom_fields, **custom}
    if merged == record.custom_fields:
        return set()
    record.custom_fields = merged
    return {"custom_fields"}


def _add_tags(pending: _Pending, names: list[str]) -> bool:
    added = False
    for name in names:
        key = name.lower()
        if key not in pending.known_tags and key not in pending.tags:
            pending.tags[key] = name
            added = True
    return added


# --- Contacts --------------------------------------------------------------------------------


class _Record:
    """A contact as the import edits it: plain attributes, without a model instance's cost."""

    def __init__(self, **values: Any) -> None:
        self.__dict__.update(values)


def _contact_new(organization: Organization, values: dict[str, Any]) -> _Record:
    """A new contact from a row no contact matched: its identifiers are free by definition."""
    return _Record(
        pk=None,
        organization_id=organization.pk,
        first_name=values.get("first_name", ""),
        last_name=values.get("last_name", ""),
        title=values.get("title", ""),
        source=values.get("source", ""),
        owner_id=values.get("owner_id"),
        emails=values.get("emails", []),
        phones=values.get("phones", []),
        telegram_username=values.get("telegram_username", ""),
        telegram_user_id=values.get("telegram_user_id"),
        custom_fields=values.get("custom_fields", {}),
    )


class _ContactIndex:
    """Contacts by each identifier; the first contact to claim an identifier keeps it."""

    def __init__(self) -> None:
        self.by_email: dict[str, _Record] = {}
        self.by_phone: dict[str, _Record] = {}
        self.by_username: dict[str, _Record] = {}
        self.by_tg_id: dict[int, _Record] = {}

    def add(self, contact: _Record) -> None:
        for email in contact.emails:
            self.by_email.setdefault(email, contact)
        for phone in contact.phones:
            self.by_phone.setdefault(phone, contact)
        if contact.telegram_username:
            self.by_username.setdefault(contact.telegram_username, contact)
        if contact.telegram_user_id:
            self.by_tg_id.setdefault(contact.telegram_user_id, contact)

    def find(self, values: dict[str, Any]) -> _Record | None:
        """The match by Telegram id, then @username, then email, then phone."""
        tg_id = values.get("telegram_user_id")
        if tg_id and tg_id in self.by_tg_id:
            return self.by_tg_id[tg_id]
        username = values.get("telegram_username")
        if username and username in self.by_username:
            return self.by_username[username]
        for email in values.get("emails", ()):
            if email in self.by_email:
                return self.by_email[email]
        for phone in values.get("phones", ()):
            if phone in self.by_phone:
                return self.by_phone[phone]
        return None


def _contact_apply(contact: _Record, values: dict[str, Any], index: _ContactIndex) -> set[str]:
    changed = _set_scalars(contact, values, CONTACT_SCALARS)
    # Telegram identifiers are unique per organization: one another contact holds stays there.
    for name, holders in (
        ("telegram_username", index.by_username),
        ("telegram_user_id", index.by_tg_id),
    ):
        value = values.get(name)
        if value and getattr(contact, name) != value and holders.get(value, contact) is contact:
            setattr(contact, name, value)
            changed.add(name)
    for name in ("emails", "phones"):
        extra = values.get(name)
        if extra:
            merged = _merge_list(getattr(contact, name), extra)
            if len(merged) != len(getattr(contact, name)):
                setattr(contact, name, merged)
                changed.add(name)
    return changed | _set_custom(contact, values)


def _company_key(name: str, domain: str) -> str:
    return f"d:{domain}" if domain else f"n:{name.lower()}"


def contacts_write(
    *, organization: Organization, rows: Rows, update: bool, cleaner: RowCleaner
) -> ChunkOutcome:
    """Create, update or skip the contacts of ``rows`` (line, clean values) in bulk."""
    outcome = ChunkOutcome()
    existing = _contacts_matching(organization, rows)
    index = _ContactIndex()
    for contact in existing:
        index.add(contact)
    pending: dict[int, _Pending] = {}
    if update and existing:
        _contacts_known_links(pending, existing)
    for line, values in rows:
        contact = index.find(values)
        if contact is None:
            missing = cleaner.required_missing(values.get("custom_fields", {}))
            if missing:
                labels = ", ".join(missing)
                outcome.failures.append((line, f"Required custom fields are empty: {labels}."))
                continue
            contact = _contact_new(organization, values)
            state = pending[id(contact)] = _Pending(contact, is_new=True)
            outcome.created += 1
        elif not update:
            outcome.skipped += 1
            continue
        else:
            state = pending.setdefault(id(contact), _Pending(contact, is_new=False))
            changed = _contact_apply(contact, values, index)
            state.fields |= changed
            changed = bool(changed) | _add_tags(state, values.get("tags", []))
            changed |= _want_company(state, values)
            if changed:
                outcome.updated += 1
            else:
                outcome.skipped += 1
        index.add(contact)
        if state.is_new:
            _add_tags(state, values.get("tags", []))
            _want_company(state, values)
    for state in pending.values():
        _company_from_email(state)
    _contacts_save(organization, pending)
    return outcome


def _want_company(state: _Pending, values: dict[str, Any]) -> bool:
    name, domain = values.get("company", ""), values.get("company_domain", "")
    if not name and not domain:
        return False
    key = _company_key(name, domain)
    role = values.get("company_role", "")
    known_role = state.known_companies.get(key, state.known_companies.get(f"n:{name.lower()}"))
    if known_role is not None and (not role or role == known_role):
        return False
    previous = state.companies.get(key)
    if previous is not None and previous[2] == role:
        return False
    state.companies[key] = (name, domain, role)
    return True


def _company_from_email(state: _Pending) -> None:
    """Enrichment, in bulk: a contact left without any company (none in the file, none on
    record) is linked to the company of their work email, created when new — what the
    ``email_domain`` provider does for contacts saved one at a time."""
    # Existing contacts here had their links loaded (``_contacts_known_links``); one the file
    # leaves unchanged is counted as skipped, so it is not touched either.
    if state.companies or state.known_companies or not (state.is_new or state.fields):
        return
    guess = company_guess_from_emails(state.record.emails or [])
    if guess is not None:
        state.companies[_company_key(guess.name, guess.domain)] = (guess.name, guess.domain, "")


# One query finds the chunk's matches. Emails and phones are probed one value at a time through
# their GIN indexes (``emails @> ARRAY[value]``): with ``emails && <1,000 values>`` the planner
# prefers a sequential or organization-index scan whose per-row cost it underestimates
# (1,000 comparisons a row), measured at 300 ms a chunk instead of 15 to 30 ms. Neither the
# probes nor the fetch by id mention the organization, so its b-tree index (misjudged for an
# organization whose import just grew it from nothing) cannot take over the plan; the
# materialised candidates are filtered by organization afterwards.
_CONTACTS_MATCHING_SQL = """
WITH candidates AS MATERIALIZED (
    SELECT {columns}, organization_id FROM crm_contact WHERE id = ANY(ARRAY(
        SELECT c.id FROM unnest(%(emails)s::varchar(254)[]) AS q(v)
            JOIN crm_contact c ON c.emails @> ARRAY[q.v]
        UNION ALL
        SELECT c.id FROM unnest(%(phones)s::varchar(20)[]) AS q(v)
            JOIN crm_contact c ON c.phones @> ARRAY[q.v]
        UNION ALL
        SELECT id FROM crm_contact WHERE organization_id = %(org)s AND telegram_username <> ''
            AND telegram_username = ANY(%(usernames)s::varchar(32)[])
        UNION ALL
        SELECT id FROM crm_contact WHERE organization_id = %(org)s
            AND telegram_user_id IS NOT NULL AND telegram_user_id = ANY(%(tg_ids)s::bigint[])
    ))
)
SELECT {columns} FROM candidates WHERE organization_id = %(org)s ORDER BY id
"""


def _contacts_matching(organization: Organization, rows: Rows) -> list[_Record]:
    emails, phones, usernames, tg_ids = set(), set(), set(), set()
    for _, values in rows:
        emails.update(values.get("emails", ()))
        phones.update(values.get("phones", ()))
        if values.get("telegram_username"):
            usernames.add(values["telegram_username"])
        if values.get("telegram_user_id"):
            tg_ids.add(values["telegram_user_id"])
    if not (emails or phones or usernames or tg_ids):
        return []
    columns = [Contact._meta.get_field(name).column for name in _CONTACT_LOAD]
    sql = _CONTACTS_MATCHING_SQL.format(columns=", ".join(columns))
    params = {
        "org": organization.pk,
        "emails": sorted(emails),
        "phones": sorted(phones),
        "usernames": sorted(usernames),
        "tg_ids": sorted(tg_ids),
    }
    with connection.cursor() as cursor:
        # On a small table the planner may scan it once per probe instead (1 s a chunk at
        # 30,000 rows); a probe by index is right at every size, so rule the scan out.
        cursor.execute("SET LOCAL enable_seqscan = off")
        cursor.execute(sql, params)
        records = [_Record(**dict(zip(_CONTACT_LOAD, row, strict=True))) for row in cursor]
        cursor.execute("SET LOCAL enable_seqscan = on")
    for record in records:
        record.pk = record.id
        record.organization_id = organization.pk
    return records


def _contacts_known_links(pending: dict[int, _Pending], contacts: list[_Record]) -> None:
    """Record the tags and companies existing contacts already have, so an update that adds
    nothing new counts as skipped."""
    by_pk = {}
    for contact in contacts:
        by_pk[contact.pk] = pending[id(contact)] = _Pending(contact, is_new=False)
    through = Contact.tags.through
    for contact_id, name in through.objects.filter(contact_id__in=by_pk).values_list(
        "contact_id", "tag__name"
    ):
        by_pk[contact_id].known_tags.add(name.lower())
    links = ContactCompany.objects.filter(contact_id__in=by_pk).values_list(
        "contact_id", "company__name", "company__domain", "role"
    )
    for contact_id, name, domain, role in links:
        known = by_pk[contact_id].known_companies
        known[f"n:{name.lower()}"] = role
        if domain:
            known[f"d:{domain}"] = role


def _contacts_save(organization: Organization, pending: dict[int, _Pending]) -> None:
    now = timezone.now()
    new = [state.record for state in pending.values() if state.is_new]
    rows_copy(Contact, new, now=now)
    dirty = [state for state in pending.values() if not state.is_new and state.fields]
    if dirty:
        fields = sorted(set().union(*(state.fields for state in dirty)))
        rows_update(Contact, [state.record for state in dirty], fields, now=now)
    if new or dirty:
        # New index entries wait in the GIN indexes' unsorted pending lists, which every probe
        # of the next chunk would scan whole (75 ms a chunk instead of 15): merge them now.
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT gin_clean_pending_list(%s::regclass), gin_clean_pending_list(%s::regclass)",
                ["contact_emails_gin", "contact_phones_gin"],
            )
    tags = tags_resolve(organization, [n for s in pending.values() for n in s.tags.values()])
    pairs = [(s.record.pk, tags[key].pk) for s in pending.values() for key in s.tags]
    if pairs:
        with connection.cursor() as cursor:
            cursor.execute(
                "INSERT INTO crm_contact_tags (contact_id, tag_id) "
                "SELECT * FROM unnest(%s::bigint[], %s::bigint[]) ON CONFLICT DO NOTHING",
                [[p[0] for p in pairs], [p[1] for p in pairs]],
            )
    wanted = [link for state in pending.values() for link in state.companies.values()]
    if wanted:
        _contacts_link_companies(organization, pending, wanted, now)


def _contacts_link_companies(
    organization: Organization,
    pending: dict[int, _Pending],
    wanted: list[tuple[str, str, str]],
    now: datetime,
) -> None:
    companies = companies_resolve(organization, [(name, domain) for name, domain, _ in wanted])
    links = [
        (state.record.pk, companies[key], role, state.is_new or not state.known_companies)
        for state in pending.values()
        for key, (_name, _domain, role) in state.companies.items()
    ]
    with connection.cursor() as cursor:
        # A role in the file replaces the one on record; an empty one keeps it.
        cursor.execute(
            "INSERT INTO crm_contactcompany "
            "(organization_id, contact_id, company_id, role, is_primary, created_at) "
            "SELECT %s, l.* , %s FROM unnest(%s::bigint[], %s::bigint[], %s::text[], "
            "%s::boolean[]) AS l "
            "ON CONFLICT (contact_id, company_id) DO UPDATE SET role = EXCLUDED.role "
            "WHERE EXCLUDED.role <> ''",
            [organization.pk, now, *(list(column) for column in zip(*links, strict=True))],
        )


def _table_fields(model: type[Model]) -> list[Field]:
    return [f for f in model._meta.concrete_fields if not f.generated]


def rows_copy(model: type[Model], records: list[_Record], *, now: datetime) -> None:
    """Insert ``records`` with ``COPY`` and give each its ``pk``.

    Ids are reserved from the table's sequence first, since ``COPY`` returns none. Columns
    come from the model, so a field added later is written with its default. ``created_at``
    and ``updated_at`` are ``now``.
    """
    if not records:
        return
    table = model._meta.db_table
    fields = _table_fields(model)
    defaults = {f.attname: f.get_default() for f in fields}
    defaults.update(created_at=now, updated_at=now)
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT nextval(pg_get_serial_sequence(%s, 'id')) FROM generate_series(1, %s)",
            [table, len(records)],
        )
        for record, (pk,) in zip(records, cursor.fetchall(), strict=True):
            record.pk = pk
        columns = [f.column for f in fields]
        cursor.execute(
            "SELECT attname, format_type(atttypid, NULL) FROM pg_attribute "
            "WHERE attrelid = %s::regclass AND attnum > 0 AND NOT attisdropped",
            [table],
        )
        types = dict(cursor.fetchall())
        names = [f.attname for f in fields]
        json_fields = {f.attname for f in fields if isinstance(f, models.JSONField)}
        pk_name = model._meta.pk.attname
        quote = connection.ops.quote_name
        sql = f"COPY {quote(table)} ({', '.join(map(quote, columns))}) FROM STDIN (FORMAT BINARY)"
        with cursor.copy(sql) as copy:
            copy.set_types([types[column] for column in columns])
            for record in records:
                values = {**defaults, **record.__dict__, pk_name: record.pk}
                for name in json_fields:
                    values[name] = Jsonb(values[name])
                copy.write_row([values[name] for name in names])


def rows_update(
    model: type[Model], records: list[_Record], fields: list[str], *, now: datetime
) -> None:
    """``UPDATE … FROM jsonb_to_recordset``: ``fields`` of every record in one statement (the
    ORM's ``bulk_update`` builds a CASE per field and row, too slow for thousands of rows)."""
    meta = model._meta
    columns = [meta.get_field(name) for name in fields]
    quote = connection.ops.quote_name
    definition = ", ".join(
        ["id bigint", *(f"{quote(f.column)} {f.db_type(connection)}" for f in columns)]
    )
    assignments = ", ".join(f"{quote(f.column)} = v.{quote(f.column)}" for f in columns)
    payload = [
        {"id": record.pk, **{f.column: getattr(record, f.attname) for f in columns}}
        for record in records
    ]
    # Identifiers come from the model's own metadata, quoted; values are parameters.
    sql = (
        f"UPDATE {quote(meta.db_table)} AS t SET {assignments}, updated_at = %s "  # noqa: S608
        f"FROM jsonb_to_recordset(%s::jsonb) AS v({definition}) WHERE t.id = v.id"
    )
    with connection.cursor() as cursor:
        cursor.execute(
            sql,
            [now, json.dumps(payload, cls=DjangoJSONEncoder)],
        )


def tags_resolve(organization: Organization, names: list[str]) -> dict[str, Tag]:
    """Tags by lower-cased name, creating the missing ones."""
    wanted = {name.lower(): name for name in names}
    if not wanted:
        return {}
    found = _tags_by_name(organization, wanted)
    missing = [Tag(organization=organization, name=wanted[k]) for k in wanted if k not in found]
    if missing:
        Tag.objects.bulk_create(missing, ignore_conflicts=True)
        found.update(_tags_by_name(organization, {t.name.lower() for t in missing}))
    return found


def _tags_by_name(organization: Organization, keys: Iterable[str]) -> dict[str, Tag]:
    tags = Tag.objects.annotate(key=Lower("name")).filter(organization=organization, key__in=keys)
    return {tag.key: tag for tag in tags}


def companies_resolve(organization: Organization, wanted: list[tuple[str, str]]) -> dict[str, int]:
    """Company ids by ``_company_key``: matched on domain, then on name (case-insensitive);
    missing companies are created (one known only by its domain is named after it)."""
    domains = {domain for _, domain in wanted if domain}
    names = {name.lower() for name, _ in wanted if name}
    by_domain: dict[str, int] = {}
    by_name: dict[str, int] = {}
    found = (
        Company.objects.annotate(key=Lower("name"))
        .filter(Q(domain__in=domains) | Q(key__in=names), organization=organization)
        .order_by("pk")
        .values_list("pk", "domain", "key")
    )
    for pk, domain, key in found:
        if domain:
            by_domain.setdefault(domain, pk)
        by_name.setdefault(key, pk)
    result: dict[str, int] = {}
    new: dict[str, Company] = {}
    for name, domain in wanted:
        key = _company_key(name, domain)
        if key in result or key in new:
            continue
        pk = (by_domain.get(domain) if domain else None) or by_name.get(name.lower())
        if pk is not None:
            result[key] = pk
            continue
        name = name or domain.split(".")[0].capitalize()
        twin = new.get(f"d:{domain}") if domain else new.get(f"n:{name.lower()}")
        new[key] = twin or Company(
            organization=organization, name=name, domain=domain, created_at=timezone.now()
        )
        new.setdefault(f"n:{name.lower()}", new[key])
    Company.objects.bulk_create({id(company): company for company in new.values()}.values())
    result.update({key: company.pk for key, company in new.items()})
    return result


# --- Companies -------------------------------------------------------------------------------


def companies_write(
    *, organization: Organization, rows: Rows, update: bool, cleaner: RowCleaner
) -> ChunkOutcome:
    """Create, update or skip the companies of ``rows``; a row matches a company with the same
    domain, else the same name (case-insensitive)."""
    outcome = ChunkOutcome()
    domains = {v["domain"] for _, v in rows if v.get("domain")}
    names = {v["name"].lower() for _, v in rows if v.get("name")}
    by_domain: dict[str, Company] = {}
    by_name: dict[str, Company] = {}
    for company in (
        Company.objects.annotate(key=Lower("name"))
        .filter(Q(domain__in=domains) | Q(key__in=names), organization=organization)
        .order_by("pk")
    ):
        if company.domain:
            by_domain.setdefault(company.domain, company)
        by_name.setdefault(company.key, company)
    pending: dict[int, _Pending] = {}
    known_by_pk: dict[int, set[str]] = {}
    candidates = {c.pk for c in by_name.values()} | {c.pk for c in by_domain.values()}
    if update and candidates:
        known = Company.tags.through.objects.filter(company_id__in=candidates)
        for company_id, name in known.values_list("company_id", "tag__name"):
            known_by_pk.setdefault(company_id, set()).add(name.lower())
    for line, values in rows:
        domain = values.get("domain", "")
        company = (by_domain.get(domain) if domain else None) or by_name.get(values["name"].lower())
        if company is None:
            missing = cleaner.required_missing(values.get("custom_fields", {}))
            if missing:
                labels = ", ".join(missing)
                outcome.failures.append((line, f"Required custom fields are empty: {labels}."))
                continue
            company = Company(organization=organization)
            _set_scalars(company, values, COMPANY_SCALARS)
            _set_custom(company, values)
            state = pending[id(company)] = _Pending(company, is_new=True)
            _add_tags(state, values.get("tags", []))
            outcome.created += 1
        elif not update:
            outcome.skipped += 1
            continue
        else:
            state = pending.get(id(company))
            if state is None:
                state = pending[id(company)] = _Pending(company, is_new=False)
                state.known_tags = known_by_pk.get(company.pk, set())
            scalars = [n for n in COMPANY_SCALARS if n != "name"]
            if values["name"].lower() != company.name.lower():
                scalars.append("name")
            changed = _set_scalars(company, values, scalars) | _set_custom(company, values)
            state.fields |= changed
            if _add_tags(state, values.get("tags", [])) or changed:
                outcome.updated += 1
            else:
                outcome.skipped += 1
        if company.domain:
            by_domain.setdefault(company.domain, company)
        by_name.setdefault(company.name.lower(), company)
    _companies_save(organization, pending)
    return outcome


def _companies_save(organization: Organization, pending: dict[int, _Pending]) -> None:
    now = timezone.now()
    new = [state.record for state in pending.values() if state.is_new]
    for company in new:
        company.created_at = now
    Company.objects.bulk_create(new, batch_size=1000)
    dirty = [state for state in pending.values() if not state.is_new and state.fields]
    if dirty:
        fields = set().union(*(state.fields for state in dirty)) | {"updated_at"}
        records = [state.record for state in dirty]
        for company in records:
            company.updated_at = now
        Company.objects.bulk_update(records, sorted(fields), batch_size=1000)
    tags = tags_resolve(organization, [n for s in pending.values() for n in s.tags.values()])
    Company.tags.through.objects.bulk_create(
        [
            Company.tags.through(company_id=state.record.pk, tag_id=tags[key].pk)
            for state in pending.values()
            for key in state.tags
        ],
        ignore_conflicts=True,
        batch_size=2000,
    )
