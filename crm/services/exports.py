"""CSV exports, streamed: the contact or company list as filtered on screen (or the rows ticked
in it), and the failed rows of an import.

Rows come from the list selectors over ``.iterator(chunk_size=2000)``, so a million contacts
leave in constant memory. Column names are the ones the importer recognises, so an exported
file imports back onto the same records. Cells that a spreadsheet would run as a formula
(``=…``, ``@…``, ``+cmd…``) get a leading apostrophe.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import AsyncIterator, Callable, Iterable, Iterator
from dataclasses import dataclass
from typing import Any

from asgiref.sync import sync_to_async
from django.core.handlers.asgi import ASGIRequest
from django.http import HttpRequest, StreamingHttpResponse
from django.utils import timezone

from accounts.audit import audit_record
from accounts.models import Organization, User
from accounts.services import require_permission
from crm import selectors
from crm.custom_fields import definitions_for
from crm.filters import ListFilters
from crm.models import Company, Contact, CustomFieldDefinition, Entity, ImportJob

ITERATOR_CHUNK = 2000
FLUSH_BYTES = 64 * 1024
MAX_IDS = 10_000
_FORMULA_START = ("=", "\t", "\r")
_HANDLE = re.compile(r"\w[\w.]*")


@dataclass(frozen=True)
class Column:
    header: str
    value: Callable[[Any], Any]


def _join(values: Iterable[Any]) -> str:
    return ";".join(str(value) for value in values if value not in (None, ""))


def _moment(value: Any) -> str:
    return value.isoformat(timespec="seconds") if value else ""


def _owner(record: Contact | Company) -> str:
    return record.owner.email if record.owner_id and record.owner else ""


def _companies(contact: Contact) -> list[Any]:
    """The contact's company links, primary first (as the list selector prefetches them)."""
    return list(contact.company_links.all())


def _company(contact: Contact) -> str:
    links = _companies(contact)
    return links[0].company.name if links else ""


def _role(contact: Contact) -> str:
    links = _companies(contact)
    return links[0].role if links else ""


def _other_companies(contact: Contact) -> str:
    return _join(link.company.name for link in _companies(contact)[1:])


CONTACT_COLUMNS = (
    Column("ID", lambda c: c.pk),
    Column("First name", lambda c: c.first_name),
    Column("Last name", lambda c: c.last_name),
    Column("Email", lambda c: _join(c.emails)),
    Column("Phone", lambda c: _join(c.phones)),
    Column("Telegram", lambda c: f"@{c.telegram_username}" if c.telegram_username else ""),
    Column("Telegram ID", lambda c: c.telegram_user_id or ""),
    Column("Job title", lambda c: c.title),
    Column("Company", _company),
    Column("Role", _role),
    Column("Other companies", _other_companies),
    Column("Owner", _owner),
    Column("Source", lambda c: c.source),
    Column("Tags", lambda c: _join(tag.name for tag in c.tags.all())),
    Column("Created", lambda c: _moment(c.created_at)),
    Column("Last contacted", lambda c: _moment(c.last_contacted_at)),
    Column("Last replied", lambda c: _moment(c.last_replied_at)),
)
COMPANY_COLUMNS = (
    Column("ID", lambda c: c.pk),
    Column("Name", lambda c: c.name),
    Column("Domain", lambda c: c.domain),
    Column("Website", lambda c: c.website),
    Column("Industry", lambda c: c.industry),
    Column("Size", lambda c: c.size),
    Column("Country", lambda c: c.country),
    Column("Description", lambda c: c.description),
    Column("Owner", _owner),
    Column("Tags", lambda c: _join(tag.name for tag in c.tags.all())),
    Column("Created", lambda c: _moment(c.created_at)),
)


def _custom_columns(definitions: dict[str, CustomFieldDefinition]) -> list[Column]:
    def value(key: str) -> Callable[[Any], Any]:
        def get(record: Any) -> Any:
            raw = record.custom_fields.get(key)
            if isinstance(raw, list):
                return _join(raw)
            if isinstance(raw, bool):
                return "yes" if raw else "no"
            return "" if raw is None else raw

        return get

    ordered = sorted(definitions.values(), key=lambda d: (d.position, d.label))
    return [Column(d.label, value(d.key)) for d in ordered]


def cell_safe(value: Any) -> str:
    """The cell as text, with a leading apostrophe when a spreadsheet would evaluate it.

    ``+49 30 123456`` and ``@ann_lee`` stay as they are: a sign before a number and an @ before
    a plain handle are data, not formulas.
    """
    text = "" if value is None else str(value)
    if not text:
        return text
    if text.startswith(_FORMULA_START):
        return "'" + text
    if text[0] == "@" and not _HANDLE.fullmatch(text[1:]):
        return "'" + text
    if text[0] in "+-" and not text[1:].replace(" ", "").replace(".", "").isdigit():
        return "'" + text
    return text


def csv_lines(rows: Iterable[Iterable[Any]], *, bom: bool = False) -> Iterator[bytes]:
    """UTF-8 CSV (CRLF line ends, as RFC 4180 and Excel expect) in blocks of ~64 KB."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    if bom:
        buffer.write("\ufeff")
    for row in rows:
        writer.writerow([cell_safe(cell) for cell in row])
        if buffer.tell() >= FLUSH_BYTES:
            yield buffer.getvalue().encode()
            buffer.seek(0)
            buffer.truncate()
    if buffer.tell():
        yield buffer.getvalue().encode()


def _records(columns: list[Column], records: Iterable[Any]) -> Iterator[list[Any]]:
    yield [column.header for column in columns]
    for record in records:
        yield [column.value(record) for column in columns]


def _ids_restrict(queryset: Any, ids: list[int] | None) -> Any:
    return queryset if not ids else queryset.filter(pk__in=ids[:MAX_IDS])


_LISTS: dict[str, tuple[Callable[..., Any], tuple[Column, ...], str]] = {
    Entity.CONTACT: (selectors.contacts_list, CONTACT_COLUMNS, "contacts"),
    Entity.COMPANY: (selectors.companies_list, COMPANY_COLUMNS, "companies"),
}


def records_export(
    *,
    organization: Organization,
    actor: User,
    entity: str,
    filters: ListFilters,
    ids: list[int] | None = None,
    bom: bool = False,
) -> Iterator[bytes]:
    """The contacts or companies ``filters`` select (narrowed to ``ids`` when rows were
    ticked), as CSV, in the list's order."""
    require_permission(organization, actor, "crm.export")
    _audit(organization, actor, entity, filters, ids)
    records_list, columns, _name = _LISTS[entity]
    queryset = _ids_restrict(records_list(organization, filters), ids)
    columns = (*columns, *_custom_columns(definitions_for(organization, entity)))
    return csv_lines(_records(list(columns), queryset.iterator(chunk_size=ITERATOR_CHUNK)), bom=bom)


def _audit(
    organization: Organization,
    actor: User,
    entity: str,
    filters: ListFilters,
    ids: list[int] | None,
) -> None:
    # Who took a copy of the customer list, and which part, is worth a line in the audit log.
    audit_record(
        action="crm.exported",
        actor=actor,
        organization=organization,
        metadata={"entity": entity, "filters": filters.to_params(), "ids": len(ids or [])},
    )


def import_errors_csv(*, job: ImportJob, actor: User, bom: bool = False) -> Iterator[bytes]:
    """The failed rows of an import: line, reason, then the row's cells as uploaded (a row whose
    quotes were broken keeps its raw text in the last column), ready to fix and upload again."""
    require_permission(job.organization, actor, "crm.import")
    headers = list(job.headers)

    def rows() -> Iterator[list[Any]]:
        yield ["Line", "Reason", *headers, "Original line"]
        for error in job.row_errors.order_by("line").iterator(chunk_size=ITERATOR_CHUNK):
            cells = [error.row.get(header, "") for header in headers]
            yield [error.line, error.reason, *cells, error.row.get("_raw", "")]

    return csv_lines(rows(), bom=bom)


def csv_response(
    request: HttpRequest, lines: Iterator[bytes], filename: str
) -> StreamingHttpResponse:
    """Stream ``lines`` as a download. Under ASGI the rows are fetched block by block on the
    thread that owns the database connection; a plain iterator would make Django read the whole
    export into memory first."""
    content: Iterator[bytes] | AsyncIterator[bytes] = lines
    if isinstance(request, ASGIRequest):
        content = _async_blocks(lines)
    response = StreamingHttpResponse(content, content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response["Cache-Control"] = "no-store"
    return response


async def _async_blocks(lines: Iterator[bytes]) -> AsyncIterator[bytes]:
    next_block = sync_to_async(next, thread_sensitive=True)
    while (block := await next_block(lines, None)) is not None:
        yield block


def export_filename(entity: str) -> str:
    return f"{_LISTS[entity][2]}-{timezone.localdate().isoformat()}.csv"
