"""The "Deals" section of contact and company pages. crm may not import pipelines, so these
are registered in ``crm.detail_sections`` from ``PipelinesConfig.ready()``; each returns the
template and context crm renders in the record page's side column."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from django.db.models import QuerySet
from django.http import HttpRequest
from django.urls import reverse

from crm.models import Company, Contact
from pipelines import selectors
from pipelines.models import Deal

DEALS_SHOWN = 10
TEMPLATE = "pipelines/_record_deals.html"


def _section(
    request: HttpRequest, deals: QuerySet[Deal], subject_name: str, prefill: dict[str, int]
) -> tuple[str, dict[str, Any]] | None:
    if not request.org.has_perm("deal.view"):
        return None
    rows = list(deals[: DEALS_SHOWN + 1])
    new_deal_url = None
    if request.org.has_perm("deal.edit"):
        new_deal_url = f"{reverse('pipelines:deal_create')}?{urlencode(prefill)}"
    return TEMPLATE, {
        "deals": rows[:DEALS_SHOWN],
        "more": len(rows) > DEALS_SHOWN,
        "subject_name": subject_name,
        "new_deal_url": new_deal_url,
    }


def contact_deals_section(
    request: HttpRequest, contact: Contact
) -> tuple[str, dict[str, Any]] | None:
    deals = selectors.deals_for_contact(request.org.organization, contact)
    return _section(request, deals, str(contact), {"contact": contact.pk})


def company_deals_section(
    request: HttpRequest, company: Company
) -> tuple[str, dict[str, Any]] | None:
    deals = selectors.deals_for_company(request.org.organization, company)
    return _section(request, deals, company.name, {"company": company.pk})
