"""Settings → Custom fields: the fields an organization adds to contacts and companies, in the
order record pages show them; define, edit, reorder and delete them (``crm.configure``)."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.db import transaction
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from accounts.errors import DomainError
from accounts.tenancy import org_required
from crm import selectors
from crm.forms import CustomFieldForm
from crm.models import CustomFieldDefinition, Entity
from crm.services import custom_fields as custom_field_services

SECTIONS = {
    Entity.CONTACT: {
        "title": "Contact fields",
        "subtitle": "Shown on every contact, e.g. “Investor type” or “Ticket size”.",
        "noun": "contact",
        "empty_title": "No contact fields yet",
        "empty_text": "Add one to track what matters about the people you work with.",
    },
    Entity.COMPANY: {
        "title": "Company fields",
        "subtitle": "Shown on every company, e.g. “Funding stage” or “ARR”.",
        "noun": "company",
        "empty_title": "No company fields yet",
        "empty_text": "Add one to track what matters about the companies you work with.",
    },
}


def _definition_or_404(request: HttpRequest, pk: int) -> CustomFieldDefinition:
    definition = (
        selectors.custom_field_definitions_list(request.org.organization).filter(pk=pk).first()
    )
    if definition is None:
        raise Http404("No such field")
    return definition


@org_required("crm.configure")
def custom_field_list(request: HttpRequest) -> HttpResponse:
    definitions = list(selectors.custom_field_definitions_list(request.org.organization))
    sections = [
        {
            "entity": entity,
            "definitions": [d for d in definitions if d.entity == entity],
            **texts,
        }
        for entity, texts in SECTIONS.items()
    ]
    return render(request, "crm/settings/custom_fields.html", {"sections": sections})


def _form_page(request: HttpRequest, form: CustomFieldForm, **context: Any) -> HttpResponse:
    return render(request, "crm/settings/custom_field_form.html", {"form": form, **context})


@org_required("crm.configure")
def custom_field_create(request: HttpRequest) -> HttpResponse:
    entity = request.GET.get("entity", Entity.CONTACT)
    if entity not in Entity.values:
        raise Http404("No such record type")
    noun = SECTIONS[entity]["noun"]
    form = CustomFieldForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            definition = custom_field_services.custom_field_create(
                organization=request.org.organization,
                actor=request.user,
                data={"entity": entity, **form.cleaned_data},
            )
        except DomainError as exc:
            form.add_domain_error(exc)
        else:
            messages.success(request, f"The {noun} field “{definition.label}” is added.")
            return redirect("crm:settings_custom_fields")
    return _form_page(
        request,
        form,
        title=f"New {noun} field",
        subtitle=f"It shows on every {noun}, in filters, imports and the API.",
        submit_label="Add field",
    )


@org_required("crm.configure")
def custom_field_edit(request: HttpRequest, pk: int) -> HttpResponse:
    definition = _definition_or_404(request, pk)
    initial = {
        "label": definition.label,
        "options": "\n".join(definition.options),
        "required": definition.required,
    }
    form = CustomFieldForm(request.POST or None, initial=initial, editing=True)
    if definition.field_type not in (
        CustomFieldDefinition.FieldType.SELECT,
        CustomFieldDefinition.FieldType.MULTI_SELECT,
    ):
        del form.fields["options"]
    if request.method == "POST" and form.is_valid():
        try:
            custom_field_services.custom_field_update(
                definition=definition, actor=request.user, data=form.cleaned_data
            )
        except DomainError as exc:
            form.add_domain_error(exc)
        else:
            messages.success(request, f"The field “{form.cleaned_data['label']}” is saved.")
            return redirect("crm:settings_custom_fields")
    return _form_page(
        request,
        form,
        title=f"Edit “{definition.label}”",
        subtitle=f"Key {definition.key} · {definition.get_field_type_display()}. "
        "The key and type stay as they were created.",
        submit_label="Save field",
    )


@org_required("crm.configure")
@require_POST
def custom_field_move(request: HttpRequest, pk: int) -> HttpResponse:
    """Swap the field with its neighbour above or below; positions are renumbered 0..n."""
    definition = _definition_or_404(request, pk)
    siblings = list(
        selectors.custom_field_definitions_list(request.org.organization, definition.entity)
    )
    index = next(i for i, d in enumerate(siblings) if d.pk == definition.pk)
    other = index - 1 if request.POST.get("direction") == "up" else index + 1
    if 0 <= other < len(siblings):
        siblings[index], siblings[other] = siblings[other], siblings[index]
        with transaction.atomic():
            for position, sibling in enumerate(siblings):
                if sibling.position != position:
                    custom_field_services.custom_field_update(
                        definition=sibling, actor=request.user, data={"position": position}
                    )
    return redirect("crm:settings_custom_fields")


@org_required("crm.configure")
@require_POST
def custom_field_delete(request: HttpRequest, pk: int) -> HttpResponse:
    definition = _definition_or_404(request, pk)
    custom_field_services.custom_field_delete(definition=definition, actor=request.user)
    messages.success(request, f"The field “{definition.label}” and its values are deleted.")
    return redirect("crm:settings_custom_fields")
