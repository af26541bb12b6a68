"""The public page behind the link in an invitation email.

Anonymous visitors see who invited them and sign up or log in; the token waits in their session
(onboarding sends them back here after sign-up). Signed-in people accept or decline.
"""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render

from accounts import services
from accounts.errors import DomainError, NotFound
from accounts.models import Invitation
from accounts.tenancy import set_active_organization

PENDING_INVITATION_SESSION_KEY = "pending_invitation"


def invitation_accept(request: HttpRequest, token: str) -> HttpResponse:
    """Unusable links get a page that says why, never an error."""
    try:
        invitation = services.invitation_by_token(token)
    except NotFound:
        return _invitation_unusable(request, token, status="invalid")
    if invitation.status != "pending":
        return _invitation_unusable(request, token, status=invitation.status)
    if not request.user.is_authenticated:
        request.session[PENDING_INVITATION_SESSION_KEY] = token
        return render(request, "accounts/invitation_accept.html", {"invitation": invitation})
    if request.user.email.lower() != invitation.email.lower():
        return render(
            request,
            "accounts/invitation_wrong_email.html",
            {"invitation": invitation},
            status=403,
        )
    if request.method == "POST":
        return _invitation_decide(request, token, invitation)
    return render(request, "accounts/invitation_accept.html", {"invitation": invitation})


def _invitation_decide(request: HttpRequest, token: str, invitation: Invitation) -> HttpResponse:
    request.session.pop(PENDING_INVITATION_SESSION_KEY, None)
    organization = invitation.organization
    if request.POST.get("decision") == "decline":
        messages.info(request, f"You declined the invitation to {organization.name}.")
        return redirect("dashboard")
    try:
        membership = services.invitation_accept(token=token, user=request.user)
    except DomainError as exc:
        return _invitation_unusable(request, token, status="error", message=exc.message)
    set_active_organization(request, membership.organization_id)
    messages.success(request, f"Welcome to {organization.name}!")
    return redirect("dashboard")


def _invitation_unusable(
    request: HttpRequest, token: str, *, status: str, message: str = ""
) -> HttpResponse:
    if request.session.get(PENDING_INVITATION_SESSION_KEY) == token:
        del request.session[PENDING_INVITATION_SESSION_KEY]
    return render(
        request,
        "accounts/invitation_unusable.html",
        {"status": status, "message": message},
        status=404 if status == "invalid" else 410,
    )
