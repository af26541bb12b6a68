"""CSV export of the contact and company lists: the same query parameters as the list pages
(filters, sort, a saved view's ``view=<id>``), optionally narrowed to the ticked rows
(``ids=…``). Streamed; UTF-8 with a BOM unless ``bom=0``, since a browser download is usually
opened in Excel, which needs the BOM to read UTF-8."""

from __future__ import annotations

from urllib.parse import urlencode

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse

from accounts.errors import ValidationError
from accounts.tenancy import org_required
from crm.filters import filters_for
from crm.models import Entity
from crm.services import exports as export_services
from crm.views import listing


def _ids(request: HttpRequest) -> list[int]:
    return [int(value) for value in request.GET.getlist("ids") if value.isdigit()]


def _export(request: HttpRequest, entity: str, list_name: str) -> HttpResponse:
    params, _view = listing.params_and_view(request, entity)
    organization = request.org.organization
    try:
        filters = filters_for(entity).from_params(
            params, organization=organization, user=request.user
        )
    except ValidationError as exc:
        messages.error(request, exc.message)
        kept = {k: v for k, v in request.GET.lists() if k not in ("ids", "bom")}
        return redirect(f"{reverse(list_name)}?{urlencode(kept, doseq=True)}")
    lines = export_services.records_export(
        organization=organization,
        actor=request.user,
        entity=entity,
        filters=filters,
        ids=_ids(request),
        bom=request.GET.get("bom") != "0",
    )
    return export_services.csv_response(request, lines, export_services.export_filename(entity))


@org_required("crm.export")
def contacts_export(request: HttpRequest) -> HttpResponse:
    return _export(request, Entity.CONTACT, "crm:contact_list")


@org_required("crm.export")
def companies_export(request: HttpRequest) -> HttpResponse:
    return _export(request, Entity.COMPANY, "crm:company_list")
