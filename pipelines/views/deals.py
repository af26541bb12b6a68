"""One deal: its page (the drawer's content when htmx asks), the new-deal page, the
version-checked editor, its notes and payments.

A save names the version the editor was opened on. When someone saved the deal in between,
the service refuses (``DealConflict``) and the editor comes back with the person's input, what
changed meanwhile, and the current version — so saving again is a deliberate overwrite and
nothing is lost silently.
"""

from __future__ import annotations

import json
from typing import Any
from urllib.parse import urlsplit

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods, require_POST

from accounts.errors import DomainError
from accounts.tenancy import org_required
from crm import selectors as crm_selectors
from crm.forms import NoteForm
from crm.models import Company, Contact
from crm.services import notes as note_services
from crm.views.records import company_named
from pipelines import selectors
from pipelines.errors import DealConflict
from pipelines.forms import DealCreateForm, DealForm, PaymentForm
from pipelines.models import Deal, Stage, StageKind
from pipelines.services import deals as deal_services
from pipelines.services import payments as payment_services
from pipelines.services.deals import deal_payload
from pipelines.templatetags.pipeline_ui import money

PAYMENTS_SHOWN = 10  # the drawer lists the latest; the API has them all


def _deal(request: HttpRequest, pk: int) -> Deal:
    deal = selectors.deal_detail(request.org.organization, pk)
    if deal is None:
        raise Http404("No such deal")
    return deal


def _form(request: HttpRequest, deal: Deal, data: Any = None, **kwargs: Any) -> DealForm:
    return DealForm(
        data,
        deal=deal,
        stages=selectors.pipeline_stages(deal.pipeline),
        members=crm_selectors.org_members(request.org.organization),
        **kwargs,
    )


def _context(request: HttpRequest, deal: Deal, **extra: Any) -> dict[str, Any]:
    return {
        "deal": deal,
        "history": selectors.deal_history(deal),
        "notes": selectors.deal_notes(request.org.organization, deal),
        "note_form": NoteForm(),
        "payments": selectors.deal_payments(request.org.organization, deal)[:PAYMENTS_SHOWN],
        "payment_form": PaymentForm(initial={"currency": deal.currency}),
        "can_edit": request.org.has_perm("deal.edit"),
        "can_delete": request.org.has_perm("deal.delete"),
        # Notes are crm's: its rights decide who deletes one (the author, or crm.delete).
        "note_can_edit": request.org.has_perm("crm.edit"),
        "note_can_delete": request.org.has_perm("crm.delete"),
        **extra,
    }


def _render(request: HttpRequest, deal: Deal, **extra: Any) -> HttpResponse:
    context = _context(request, deal, **extra)
    if request.headers.get("HX-Request") == "true":
        return render(request, "pipelines/_drawer.html", context)
    return render(request, "pipelines/deal_detail.html", context)


@org_required("deal.view")
def deal_detail(request: HttpRequest, pk: int) -> HttpResponse:
    return _render(request, _deal(request, pk))


def _comparable(name: str, value: Any) -> str:
    """A form value (cleaned or initial) as text that compares equal when it means the same."""
    if value is None:
        return ""
    if name == "tags":
        names = value if isinstance(value, list) else str(value).split(",")
        return ",".join(sorted(n.strip().lower() for n in names if n.strip()))
    if name == "value":
        return f"{value:.2f}" if not isinstance(value, str) else value
    return str(getattr(value, "pk", value)).strip()


def _conflict(form: DealForm, current: Deal) -> dict[str, Any]:
    """Where the saved deal now differs from what the person is saving, with today's values."""
    now = DealForm.initial_from(current)
    changes = []
    for name, value in form.cleaned_data.items():
        if name == "version" or _comparable(name, value) == _comparable(name, now.get(name)):
            continue
        shown = now.get(name)
        if name == "stage":
            shown = current.stage.name
        elif name == "owner":
            shown = current.owner.display_name if current.owner else ""
        elif name == "value":
            shown = money(current.value, current.currency)
        label = form.fields[name].label or name.replace("_", " ").capitalize()
        changes.append({"label": label, "current": shown})
    message = "Someone else saved this deal while you were editing it."
    return {"message": message, "changes": changes}


@org_required("deal.edit")
@require_http_methods(["GET", "POST"])
def deal_edit(request: HttpRequest, pk: int) -> HttpResponse:
    """The editor (GET) or a save (POST): the deal again, or the editor with the problems."""
    deal = _deal(request, pk)
    if request.method == "GET":
        return _render(request, deal, form=_form(request, deal))
    form = _form(request, deal, request.POST)
    if form.is_valid():
        data = {k: v for k, v in form.cleaned_data.items() if k != "version"}
        company_name = data.pop("company")
        data["company"] = company_named(request.org.organization, company_name)
        if company_name and data["company"] is None:
            form.add_error("company", "No company of that name in your CRM.")
    if form.is_valid():
        try:
            saved = deal_services.deal_update(
                deal=deal,
                actor=request.user,
                data=data,
                expected_version=form.cleaned_data["version"],
            )
        except DealConflict:
            current = _deal(request, pk)
            conflict = _conflict(form, current)
            # Keep the person's input; saving again now overwrites on purpose.
            resubmit = request.POST.copy()
            resubmit["version"] = str(current.version)
            form = _form(request, current, resubmit)
            form.is_valid()
            return _render(request, current, form=form, conflict=conflict)
        except DomainError as exc:
            form.add_domain_error(exc)
        else:
            deal = _deal(request, saved.pk)
            if request.headers.get("HX-Request") != "true":
                return redirect("pipelines:deal_detail", deal.pk)
            response = _render(request, deal, saved=True)
            response["HX-Trigger"] = json.dumps({"deal:saved": {"deal": deal_payload(deal)}})
            return response
    return _render(request, deal, form=form)


def _primary_company(contact: Contact) -> Company | None:
    links = sorted(contact.company_links.all(), key=lambda link: (not link.is_primary, link.pk))
    return links[0].company if links else None


def _create_initial(request: HttpRequest, stages: list[Stage]) -> dict[str, Any]:
    """What ``?contact=<id>`` / ``?company=<id>`` prefill (ids of other organizations are
    ignored), the current user as owner, and the default pipeline's first open stage."""
    organization = request.org.organization
    initial: dict[str, Any] = {"owner": request.user.pk}
    first_open = next(
        (s for s in stages if s.pipeline.is_default and s.kind == StageKind.OPEN),
        stages[0] if stages else None,
    )
    if first_open is not None:
        initial["stage"] = first_open.pk
    company = None
    raw_company = request.GET.get("company", "")
    if raw_company.isdigit():
        company = crm_selectors.company_get(organization, int(raw_company))
    raw_contact = request.GET.get("contact", "")
    contact = None
    if raw_contact.isdigit():
        contact = crm_selectors.contact_get(organization, int(raw_contact))
    if contact is not None:
        initial["contact"] = contact.pk
        company = company or _primary_company(contact)
    if company is not None:
        initial["company"] = company.name
    return initial


def _create_back(request: HttpRequest, contact: Contact | None) -> tuple[str, str]:
    """Where "Cancel" and the breadcrumb go: the contact or company the page came from (by
    its ``?company=``), else the board."""
    if contact is not None:
        return reverse("crm:contact_detail", args=[contact.pk]), str(contact)
    raw_company = request.GET.get("company", "")
    company = None
    if raw_company.isdigit():
        company = crm_selectors.company_get(request.org.organization, int(raw_company))
    if company is not None:
        return reverse("crm:company_detail", args=[company.pk]), company.name
    return reverse("pipelines:board"), "Pipeline"


@org_required("deal.edit")
@require_http_methods(["GET", "POST"])
def deal_create(request: HttpRequest) -> HttpResponse:
    """A new deal with all its main fields — the "New deal" of contact and company pages, which
    prefill it (see ``_create_initial``). Saved, it opens the deal's page."""
    organization = request.org.organization
    stages = list(selectors.stages_for(organization))
    form_kwargs: dict[str, Any] = {
        "stages": selectors.stages_for(organization),
        "several_pipelines": len({stage.pipeline_id for stage in stages}) > 1,
        "members": crm_selectors.org_members(organization),
    }
    contact = None
    if request.method == "GET":
        form = DealCreateForm(initial=_create_initial(request, stages), **form_kwargs)
        contact_id = form.initial.get("contact")
        contact = contact_id and crm_selectors.contact_get(organization, contact_id)
    else:
        form = DealCreateForm(request.POST, **form_kwargs)
        if form.is_valid():
            data = form.cleaned_data
            if data["contact"]:
                contact = crm_selectors.contact_get(organization, data["contact"])
                if contact is None:
                    form.add_error("contact", "No such contact.")
            company = company_named(organization, data["company"])
            if data["company"] and company is None:
                form.add_error("company", "No company of that name in your CRM.")
        if form.is_valid():
            try:
                deal = deal_services.deal_create(
                    organization=organization,
                    actor=request.user,
                    title=data["title"],
                    stage=data["stage"],
                    value=data["value"] or 0,
                    owner=data["owner"],
                    company=company,
                    contacts=[contact] if contact else [],
                    expected_close_date=data["expected_close_date"],
                )
            except DomainError as exc:
                form.add_domain_error(exc)
            else:
                messages.success(request, f"The deal “{deal.title}” is created.")
                return redirect("pipelines:deal_detail", deal.pk)
    return render(
        request,
        "pipelines/deal_new.html",
        {"form": form, "contact": contact, "back": _create_back(request, contact)},
    )


@org_required("deal.edit")
@require_POST
def deal_note_add(request: HttpRequest, pk: int) -> HttpResponse:
    """A note on the deal; htmx gets the notes section back (with the message if empty)."""
    deal = _deal(request, pk)
    form = NoteForm(request.POST)
    if form.is_valid():
        try:
            note_services.note_add(
                organization=request.org.organization,
                actor=request.user,
                body=form.cleaned_data["body"],
                deal=deal,
            )
        except DomainError as exc:
            form.add_domain_error(exc)
        else:
            form = NoteForm()
    if request.headers.get("HX-Request") != "true":
        return redirect("pipelines:deal_detail", deal.pk)
    context = _context(request, deal, note_form=form)
    return render(request, "pipelines/_deal_notes.html", context)


@org_required("deal.edit")
@require_POST
def deal_payment_add(request: HttpRequest, pk: int) -> HttpResponse:
    """Record a payment received for the deal; htmx gets the payments section back. The
    ``payment.received`` event may move the deal (the built-in "payment received → Won")."""
    deal = _deal(request, pk)
    form = PaymentForm(request.POST)
    if form.is_valid():
        try:
            payment_services.deal_payment_record(
                deal=deal,
                actor=request.user,
                amount=form.cleaned_data["amount"],
                currency=form.cleaned_data["currency"],
                reference=form.cleaned_data["reference"],
            )
        except DomainError as exc:
            form.add_domain_error(exc)
        else:
            form = PaymentForm(initial={"currency": deal.currency})
    if request.headers.get("HX-Request") != "true":
        return redirect("pipelines:deal_detail", deal.pk)
    context = _context(request, deal, payment_form=form)
    return render(request, "pipelines/_deal_payments.html", context)


@org_required("deal.delete")
@require_POST
def deal_delete(request: HttpRequest, pk: int) -> HttpResponse:
    """Delete the deal. From the board's drawer the card goes (``deal:deleted``); from the
    deal's own page, back to the board."""
    deal = _deal(request, pk)
    payload = deal_payload(deal)
    deal_services.deal_delete(deal=deal, actor=request.user)
    board_url = reverse("pipelines:board", args=[deal.pipeline_id])
    if request.headers.get("HX-Request") != "true":
        messages.success(request, f"The deal “{deal.title}” is deleted.")
        return redirect(board_url)
    response = HttpResponse("")
    if urlsplit(request.headers.get("HX-Current-URL", "")).path.startswith("/pipeline/"):
        response["HX-Trigger"] = json.dumps({"deal:deleted": {"deal": payload}})
    else:
        messages.success(request, f"The deal “{deal.title}” is deleted.")
        response["HX-Redirect"] = board_url
    return response
