"""Company pages: the list (search, filters, sort, saved views, bulk actions), the record page
with inline edit, its people and timeline, the create form and delete. They mirror the contact
pages; every write goes through ``crm.services.companies``.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.db.models import Count
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_POST

from accounts.errors import DomainError
from accounts.models import Organization, User
from accounts.tenancy import org_required
from crm import detail_sections, selectors
from crm.custom_fields import definitions_for
from crm.filters import CompanyFilters
from crm.forms import BulkActionForm, CompanyForm, NoteForm
from crm.models import Company, ContactCompany, Entity
from crm.services import companies as company_services
from crm.views import bulk, listing
from crm.views.records import (
    FieldSpec,
    RecordFields,
    company_name_suggestions,
    custom_field_specs,
    inline_field,
)

SORT_CHOICES = (
    ("-created", "Newest first"),
    ("created", "Oldest first"),
    ("name", "Name A–Z"),
    ("-name", "Name Z–A"),
)
PEOPLE_SHOWN = 50

FIELDS: tuple[FieldSpec, ...] = (
    FieldSpec("name", "Name", "text", ("name",), lambda c: c.name, header=True),
    FieldSpec("domain", "Domain", "domain", ("domain",), lambda c: c.domain, header=True),
    FieldSpec("website", "Website", "url", ("website",), lambda c: c.website, header=True),
    FieldSpec("industry", "Industry", "text", ("industry",), lambda c: c.industry, header=True),
    FieldSpec("size", "Size", "text", ("size",), lambda c: c.get_size_display()),
    FieldSpec("country", "Country", "country", ("country",), lambda c: c.country, header=True),
    FieldSpec("owner", "Owner", "owner", ("owner",), lambda c: c.owner),
    FieldSpec("tags", "Tags", "tags", ("tags",), lambda c: c.tags.all(), header=True),
    FieldSpec("description", "Description", "longtext", ("description",), lambda c: c.description),
    FieldSpec("created_at", "Added", "datetime", (), lambda c: c.created_at, editable=False),
)


def _can(request: HttpRequest, perm: str) -> bool:
    return request.org.has_perm(perm)


def _company_or_404(request: HttpRequest, pk: int) -> Company:
    company = selectors.company_get(request.org.organization, pk)
    if company is None:
        raise Http404("No such company")
    return company


# --- list ------------------------------------------------------------------------------------


def _filter_specs(
    request: HttpRequest, params: Any, tag_names: list[str], members: list[User]
) -> list[listing.FilterSpec]:
    organization = request.org.organization
    specs = [
        listing.FilterSpec("tag", "Tag", "select", [(n, n) for n in tag_names]),
        listing.owner_spec(members),
        listing.FilterSpec("created", "Added", "range"),
    ]
    specs += listing.custom_field_specs(definitions_for(organization, Entity.COMPANY).values())
    return specs


def _count_people(organization: Organization, companies: list[Company]) -> None:
    """People per company, counted for the page's rows only: never an aggregate over the
    whole table."""
    counts = dict(
        ContactCompany.objects.filter(
            organization=organization, company_id__in=[c.pk for c in companies]
        )
        .values_list("company_id")
        .annotate(n=Count("id"))
        .order_by()
    )
    for company in companies:
        company.contact_count = counts.get(company.pk, 0)


LIST = listing.ListPage(
    entity=Entity.COMPANY,
    noun="company",
    plural="companies",
    url_names={
        "list": "crm:company_list",
        "bulk": "crm:company_bulk",
        "create": "crm:company_create",
        "export": "crm:companies_export",
        "import": "crm:import_start",
    },
    templates=("crm/companies/list.html", "crm/companies/_company_table.html"),
    search_placeholder="Search by name, domain, tag…",
    sort_choices=SORT_CHOICES,
    filters_class=CompanyFilters,
    rows=selectors.companies_list,
    specs=_filter_specs,
    annotate_rows=_count_people,
)


@org_required("crm.view")
def company_list(request: HttpRequest) -> HttpResponse:
    """Companies matching the search and filters; htmx asks for the results alone."""
    return listing.render_list(request, LIST)


@org_required("crm.edit")
@require_POST
def company_bulk(request: HttpRequest) -> HttpResponse:
    """Tag, untag, assign or delete the ticked companies, then back to the same list."""
    form = BulkActionForm(request.POST, members=selectors.org_members(request.org.organization))
    return bulk.run(
        request,
        form,
        list_url=reverse("crm:company_list"),
        noun=("company", "companies"),
        tag=company_services.companies_tag,
        assign=company_services.companies_assign_owner,
        delete=company_services.companies_delete,
    )


@org_required("crm.view")
@require_GET
def company_names(request: HttpRequest) -> HttpResponse:
    """Options for a company-name input's datalist, as the person types."""
    typed = request.GET.get("company", "")
    names = company_name_suggestions(request.org.organization, typed)
    return render(request, "crm/_company_options.html", {"company_names": names})


# --- create ----------------------------------------------------------------------------------


def _fields(request: HttpRequest) -> RecordFields:
    organization = request.org.organization
    definitions = definitions_for(organization, Entity.COMPANY)

    def make_form(data: Any = None, **kwargs: Any) -> CompanyForm:
        members = selectors.org_members(organization)
        return CompanyForm(data, members=members, definitions=definitions, **kwargs)

    def save(company: Company, data: dict[str, Any]) -> Company:
        return company_services.company_update(company=company, actor=request.user, data=data)

    return RecordFields(
        specs=[*FIELDS, *custom_field_specs(definitions)],
        definitions=definitions,
        url_name="crm:company_field",
        make_form=make_form,
        save=save,
    )


@org_required("crm.edit")
def company_create(request: HttpRequest) -> HttpResponse:
    organization = request.org.organization
    if request.method == "POST":
        form = _fields(request).make_form(request.POST)
        if form.is_valid():
            try:
                company = company_services.company_create(
                    organization=organization, actor=request.user, data=form.service_data()
                )
            except DomainError as exc:
                form.add_domain_error(exc)
            else:
                messages.success(request, f"{company.name} is added.")
                return redirect("crm:company_detail", pk=company.pk)
    else:
        form = _fields(request).make_form(initial={"name": request.GET.get("name", "")})
    return render(
        request,
        "crm/companies/form.html",
        {
            "form": form,
            "tag_names": [t.name for t in selectors.tags_list(organization)],
            "industries": selectors.company_industries(organization),
        },
    )


# --- detail ----------------------------------------------------------------------------------


@org_required("crm.view")
def company_detail(request: HttpRequest, pk: int) -> HttpResponse:
    company = _company_or_404(request, pk)
    can_edit = _can(request, "crm.edit")
    rows, custom_rows = _fields(request).rows(company, can_edit=can_edit)
    people = list(selectors.company_contacts(company)[: PEOPLE_SHOWN + 1])
    context = {
        "company": company,
        "rows": rows,
        "custom_rows": custom_rows,
        "people": people[:PEOPLE_SHOWN],
        "people_more": len(people) > PEOPLE_SHOWN,
        "timeline": selectors.company_timeline(company),
        "note_form": NoteForm(),
        "note_url": reverse("crm:company_note_add", args=[company.pk]),
        "sections": detail_sections.sections_render(request, company),
        "can_edit": can_edit,
        "can_delete": _can(request, "crm.delete"),
    }
    return render(request, "crm/companies/detail.html", context)


@org_required("crm.view")
def company_field(request: HttpRequest, pk: int) -> HttpResponse:
    """One field of the details card, viewed, edited or saved inline (see ``inline_field``)."""
    company = _company_or_404(request, pk)
    return inline_field(
        request,
        company,
        _fields(request),
        reload=lambda: _company_or_404(request, pk),
        saved_template="crm/companies/_field_saved.html",
        saved_context=lambda saved: {"company": saved},
    )


@org_required("crm.delete")
def company_delete(request: HttpRequest, pk: int) -> HttpResponse:
    company = _company_or_404(request, pk)
    if request.method == "POST":
        company_services.company_delete(company=company, actor=request.user)
        messages.success(request, f"{company.name} is deleted.")
        return redirect("crm:company_list")
    return render(
        request,
        "crm/confirm_delete.html",
        {
            "title": f"Delete {company.name}?",
            "body": "Its notes are deleted and its people are unlinked from it (the people stay). "
            "This cannot be undone.",
            "confirm_label": "Delete company",
            "cancel_url": reverse("crm:company_detail", args=[company.pk]),
        },
    )
