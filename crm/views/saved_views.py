"""Saved views of the contact and company lists: save the current search, filters and sort
under a name (private, or shared with the organization), and delete one.

The save form is a modal on the list page that sends the list's filter form along; the
service keeps only the parameters the list understands.
"""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from accounts.errors import DomainError
from accounts.tenancy import org_required
from crm import selectors
from crm.forms import SavedViewForm
from crm.models import Entity
from crm.services import saved_views as saved_view_services

LIST_URLS = {Entity.CONTACT: "crm:contact_list", Entity.COMPANY: "crm:company_list"}
# What the list's filter form sends besides filters, never stored in a view.
NOT_FILTERS = {"csrfmiddlewaretoken", "name", "shared", "entity", "page", "view"}


def _redirect(request: HttpRequest, url: str) -> HttpResponse:
    if request.headers.get("HX-Request") == "true":
        return HttpResponse(headers={"HX-Redirect": url})
    return redirect(url)


@org_required("crm.view")
@require_POST
def saved_view_create(request: HttpRequest) -> HttpResponse:
    entity = request.POST.get("entity", "")
    if entity not in LIST_URLS:
        raise Http404("No such list")
    form = SavedViewForm(request.POST)
    filters = {
        key: values if len(values) > 1 else values[0]
        for key, values in request.POST.lists()
        if key not in NOT_FILTERS and any(v.strip() for v in values)
    }
    if form.is_valid():
        try:
            view = saved_view_services.saved_view_create(
                organization=request.org.organization,
                actor=request.user,
                entity=entity,
                name=form.cleaned_data["name"],
                filters=filters,
                shared=form.cleaned_data["shared"],
            )
        except DomainError as exc:
            form.add_domain_error(exc)
        else:
            messages.success(request, f"The view “{view.name}” is saved.")
            return _redirect(request, f"{reverse(LIST_URLS[entity])}?view={view.pk}")
    if request.headers.get("HX-Request") != "true":
        messages.error(request, "The view is not saved: " + next(iter(form.errors.values()))[0])
        return redirect(LIST_URLS[entity])
    return render(
        request,
        "crm/_save_view_form.html",
        {
            "view_form": form,
            "entity_key": entity,
            "can_share": request.org.has_perm("crm.edit"),
        },
    )


@org_required("crm.view")
@require_POST
def saved_view_delete(request: HttpRequest, pk: int) -> HttpResponse:
    view = selectors.saved_views_list(request.org.organization, request.user).filter(pk=pk).first()
    if view is None:
        raise Http404("No such view")
    saved_view_services.saved_view_delete(view=view, actor=request.user)
    messages.success(request, f"The view “{view.name}” is deleted.")
    return _redirect(request, reverse(LIST_URLS[view.entity]))
