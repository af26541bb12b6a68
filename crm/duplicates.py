"""Probable duplicate contacts and companies, for people to review and merge
(``crm.services.merge``).

A contact pair is probable when the two share an email address or a phone number, or when
their names are trigram-similar (pg_trgm ``similarity`` ≥ 0.6) and they work at the same
company. A company pair shares a domain or has a similar name. Telegram ids and @usernames are
unique per organization (database constraints), so two contacts can never share one: the write
paths and the CSV import match on them instead of creating a second contact.

The work of one call is bounded however large the organization: it examines a *window* of the
newest records (``window`` of them, older than the ``before`` cursor) and pairs each with any
older record. Every pair is found exactly once, in the window of its newer record; the result
carries the cursor of the next window. The joins use the GIN indexes on the email and phone
arrays (``&&``), the company-link indexes and the trigram index on company names, each capped
by ``limit``.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Generic, TypeVar

from django.db import connection, models, transaction

from accounts.models import Organization
from crm.models import Company, Contact, DuplicateDismissal, Entity

NAME_SIMILARITY = 0.6
WINDOW = 2_000
LIMIT = 200

REASON_LABELS = {
    "email": "Same email",
    "phone": "Same phone",
    "name": "Similar name at the same company",
    "domain": "Same domain",
    "company_name": "Similar name",
}

R = TypeVar("R", Contact, Company)


@dataclass(frozen=True)
class DuplicateReason:
    code: str  # a key of REASON_LABELS
    value: str  # what they share: the email, phone, domain, company or the other name

    @property
    def label(self) -> str:
        return REASON_LABELS[self.code]


@dataclass
class DuplicatePair(Generic[R]):
    older: R
    newer: R
    reasons: list[DuplicateReason] = field(default_factory=list)


@dataclass
class DuplicatePage(Generic[R]):
    pairs: list[DuplicatePair[R]]
    next_before: int | None  # ``before`` for the next (older) window; None after the oldest


_CONTACT_PAIRS_SQL = """
(SELECT a.id, b.id, 'email',
        (SELECT e FROM unnest(b.emails) e WHERE e = ANY(a.emails) LIMIT 1)
   FROM crm_contact b
   JOIN crm_contact a ON a.organization_id = b.organization_id AND a.emails && b.emails
                     AND a.id < b.id
  WHERE b.organization_id = %(org)s AND b.id >= %(low)s AND b.id < %(high)s
    AND b.emails <> '{}'
  LIMIT %(limit)s)
UNION ALL
(SELECT a.id, b.id, 'phone',
        (SELECT p FROM unnest(b.phones) p WHERE p = ANY(a.phones) LIMIT 1)
   FROM crm_contact b
   JOIN crm_contact a ON a.organization_id = b.organization_id AND a.phones && b.phones
                     AND a.id < b.id
  WHERE b.organization_id = %(org)s AND b.id >= %(low)s AND b.id < %(high)s
    AND b.phones <> '{}'
  LIMIT %(limit)s)
UNION ALL
(SELECT a.id, b.id, 'name', co.name
   FROM crm_contact b
   JOIN crm_contactcompany lb ON lb.contact_id = b.id
   JOIN crm_contactcompany la ON la.company_id = lb.company_id AND la.contact_id < b.id
   JOIN crm_contact a ON a.id = la.contact_id
   JOIN crm_company co ON co.id = lb.company_id
  WHERE b.organization_id = %(org)s AND b.id >= %(low)s AND b.id < %(high)s
    AND b.full_name <> ''
    AND similarity(lower(a.full_name), lower(b.full_name)) >= %(similarity)s
  LIMIT %(limit)s)
"""

_COMPANY_PAIRS_SQL = """
(SELECT a.id, b.id, 'domain', b.domain
   FROM crm_company b
   JOIN crm_company a ON a.organization_id = b.organization_id AND a.domain = b.domain
                     AND a.id < b.id
  WHERE b.organization_id = %(org)s AND b.id >= %(low)s AND b.id < %(high)s
    AND b.domain <> ''
  LIMIT %(limit)s)
UNION ALL
(SELECT a.id, b.id, 'company_name', a.name
   FROM crm_company b
   JOIN crm_company a ON a.organization_id = b.organization_id
                     AND lower(a.name) %% lower(b.name) AND a.id < b.id
  WHERE b.organization_id = %(org)s AND b.id >= %(low)s AND b.id < %(high)s
  LIMIT %(limit)s)
"""


def contact_duplicate_pairs(
    organization: Organization,
    *,
    before: int | None = None,
    window: int = WINDOW,
    limit: int = LIMIT,
) -> DuplicatePage[Contact]:
    """Probable duplicate contacts whose newer half is in the window before ``before``."""
    return _pairs(Contact, _CONTACT_PAIRS_SQL, organization, before, window, limit)


def company_duplicate_pairs(
    organization: Organization,
    *,
    before: int | None = None,
    window: int = WINDOW,
    limit: int = LIMIT,
) -> DuplicatePage[Company]:
    """Probable duplicate companies whose newer half is in the window before ``before``."""
    return _pairs(Company, _COMPANY_PAIRS_SQL, organization, before, window, limit)


def _pairs(
    model: type[R],
    sql: str,
    organization: Organization,
    before: int | None,
    window: int,
    limit: int,
) -> DuplicatePage[R]:
    rows = model.objects.filter(organization=organization)
    if before is not None:
        rows = rows.filter(pk__lt=before)
    ids = rows.order_by("-pk").values_list("pk", flat=True)
    # The window's oldest id; one more row tells whether an older window exists.
    edge = list(ids[window - 1 : window + 1])
    if not edge:
        low, next_before = 0, None
    else:
        low, next_before = edge[0], (edge[0] if len(edge) == 2 else None)
    params = {
        "org": organization.pk,
        "low": low,
        "high": before if before is not None else 2**63 - 1,
        "limit": limit,
        "similarity": NAME_SIMILARITY,
    }
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SET LOCAL pg_trgm.similarity_threshold = %s", [NAME_SIMILARITY])
        cursor.execute(sql, params)
        found = cursor.fetchall()
    found = _without_dismissed(organization, model, found)
    return DuplicatePage(pairs=_assemble(model, found)[:limit], next_before=next_before)


def _without_dismissed(
    organization: Organization, model: type[R], rows: list[tuple[int, int, str, str]]
) -> list[tuple[int, int, str, str]]:
    """Drop the pairs someone marked "not a duplicate" (one query for the whole window)."""
    if not rows:
        return rows
    entity = Entity.CONTACT if model is Contact else Entity.COMPANY
    dismissed = set(
        DuplicateDismissal.objects.filter(
            organization=organization,
            entity=entity,
            low_id__in={row[0] for row in rows},
            high_id__in={row[1] for row in rows},
        ).values_list("low_id", "high_id")
    )
    return [row for row in rows if (row[0], row[1]) not in dismissed]


def _assemble(model: type[R], rows: Sequence[tuple[int, int, str, str]]) -> list[DuplicatePair[R]]:
    """One pair per (older, newer) with all its reasons, newest first, objects loaded at once."""
    reasons: dict[tuple[int, int], list[DuplicateReason]] = {}
    for older, newer, code, value in rows:
        found = reasons.setdefault((older, newer), [])
        reason = DuplicateReason(code=code, value=value or "")
        if reason not in found:
            found.append(reason)
    ids = {pk for pair in reasons for pk in pair}
    objects = _load(model, ids)
    return [
        DuplicatePair(older=objects[older], newer=objects[newer], reasons=found)
        for (older, newer), found in sorted(
            reasons.items(), key=lambda item: (item[0][1], item[0][0]), reverse=True
        )
        if older in objects and newer in objects
    ]


def _load(model: type[R], ids: set[int]) -> dict[int, R]:
    queryset: models.QuerySet = model.objects.filter(pk__in=ids).select_related("owner")
    if model is Contact:
        queryset = queryset.prefetch_related("company_links__company", "tags")
    else:
        queryset = queryset.prefetch_related("tags")
    return {obj.pk: obj for obj in queryset}
