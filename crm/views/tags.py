"""Settings → Tags: list the organization's tags with how often each is used; create, rename,
recolour and delete them (``crm.configure``). Records link tags by id, so a rename shows
everywhere at once."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.db.models import Count
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from accounts.errors import DomainError
from accounts.tenancy import org_required
from crm import selectors
from crm.forms import TagForm
from crm.models import Tag
from crm.services import tags as tag_services


def _tags_with_usage(request: HttpRequest) -> Any:
    return selectors.tags_list(request.org.organization).annotate(
        contact_count=Count("contacts", distinct=True),
        company_count=Count("companies", distinct=True),
    )


def _row(tag: Tag, **extra: Any) -> dict[str, Any]:
    return {
        "tag": tag,
        "contacts": getattr(tag, "contact_count", 0),
        "companies": getattr(tag, "company_count", 0),
        **extra,
    }


def _tag_or_404(request: HttpRequest, pk: int) -> Tag:
    tag = _tags_with_usage(request).filter(pk=pk).first()
    if tag is None:
        raise Http404("No such tag")
    return tag


@org_required("crm.configure")
def tag_list(request: HttpRequest) -> HttpResponse:
    """The tags; a POST creates one."""
    form = TagForm()
    if request.method == "POST":
        form = TagForm(request.POST)
        if form.is_valid():
            try:
                tag = tag_services.tag_create(
                    organization=request.org.organization,
                    actor=request.user,
                    name=form.cleaned_data["name"],
                    color=form.cleaned_data["color"],
                )
            except DomainError as exc:
                form.add_domain_error(exc)
            else:
                messages.success(request, f"The tag “{tag.name}” is created.")
                return redirect("crm:settings_tags")
    rows = [_row(tag) for tag in _tags_with_usage(request)]
    return render(request, "crm/settings/tags.html", {"rows": rows, "create_form": form})


@org_required("crm.configure")
def tag_edit(request: HttpRequest, pk: int) -> HttpResponse:
    """The row's editor (GET), the row back (GET with ``cancel``) or the saved row (POST)."""
    tag = _tag_or_404(request, pk)
    if request.method == "POST":
        form = TagForm(request.POST, current_color=tag.color)
        if form.is_valid():
            try:
                tag_services.tag_update(tag=tag, actor=request.user, data=form.cleaned_data)
            except DomainError as exc:
                form.add_domain_error(exc)
            else:
                if request.headers.get("HX-Request") != "true":
                    messages.success(request, "The tag is saved.")
                    return redirect("crm:settings_tags")
                tag = _tag_or_404(request, pk)
                return render(request, "crm/settings/_tag_row.html", {"row": _row(tag, saved=True)})
        return render(request, "crm/settings/_tag_row.html", {"row": _row(tag, form=form)})
    if request.GET.get("cancel"):
        return render(request, "crm/settings/_tag_row.html", {"row": _row(tag)})
    form = TagForm(initial={"name": tag.name, "color": tag.color}, current_color=tag.color)
    form.fields["name"].widget.attrs["autofocus"] = True
    return render(request, "crm/settings/_tag_row.html", {"row": _row(tag, form=form)})


@org_required("crm.configure")
@require_POST
def tag_delete(request: HttpRequest, pk: int) -> HttpResponse:
    tag = _tag_or_404(request, pk)
    tag_services.tag_delete(tag=tag, actor=request.user)
    messages.success(request, f"The tag “{tag.name}” is deleted.")
    return redirect("crm:settings_tags")
