"""Landing, onboarding and switching organizations."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import NoReverseMatch, reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST

from accounts import selectors, services
from accounts.errors import DomainError
from accounts.forms import OrganizationCreateForm
from accounts.models import User
from accounts.tenancy import OrgContext, org_required, set_active_organization, web_org_context


@org_required()
def dashboard(request: HttpRequest) -> HttpResponse:
    """The organization's home: a getting-started checklist until the basics are in place."""
    steps = _setup_steps(request.org, request.user)
    done = sum(1 for step in steps if step["done"])
    return render(
        request,
        "accounts/dashboard.html",
        {"steps": steps, "steps_done": done, "steps_total": len(steps)},
    )


# Getting-started steps: (key, page it links to, permission needed to take it).
SETUP_STEPS = [
    ("organization", "", ""),
    ("teammates", "settings_members", "invitation.manage"),
    ("mfa", "settings_security", ""),
    ("api_key", "settings_api_keys", "apikey.manage"),
]


def _setup_steps(context: OrgContext, user: User) -> list[dict]:
    """The steps this viewer can take, leaving out pages that are not built yet."""
    status = selectors.organization_setup_status(context.organization, user)
    status["organization"] = True
    steps = []
    for key, url_name, perm in SETUP_STEPS:
        if perm and not context.has_perm(perm):
            continue
        url = None
        if url_name:
            try:
                url = reverse(url_name)
            except NoReverseMatch:
                continue
        steps.append({"key": key, "done": status[key], "url": url})
    return steps


@login_required
def onboarding(request: HttpRequest) -> HttpResponse:
    """Create an organization: the first step after sign-up, or any time from the switcher."""
    pending = request.session.get("pending_invitation")
    if pending and web_org_context(request) is None:
        return redirect("invitation_accept", token=pending)
    form = OrganizationCreateForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            organization = services.organization_create(
                name=form.cleaned_data["name"], owner=request.user
            )
        except DomainError as exc:
            form.add_error("name", exc.message)
        else:
            set_active_organization(request, organization.pk)
            messages.success(request, f"{organization.name} is ready. Invite your team next.")
            return redirect("dashboard")
    return render(request, "accounts/onboarding.html", {"form": form})


@login_required
@require_POST
def organization_switch(request: HttpRequest) -> HttpResponse:
    raw = request.POST.get("organization", "")
    if not raw.isdigit() or not set_active_organization(request, int(raw)):
        messages.error(request, "You are not a member of that organization.")
    next_url = request.POST.get("next", "")
    if not url_has_allowed_host_and_scheme(next_url, {request.get_host()}, request.is_secure()):
        next_url = "/"
    return redirect(next_url)
