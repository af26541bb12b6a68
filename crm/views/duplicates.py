"""The Duplicates page (probable pairs with their reasons) and the merge screen (both records
side by side; pick the one to keep, confirm)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import NoReverseMatch, reverse
from django.utils import formats
from django.views.decorators.http import require_POST

from accounts.errors import DomainError, NotFound
from accounts.tenancy import get_org_object_or_404, org_required
from crm import duplicates
from crm.custom_fields import definitions_for
from crm.models import Company, Contact, Entity
from crm.services import duplicates as dismiss_services
from crm.services import merge as merge_services


@dataclass(frozen=True)
class CompareRow:
    label: str
    first: str
    second: str

    @property
    def differs(self) -> bool:
        return bool(self.first and self.second and self.first != self.second)


@org_required("crm.view")
def duplicate_list(request: HttpRequest) -> HttpResponse:
    entity = Entity.COMPANY if request.GET.get("entity") == Entity.COMPANY else Entity.CONTACT
    raw_before = request.GET.get("before", "")
    before = int(raw_before) if raw_before.isdigit() else None
    finder = (
        duplicates.company_duplicate_pairs
        if entity == Entity.COMPANY
        else duplicates.contact_duplicate_pairs
    )
    page = finder(request.org.organization, before=before)
    return render(
        request,
        "crm/duplicates/list.html",
        {
            "entity": entity,
            "is_company": entity == Entity.COMPANY,
            "pairs": page.pairs,
            "before": before,
            "next_before": page.next_before,
            "window": duplicates.WINDOW,
            "can_merge": request.org.has_perm("crm.edit"),
            "merge_url_name": "crm:company_merge"
            if entity == Entity.COMPANY
            else "crm:contact_merge",
        },
    )


@require_POST
@org_required("crm.edit")
def duplicate_dismiss(
    request: HttpRequest, entity: str, first_pk: int, second_pk: int
) -> HttpResponse:
    """ "Not a duplicate": the pair leaves the list (htmx removes the row; without JavaScript
    the list reloads with a message)."""
    if entity not in Entity.values:
        raise Http404("No such kind of record")
    try:
        dismiss_services.duplicate_dismiss(
            organization=request.org.organization,
            actor=request.user,
            entity=entity,
            first_id=first_pk,
            second_id=second_pk,
        )
    except NotFound as exc:
        raise Http404(exc.message) from exc
    if request.headers.get("HX-Request") == "true":
        return HttpResponse("")
    messages.success(request, "Marked as different records: they will not be paired again.")
    back = reverse("crm:duplicates")
    return redirect(f"{back}?entity=company" if entity == Entity.COMPANY else back)


@org_required("crm.edit")
def contact_merge(request: HttpRequest, first_pk: int, second_pk: int) -> HttpResponse:
    queryset = Contact.objects.select_related("owner").prefetch_related(
        "company_links__company", "tags"
    )
    return _merge(request, Contact, queryset, first_pk, second_pk)


@org_required("crm.edit")
def company_merge(request: HttpRequest, first_pk: int, second_pk: int) -> HttpResponse:
    queryset = Company.objects.select_related("owner").prefetch_related("tags")
    return _merge(request, Company, queryset, first_pk, second_pk)


def _merge(
    request: HttpRequest,
    model: type[Contact | Company],
    queryset: Any,
    first_pk: int,
    second_pk: int,
) -> HttpResponse:
    organization = request.org.organization
    first = get_org_object_or_404(queryset, organization, pk=first_pk)
    second = get_org_object_or_404(queryset, organization, pk=second_pk)
    entity = Entity.CONTACT if model is Contact else Entity.COMPANY
    back_url = reverse("crm:duplicates") + ("?entity=company" if entity == Entity.COMPANY else "")
    if first.pk == second.pk:
        messages.error(request, "Choose two different records to merge.")
        return redirect(back_url)
    error = ""
    primary_pk = first.pk
    if request.method == "POST":
        chosen = request.POST.get("primary", "")
        if chosen not in (str(first.pk), str(second.pk)):
            error = "Choose the record to keep."
        else:
            primary, duplicate = (first, second) if chosen == str(first.pk) else (second, first)
            primary_pk = primary.pk
            merge = (
                merge_services.contacts_merge
                if model is Contact
                else merge_services.companies_merge
            )
            try:
                merged = merge(
                    organization=organization,
                    actor=request.user,
                    primary=primary,
                    duplicate=duplicate,
                )
            except DomainError as exc:
                error = exc.message
            else:
                messages.success(request, f"Merged into {merged}.")
                return redirect(_detail_url(entity, merged.pk) or back_url)
    rows = _contact_rows(first, second) if model is Contact else _company_rows(first, second)
    custom = _custom_rows(organization, entity, first, second)
    return render(
        request,
        "crm/duplicates/merge.html",
        {
            "entity": entity,
            "is_company": entity == Entity.COMPANY,
            "noun": model._meta.verbose_name,
            "first": first,
            "second": second,
            "choices": [
                (first, _detail_url(entity, first.pk)),
                (second, _detail_url(entity, second.pk)),
            ],
            "rows": rows + custom,
            "counts": _counts(model, first, second),
            "primary_pk": primary_pk,
            "error": error,
            "back_url": back_url,
        },
        status=400 if error else 200,
    )


def _detail_url(entity: str, pk: int) -> str | None:
    try:
        return reverse(f"crm:{entity}_detail", args=[pk])
    except NoReverseMatch:
        return None


def _date(value: Any) -> str:
    return formats.date_format(value, "j M Y") if value else ""


def _contact_rows(first: Contact, second: Contact) -> list[CompareRow]:
    def values(c: Contact) -> list[str]:
        return [
            c.full_name,
            ", ".join(c.emails),
            ", ".join(c.phones),
            f"@{c.telegram_username}" if c.telegram_username else "",
            str(c.telegram_user_id or ""),
            c.title,
            ", ".join(link.company.name for link in c.company_links.all()),
            c.owner.display_name if c.owner else "",
            c.source,
            ", ".join(tag.name for tag in c.tags.all()),
            _date(c.created_at),
            _date(c.last_contacted_at),
        ]

    labels = [
        "Name",
        "Emails",
        "Phones",
        "Telegram",
        "Telegram id",
        "Title",
        "Companies",
        "Owner",
        "Source",
        "Tags",
        "Created",
        "Last contacted",
    ]
    return [CompareRow(*row) for row in zip(labels, values(first), values(second), strict=True)]


def _company_rows(first: Company, second: Company) -> list[CompareRow]:
    def values(c: Company) -> list[str]:
        return [
            c.name,
            c.domain,
            c.website,
            c.industry,
            c.get_size_display() if c.size else "",
            c.country,
            c.owner.display_name if c.owner else "",
            ", ".join(tag.name for tag in c.tags.all()),
            _date(c.created_at),
        ]

    labels = [
        "Name",
        "Domain",
        "Website",
        "Industry",
        "Size",
        "Country",
        "Owner",
        "Tags",
        "Created",
    ]
    return [CompareRow(*row) for row in zip(labels, values(first), values(second), strict=True)]


def _custom_rows(organization: Any, entity: str, first: Any, second: Any) -> list[CompareRow]:
    def shown(value: Any) -> str:
        if value is None:
            return ""
        if isinstance(value, bool):
            return "Yes" if value else "No"
        if isinstance(value, list):
            return ", ".join(str(v) for v in value)
        return str(value)

    return [
        CompareRow(
            definition.label,
            shown(first.custom_fields.get(key)),
            shown(second.custom_fields.get(key)),
        )
        for key, definition in definitions_for(organization, entity).items()
        if key in first.custom_fields or key in second.custom_fields
    ]


def _counts(model: type[Contact | Company], first: Any, second: Any) -> list[CompareRow]:
    """What moves with the record: rows of other tables that point at it."""
    if model is Contact:
        relations = [("Notes", "notes"), ("Company links", "company_links")]
    else:
        relations = [("Notes", "notes"), ("People", "contact_links")]
    return [
        CompareRow(label, str(getattr(first, name).count()), str(getattr(second, name).count()))
        for label, name in relations
    ]
