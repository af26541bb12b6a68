"""What the contact and company record pages share: the rows of the details card, each of
which edits inline, and finding a company by the name someone typed.

A field is addressed by name (``title``, ``emails``, ``cf_budget``…). ``FieldSpec`` says which
form fields edit it and how its value reads; the page views list their specs once and the
inline-edit view serves any of them.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.db.models import Model
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse

from accounts.errors import DomainError
from accounts.models import Organization
from crm import selectors
from crm.filters import CompanyFilters
from crm.forms import CUSTOM_PREFIX, RecordForm
from crm.models import Company, CustomFieldDefinition
from crm.templatetags.crm_ui import custom_value


@dataclass(frozen=True)
class FieldSpec:
    name: str
    label: str
    kind: str  # how the value reads: text, emails, phones, telegram, owner, tags, url, …
    form_fields: tuple[str, ...]
    value: Callable[[Any], Any]
    editable: bool = True
    header: bool = False  # shown in the page header too: re-sent after a save


@dataclass
class FieldRow:
    name: str
    label: str
    kind: str
    value: Any
    display: str = ""
    editable: bool = False
    edit_url: str = ""
    display_url: str = ""
    saved: bool = False

    @property
    def is_empty(self) -> bool:
        value = self.value
        if self.kind == "tags":
            return not list(value)
        if self.kind == "custom":
            return not self.display
        return value in (None, "", [], ())


def custom_field_specs(definitions: dict[str, CustomFieldDefinition]) -> list[FieldSpec]:
    specs = []
    for key, definition in definitions.items():
        name = CUSTOM_PREFIX + key
        specs.append(
            FieldSpec(
                name,
                definition.label,
                "custom",
                (name,),
                lambda obj, key=key: (obj.custom_fields or {}).get(key),
            )
        )
    return specs


def field_row(
    spec: FieldSpec,
    obj: Model,
    *,
    url_name: str,
    can_edit: bool,
    definitions: dict[str, CustomFieldDefinition],
    saved: bool = False,
) -> FieldRow:
    base = reverse(url_name, args=[obj.pk])
    value = spec.value(obj)
    display = ""
    if spec.kind == "custom":
        display = custom_value(value, definitions[spec.name.removeprefix(CUSTOM_PREFIX)])
    return FieldRow(
        name=spec.name,
        label=spec.label,
        kind=spec.kind,
        value=value,
        display=display,
        editable=can_edit and spec.editable,
        edit_url=f"{base}?field={spec.name}",
        display_url=f"{base}?field={spec.name}&cancel=1",
        saved=saved,
    )


@dataclass(frozen=True)
class RecordFields:
    """The details card of one kind of record: its fields and how to edit and save them."""

    specs: list[FieldSpec]
    definitions: dict[str, CustomFieldDefinition]
    url_name: str  # the inline-edit URL, e.g. "crm:contact_field"
    make_form: Callable[..., RecordForm]  # (data, instance=, only=) -> form
    save: Callable[[Any, dict[str, Any]], Any]  # (record, data) -> record, via the service

    def rows(self, obj: Model, *, can_edit: bool) -> tuple[list[FieldRow], list[FieldRow]]:
        """The built-in rows and the custom-field rows of the card."""
        rows = [
            field_row(
                spec, obj, url_name=self.url_name, can_edit=can_edit, definitions=self.definitions
            )
            for spec in self.specs
        ]
        custom = [row for row in rows if row.name.startswith(CUSTOM_PREFIX)]
        return [row for row in rows if row not in custom], custom


def inline_field(
    request: HttpRequest,
    obj: Model,
    fields: RecordFields,
    *,
    reload: Callable[[], Model],
    saved_template: str,
    saved_context: Callable[[Model], dict[str, Any]],
) -> HttpResponse:
    """One field of a details card (``?field=<name>``): its value (GET with ``cancel``), its
    editor (GET) or, for a POST, the saved value — plus ``HX-Trigger: crm:changed`` so the
    timeline re-reads — or the editor again with the message under the field."""
    spec = next((s for s in fields.specs if s.name == request.GET.get("field")), None)
    if spec is None:
        raise Http404("No such field")
    can_edit = request.org.has_perm("crm.edit") and spec.editable

    def row(saved: bool = False) -> FieldRow:
        return field_row(
            spec,
            obj,
            url_name=fields.url_name,
            can_edit=can_edit,
            definitions=fields.definitions,
            saved=saved,
        )

    if request.method == "POST":
        request.org.require("crm.edit")
        if not spec.editable:
            raise Http404("This field cannot be edited")
        form = fields.make_form(request.POST, instance=obj, only=spec.form_fields)
        if form.is_valid():
            try:
                fields.save(obj, form.service_data())
            except DomainError as exc:
                form.add_domain_error(exc)
            else:
                obj = reload()
                context = {"row": row(saved=True), "header": spec.header, **saved_context(obj)}
                response = render(request, saved_template, context)
                response["HX-Trigger"] = "crm:changed"
                return response
        return render(request, "crm/_field_edit.html", {"row": row(), "form": form})
    if request.GET.get("cancel") or not can_edit:
        return render(request, "crm/_field_row.html", {"row": row()})
    form = fields.make_form(instance=obj, only=spec.form_fields)
    first = next(iter(form.fields.values()), None)
    if first is not None:
        first.widget.attrs["autofocus"] = True
    return render(request, "crm/_field_edit.html", {"row": row(), "form": form})


def company_name_suggestions(organization: Organization, typed: str, limit: int = 12) -> list[str]:
    """Names of companies the search box finds for what was typed, for a datalist."""
    if not typed.strip():
        return []
    companies = selectors.companies_list(organization, CompanyFilters(q=typed.strip()))
    return list(companies.prefetch_related(None).values_list("name", flat=True)[:limit])


def company_named(organization: Organization, name: str) -> Company | None:
    """The company called ``name`` (any case), or None."""
    wanted = name.strip().lower()
    if not wanted:
        return None
    companies = selectors.companies_list(organization, CompanyFilters(q=name.strip()))
    return next((c for c in companies[:50] if c.name.lower() == wanted), None)
