"""A deal's tags and contacts in one query, for answers about a single deal (the board's move).

``prefetch_related_objects(deal, "tags", "contacts")`` costs two queries, each compiled by the
ORM on every call; the move endpoint answers with exactly those two lists after every drop of a
card. This reads both with one precompiled statement and leaves them where Django's prefetch
would (``deal.tags.all()`` and ``deal.contacts.all()`` then read no more), in the same order
(tags by name, contacts newest first, as their models order them). Contacts carry only what an
answer shows (id, organization, full name); their other fields load on access.
"""

from __future__ import annotations

from functools import cache

from django.db import connection

from crm.models import Contact, Tag
from pipelines.models import Deal

_TAG = 0
_TAG_FIELDS = ("id", "organization_id", "name", "color", "created_at")
_CONTACT_FIELDS = ("id", "organization_id", "full_name")


@cache
def _statement() -> str:
    tags, contacts = Deal._meta.get_field("tags"), Deal._meta.get_field("contacts")
    tag_columns = ", ".join(f"t.{Tag._meta.get_field(name).column}" for name in _TAG_FIELDS)
    return (
        "SELECT * FROM ("  # noqa: S608 - names from model metadata, values as parameters
        f" SELECT {_TAG} AS kind, {tag_columns}"
        f" FROM {Tag._meta.db_table} t JOIN {tags.m2m_db_table()} dt"
        f" ON dt.{tags.m2m_reverse_name()} = t.id WHERE dt.{tags.m2m_column_name()} = %s"
        " UNION ALL"
        f" SELECT {_TAG + 1}, c.id, c.organization_id, c.full_name, NULL, NULL"
        f" FROM {Contact._meta.db_table} c JOIN {contacts.m2m_db_table()} dc"
        f" ON dc.{contacts.m2m_reverse_name()} = c.id WHERE dc.{contacts.m2m_column_name()} = %s"
        f") labels ORDER BY kind, CASE WHEN kind = {_TAG} THEN name END, id DESC"
    )


def deal_tags_contacts_prefetch(deal: Deal) -> None:
    """Load ``deal``'s tags and contacts as ``prefetch_related_objects`` would, in one query."""
    with connection.cursor() as cursor:
        cursor.execute(_statement(), [deal.pk, deal.pk])
        rows = cursor.fetchall()
    db = connection.alias
    tags = [Tag.from_db(db, _TAG_FIELDS, row[1:]) for row in rows if row[0] == _TAG]
    contacts = [Contact.from_db(db, _CONTACT_FIELDS, row[1:4]) for row in rows if row[0] != _TAG]
    cache_ = deal.__dict__.setdefault("_prefetched_objects_cache", {})
    for name, found in (("tags", tags), ("contacts", contacts)):
        manager = getattr(deal, name)
        queryset = manager.get_queryset()
        queryset._result_cache = found
        queryset._prefetch_done = True
        cache_[manager.prefetch_cache_name] = queryset
