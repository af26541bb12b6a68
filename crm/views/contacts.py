"""Contact pages: the list (search, filters, sort, saved views, bulk actions), the record page
with inline edit, company links and timeline, the create form and delete.

Every write goes through ``crm.services.contacts``; these views turn form input into service
calls and service errors into messages next to the fields.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.db import transaction
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from accounts.errors import DomainError
from accounts.models import User
from accounts.tenancy import org_required
from crm import detail_sections, selectors
from crm.custom_fields import definitions_for
from crm.filters import CompanyFilters, ContactFilters
from crm.forms import BulkActionForm, CompanyLinkForm, ContactForm, NoteForm
from crm.models import Contact, Entity
from crm.services import companies as company_services
from crm.services import contacts as contact_services
from crm.views import bulk, listing
from crm.views.records import (
    FieldSpec,
    RecordFields,
    company_named,
    custom_field_specs,
    inline_field,
)

SORT_CHOICES = (
    ("-created", "Newest first"),
    ("created", "Oldest first"),
    ("name", "Name A–Z"),
    ("-name", "Name Z–A"),
    ("-last_contacted", "Recently contacted"),
    ("last_contacted", "Longest without contact"),
)
# The company filter offers this many companies by name; the search box finds the rest.
COMPANY_CHOICES = 200

FIELDS: tuple[FieldSpec, ...] = (
    FieldSpec(
        "name",
        "Name",
        "text",
        ("first_name", "last_name"),
        lambda c: c.full_name,
        header=True,
    ),
    FieldSpec("title", "Job title", "text", ("title",), lambda c: c.title, header=True),
    FieldSpec("emails", "Emails", "emails", ("emails",), lambda c: c.emails),
    FieldSpec("phones", "Phones", "phones", ("phones",), lambda c: c.phones),
    FieldSpec(
        "telegram_username",
        "Telegram",
        "telegram",
        ("telegram_username",),
        lambda c: c.telegram_username,
    ),
    FieldSpec("owner", "Owner", "owner", ("owner",), lambda c: c.owner),
    FieldSpec("source", "Source", "text", ("source",), lambda c: c.source),
    FieldSpec("tags", "Tags", "tags", ("tags",), lambda c: c.tags.all(), header=True),
    FieldSpec("time_zone", "Time zone", "text", ("time_zone",), lambda c: c.time_zone),
    FieldSpec(
        "do_not_contact",
        "Do not contact",
        "text",
        ("do_not_contact",),
        lambda c: "Yes: campaigns never write to them" if c.do_not_contact else "",
        header=True,
    ),
    FieldSpec(
        "last_contacted_at",
        "Last contacted",
        "datetime",
        (),
        lambda c: c.last_contacted_at,
        editable=False,
    ),
    FieldSpec("created_at", "Added", "datetime", (), lambda c: c.created_at, editable=False),
)


def _can(request: HttpRequest, perm: str) -> bool:
    return request.org.has_perm(perm)


def _changed(response: HttpResponse) -> HttpResponse:
    """Tell the page the record changed, so its timeline re-reads its items."""
    response["HX-Trigger"] = "crm:changed"
    return response


def _contact_or_404(request: HttpRequest, pk: int) -> Contact:
    contact = selectors.contact_get(request.org.organization, pk)
    if contact is None:
        raise Http404("No such contact")
    return contact


# --- list ------------------------------------------------------------------------------------


def _company_choices(request: HttpRequest, params: Any) -> list[tuple[str, str]]:
    organization = request.org.organization
    companies = selectors.companies_list(organization, CompanyFilters(sort="name"))
    choices = [(str(c.pk), c.name) for c in companies.prefetch_related(None)[:COMPANY_CHOICES]]
    chosen = listing.param(params, "company")
    if chosen.isdigit() and chosen not in dict(choices):
        company = selectors.company_get(organization, int(chosen))
        if company is not None:
            choices.insert(0, (chosen, company.name))
    return choices


def _filter_specs(
    request: HttpRequest, params: Any, tag_names: list[str], members: list[User]
) -> list[listing.FilterSpec]:
    organization = request.org.organization
    specs = [
        listing.FilterSpec("tag", "Tag", "select", [(n, n) for n in tag_names]),
        listing.owner_spec(members),
        listing.FilterSpec("company", "Company", "select", _company_choices(request, params)),
        # Suggestions are read only when the panel renders (full pages), not for each search.
        listing.FilterSpec(
            "source", "Source", datalist=lambda: selectors.contact_sources(organization)
        ),
        listing.FilterSpec("created", "Added", "range"),
        listing.FilterSpec("last_contacted", "Last contacted", "range"),
    ]
    specs += listing.custom_field_specs(definitions_for(organization, Entity.CONTACT).values())
    return specs


LIST = listing.ListPage(
    entity=Entity.CONTACT,
    noun="contact",
    plural="contacts",
    url_names={
        "list": "crm:contact_list",
        "bulk": "crm:contact_bulk",
        "create": "crm:contact_create",
        "export": "crm:contacts_export",
        "import": "crm:import_start",
    },
    templates=("crm/contacts/list.html", "crm/contacts/_contact_table.html"),
    search_placeholder="Search by name, email, phone, @username, company…",
    sort_choices=SORT_CHOICES,
    filters_class=ContactFilters,
    rows=selectors.contacts_list,
    specs=_filter_specs,
)


@org_required("crm.view")
def contact_list(request: HttpRequest) -> HttpResponse:
    """Contacts matching the search and filters; htmx asks for the results alone."""
    return listing.render_list(request, LIST)


@org_required("crm.edit")
@require_POST
def contact_bulk(request: HttpRequest) -> HttpResponse:
    """Tag, untag, assign or delete the ticked contacts, then back to the same list."""
    organization = request.org.organization
    form = BulkActionForm(request.POST, members=selectors.org_members(organization))
    return bulk.run(
        request,
        form,
        list_url=reverse("crm:contact_list"),
        noun=("contact", "contacts"),
        tag=contact_services.contacts_tag,
        assign=contact_services.contacts_assign_owner,
        delete=contact_services.contacts_delete,
    )


# --- create ----------------------------------------------------------------------------------


def _fields(request: HttpRequest) -> RecordFields:
    organization = request.org.organization
    definitions = definitions_for(organization, Entity.CONTACT)

    def make_form(data: Any = None, **kwargs: Any) -> ContactForm:
        members = selectors.org_members(organization)
        return ContactForm(data, members=members, definitions=definitions, **kwargs)

    def save(contact: Contact, data: dict[str, Any]) -> Contact:
        return contact_services.contact_update(contact=contact, actor=request.user, data=data)

    return RecordFields(
        specs=[*FIELDS, *custom_field_specs(definitions)],
        definitions=definitions,
        url_name="crm:contact_field",
        make_form=make_form,
        save=save,
    )


@transaction.atomic
def _create(request: HttpRequest, data: dict[str, Any]) -> Contact:
    """Create the contact; a company typed by a name nobody has yet is created with it, and
    both go or neither does."""
    organization = request.org.organization
    name = data.pop("company", "")
    role = data.pop("company_role", "")
    if name:
        company = company_named(organization, name) or company_services.company_create(
            organization=organization, actor=request.user, data={"name": name}
        )
        data.update(company=company, company_role=role)
    return contact_services.contact_create(organization=organization, actor=request.user, data=data)


@org_required("crm.edit")
def contact_create(request: HttpRequest) -> HttpResponse:
    organization = request.org.organization
    if request.method == "POST":
        form = _fields(request).make_form(request.POST)
        if form.is_valid():
            try:
                contact = _create(request, form.service_data())
            except DomainError as exc:
                form.add_domain_error(exc)
            else:
                messages.success(request, f"{contact} is added.")
                return redirect("crm:contact_detail", pk=contact.pk)
    else:
        form = _fields(request).make_form(initial={"company": request.GET.get("company", "")})
    return render(
        request,
        "crm/contacts/form.html",
        {
            "form": form,
            "tag_names": [t.name for t in selectors.tags_list(organization)],
            "sources": selectors.contact_sources(organization),
            "company_names": [],
        },
    )


# --- detail ----------------------------------------------------------------------------------


def _links(contact: Contact) -> list:
    return sorted(contact.company_links.all(), key=lambda link: (not link.is_primary, link.pk))


@org_required("crm.view")
def contact_detail(request: HttpRequest, pk: int) -> HttpResponse:
    contact = _contact_or_404(request, pk)
    can_edit = _can(request, "crm.edit")
    rows, custom_rows = _fields(request).rows(contact, can_edit=can_edit)
    context = {
        "contact": contact,
        "links": _links(contact),
        "rows": rows,
        "custom_rows": custom_rows,
        "timeline": selectors.contact_timeline(contact),
        "note_form": NoteForm(),
        "note_url": reverse("crm:contact_note_add", args=[contact.pk]),
        "sections": detail_sections.sections_render(request, contact),
        "link_form": CompanyLinkForm(),
        "company_names": [],
        "can_edit": can_edit,
        "can_delete": _can(request, "crm.delete"),
    }
    return render(request, "crm/contacts/detail.html", context)


@org_required("crm.view")
def contact_field(request: HttpRequest, pk: int) -> HttpResponse:
    """One field of the details card, viewed, edited or saved inline (see ``inline_field``)."""
    contact = _contact_or_404(request, pk)
    return inline_field(
        request,
        contact,
        _fields(request),
        reload=lambda: _contact_or_404(request, pk),
        saved_template="crm/contacts/_field_saved.html",
        saved_context=lambda saved: {"contact": saved, "links": _links(saved)},
    )


@org_required("crm.delete")
def contact_delete(request: HttpRequest, pk: int) -> HttpResponse:
    contact = _contact_or_404(request, pk)
    if request.method == "POST":
        name = str(contact)
        contact_services.contact_delete(contact=contact, actor=request.user)
        messages.success(request, f"{name} is deleted.")
        return redirect("crm:contact_list")
    return render(
        request,
        "crm/confirm_delete.html",
        {
            "title": f"Delete {contact}?",
            "body": "Their notes and company links are deleted with them. This cannot be undone.",
            "confirm_label": "Delete contact",
            "cancel_url": reverse("crm:contact_detail", args=[contact.pk]),
        },
    )


# --- company links ---------------------------------------------------------------------------


def _companies_card(request: HttpRequest, contact: Contact, **extra: Any) -> HttpResponse:
    contact = _contact_or_404(request, contact.pk)
    context = {
        "contact": contact,
        "links": _links(contact),
        "link_form": CompanyLinkForm(),
        "company_names": [],
        "can_edit": True,
        "oob_header": True,
        **extra,
    }
    return _changed(render(request, "crm/contacts/_companies.html", context))


@org_required("crm.edit")
@require_POST
def contact_company_add(request: HttpRequest, pk: int) -> HttpResponse:
    contact = _contact_or_404(request, pk)
    organization = request.org.organization
    form = CompanyLinkForm(request.POST)
    if form.is_valid():
        company = company_named(organization, form.cleaned_data["company"])
        if company is None:
            form.add_error("company", "No company has this name. Create it first.")
        else:
            try:
                contact_services.contact_link_company(
                    contact=contact,
                    company=company,
                    actor=request.user,
                    role=form.cleaned_data["role"],
                    is_primary=form.cleaned_data["is_primary"],
                )
            except DomainError as exc:
                form.add_domain_error(exc)
    if request.headers.get("HX-Request"):
        extra = {"link_form": form} if form.errors else {}
        return _companies_card(request, contact, **extra)
    if form.errors:
        messages.error(request, " ".join(e for errs in form.errors.values() for e in errs))
    return redirect("crm:contact_detail", pk=contact.pk)


@org_required("crm.edit")
@require_POST
def contact_company_remove(request: HttpRequest, pk: int, company_pk: int) -> HttpResponse:
    contact = _contact_or_404(request, pk)
    company = selectors.company_get(request.org.organization, company_pk)
    if company is None:
        raise Http404("No such company")
    contact_services.contact_unlink_company(contact=contact, company=company, actor=request.user)
    if request.headers.get("HX-Request"):
        return _companies_card(request, contact)
    return redirect("crm:contact_detail", pk=contact.pk)
