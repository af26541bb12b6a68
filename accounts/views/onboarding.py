"""Landing, onboarding and switching organizations."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST

from accounts import services
from accounts.errors import DomainError
from accounts.forms import OrganizationCreateForm
from accounts.tenancy import org_required, set_active_organization, web_org_context


@org_required()
def dashboard(request: HttpRequest) -> HttpResponse:
    return render(request, "accounts/dashboard.html")


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
