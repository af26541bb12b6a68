"""Notes on contacts and companies: add one from the record's timeline (previewing its
Markdown first, if wanted), delete one — on a contact, a company or a deal (the deal drawer's
notes post their delete here too).

htmx requests get the timeline back (with the form's message when the note was empty);
plain posts go back to the record page.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from accounts.errors import DomainError
from accounts.tenancy import org_required
from crm import selectors
from crm.forms import NoteForm
from crm.models import Company, Contact, Note
from crm.services import notes as note_services


def _is_htmx(request: HttpRequest) -> bool:
    return request.headers.get("HX-Request") == "true"


def _add(request: HttpRequest, subject: Contact | Company, detail_url: str) -> HttpResponse:
    form = NoteForm(request.POST)
    if form.is_valid():
        subject_kwargs: dict[str, Any] = (
            {"contact": subject} if isinstance(subject, Contact) else {"company": subject}
        )
        try:
            note_services.note_add(
                organization=request.org.organization,
                actor=request.user,
                body=form.cleaned_data["body"],
                **subject_kwargs,
            )
        except DomainError as exc:
            form.add_domain_error(exc)
        else:
            form = NoteForm()
    if not _is_htmx(request):
        if form.errors:
            messages.error(request, form.errors["body"][0] if "body" in form.errors else "")
        return redirect(detail_url)
    timeline = (
        selectors.contact_timeline(subject)
        if isinstance(subject, Contact)
        else selectors.company_timeline(subject)
    )
    return render(
        request,
        "crm/_timeline.html",
        {
            "timeline": timeline,
            "note_form": form,
            "note_url": request.path,
            "timeline_url": detail_url,
            "can_edit": True,
            "can_delete": request.org.has_perm("crm.delete"),
        },
    )


@org_required("crm.edit")
@require_POST
def contact_note_add(request: HttpRequest, pk: int) -> HttpResponse:
    contact = selectors.contact_get(request.org.organization, pk)
    if contact is None:
        raise Http404("No such contact")
    return _add(request, contact, reverse("crm:contact_detail", args=[contact.pk]))


@org_required("crm.edit")
@require_POST
def company_note_add(request: HttpRequest, pk: int) -> HttpResponse:
    company = selectors.company_get(request.org.organization, pk)
    if company is None:
        raise Http404("No such company")
    return _add(request, company, reverse("crm:company_detail", args=[company.pk]))


def _subject_url(note: Note) -> str:
    """The page the note is shown on: its contact's, its company's or its deal's (a deal links
    itself with ``get_absolute_url``: crm does not import pipelines)."""
    if note.contact_id:
        return reverse("crm:contact_detail", args=[note.contact_id])
    if note.company_id:
        return reverse("crm:company_detail", args=[note.company_id])
    return note.deal.get_absolute_url()


@org_required("crm.edit")
@require_POST
def note_delete(request: HttpRequest, pk: int) -> HttpResponse:
    note = selectors.note_get(request.org.organization, pk)
    if note is None:
        raise Http404("No such note")
    back = _subject_url(note)
    note_services.note_delete(note=note, actor=request.user)
    if _is_htmx(request):
        return HttpResponse("")
    messages.success(request, "The note is deleted.")
    return redirect(back)


@org_required("crm.edit")
@require_POST
def note_preview(request: HttpRequest) -> HttpResponse:
    """The note as it will read once added: the same sanitised Markdown rendering."""
    return render(request, "crm/_note_preview.html", {"body": request.POST.get("body", "")})
