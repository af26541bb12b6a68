"""Bulk actions of the contact and company lists: tag, untag, assign an owner, delete.

The list posts the ticked ids with the action; the services check the permission and the
organization of every id, so ids of another organization are simply not touched.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.utils.http import url_has_allowed_host_and_scheme

from accounts.errors import DomainError
from crm.forms import BulkActionForm


def _back(request: HttpRequest, list_url: str) -> str:
    target = request.POST.get("next", "")
    if target.startswith(list_url) and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}
    ):
        return target
    return list_url


def run(
    request: HttpRequest,
    form: BulkActionForm,
    *,
    list_url: str,
    noun: tuple[str, str],
    tag: Callable[..., int],
    assign: Callable[..., int],
    delete: Callable[..., int],
) -> HttpResponse:
    """Validate the action, run it through the service and say what happened."""
    back = _back(request, list_url)
    if not form.is_valid():
        messages.error(request, _first_error(form))
        return redirect(back)
    data = form.cleaned_data
    action = data["action"]
    common: dict[str, Any] = {
        "organization": request.org.organization,
        "actor": request.user,
        "contact_ids" if noun[0] == "contact" else "company_ids": data["ids"],
    }
    if action == "delete":
        request.org.require("crm.delete")
    try:
        if action in ("tag", "untag"):
            name = data["tag"].strip()
            count = tag(**common, tag_names=[name], remove=action == "untag")
            done = f"“{name}” {'added to' if action == 'tag' else 'removed from'}"
        elif action == "assign":
            owner = data["owner"]
            count = assign(**common, owner=owner)
            done = f"{owner.display_name} now owns" if owner else "No owner any more for"
        else:
            count = delete(**common)
            done = "Deleted"
    except DomainError as exc:
        messages.error(request, exc.message)
        return redirect(back)
    if count:
        messages.success(request, f"{done} {count} {noun[0] if count == 1 else noun[1]}.")
    else:
        messages.info(request, f"Nothing to change: the selected {noun[1]} were like that.")
    return redirect(back)


def _first_error(form: BulkActionForm) -> str:
    for errors in form.errors.values():
        return str(errors[0])
    return "Check the selection."
