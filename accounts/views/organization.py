"""Organization settings: the organization itself, members and invitations, API keys and the
audit log.

Every write goes through ``accounts.services``; these views turn form input into service calls
and service errors into messages next to the fields. Actions that change one row answer htmx
requests with that row re-rendered and plain POSTs with a redirect and a flash message.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.cache import add_never_cache_headers
from django.views.decorators.http import require_POST

from accounts import selectors, services
from accounts.errors import DomainError
from accounts.forms import (
    ApiKeyForm,
    AuditFilterForm,
    InvitationForm,
    MemberRoleForm,
    OrganizationRenameForm,
    OrganizationSecurityForm,
    OwnershipTransferForm,
)
from accounts.mfa import mfa_enabled
from accounts.models import Invitation, Membership
from accounts.permissions import Role, assignable_roles
from accounts.tenancy import (
    ACTIVE_ORG_SESSION_KEY,
    get_org_object_or_404,
    org_required,
)

AUDIT_PAGE_SIZE = 50


def _is_htmx(request: HttpRequest) -> bool:
    return request.headers.get("HX-Request") == "true"


# --- Organization ----------------------------------------------------------------------------


def _organization_page(request: HttpRequest, **forms: Any) -> HttpResponse:
    ctx = request.org
    organization = ctx.organization
    context = {
        "can_manage": ctx.has_perm("organization.manage"),
        "can_transfer": ctx.has_perm("organization.transfer"),
        "is_owner": ctx.role == Role.OWNER,
        "rename_form": OrganizationRenameForm(
            initial={
                "name": organization.name,
                "default_currency": organization.default_currency,
                "time_zone": organization.time_zone,
            }
        ),
        "security_form": OrganizationSecurityForm(
            initial={"require_mfa": organization.require_mfa}
        ),
        "actor_has_mfa": mfa_enabled(request.user),
        "member_count": selectors.members_list(organization).count(),
        **forms,
    }
    if context["can_transfer"] and "transfer_form" not in forms:
        context["transfer_form"] = OwnershipTransferForm(
            candidates=selectors.ownership_candidates(organization, request.user)
        )
    return render(request, "accounts/settings/organization.html", context)


@org_required("organization.view")
def organization(request: HttpRequest) -> HttpResponse:
    """Show the organization; a POST renames it (managers only)."""
    if request.method != "POST":
        return _organization_page(request)
    request.org.require("organization.manage")
    form = OrganizationRenameForm(request.POST)
    if form.is_valid():
        try:
            services.organization_update(
                organization=request.org.organization,
                actor=request.user,
                data={
                    key: value
                    for key, value in form.cleaned_data.items()
                    if key == "name" or (key in ("default_currency", "time_zone") and value)
                },
            )
        except DomainError as exc:
            form.add_domain_error(exc)
        else:
            messages.success(request, "The organization settings are saved.")
            return redirect("settings_organization")
    return _organization_page(request, rename_form=form)


@org_required("organization.manage")
@require_POST
def organization_security(request: HttpRequest) -> HttpResponse:
    form = OrganizationSecurityForm(request.POST)
    form.is_valid()  # a single optional checkbox is always valid
    organization = services.organization_update(
        organization=request.org.organization,
        actor=request.user,
        data={"require_mfa": form.cleaned_data["require_mfa"]},
    )
    notice = (
        "Two-factor authentication is now required for every member."
        if organization.require_mfa
        else "Two-factor authentication is now optional."
    )
    if _is_htmx(request):
        return render(
            request,
            "accounts/settings/_organization_security.html",
            {
                "security_form": OrganizationSecurityForm(
                    initial={"require_mfa": organization.require_mfa}
                ),
                "can_manage": True,
                "actor_has_mfa": mfa_enabled(request.user),
                "notice": notice,
            },
        )
    messages.success(request, notice)
    return redirect("settings_organization")


@org_required("organization.transfer")
@require_POST
def organization_transfer(request: HttpRequest) -> HttpResponse:
    organization = request.org.organization
    form = OwnershipTransferForm(
        request.POST, candidates=selectors.ownership_candidates(organization, request.user)
    )
    if form.is_valid():
        new_owner = form.cleaned_data["user"]
        try:
            services.organization_transfer_ownership(
                organization=organization, to_user=new_owner, actor=request.user
            )
        except DomainError as exc:
            form.add_domain_error(exc)
        else:
            messages.success(
                request, f"{new_owner.display_name} now owns {organization.name}. You are an admin."
            )
            return redirect("settings_organization")
    return _organization_page(request, transfer_form=form)


@org_required("organization.view")
def organization_leave(request: HttpRequest) -> HttpResponse:
    organization = request.org.organization
    if request.org.role == Role.OWNER:
        messages.error(request, "You own this organization: transfer ownership before leaving.")
        return redirect("settings_organization")
    if request.method == "POST":
        membership = selectors.membership_get(organization, request.user)
        try:
            services.member_remove(membership=membership, actor=request.user)
        except DomainError as exc:
            messages.error(request, exc.message)
            return redirect("settings_organization")
        request.session.pop(ACTIVE_ORG_SESSION_KEY, None)
        messages.success(request, f"You left {organization.name}.")
        return redirect("dashboard")
    return render(
        request,
        "accounts/settings/confirm.html",
        {
            "title": f"Leave {organization.name}?",
            "body": "You lose access to its contacts, deals and chats. "
            "An admin can invite you again later.",
            "confirm_label": "Leave organization",
            "cancel_url": reverse("settings_organization"),
        },
    )


# --- Members ---------------------------------------------------------------------------------


def _member_row(request: HttpRequest, membership: Membership, **extra: Any) -> dict[str, Any]:
    """What the viewer may do with one member. Services enforce the same rules; this only
    decides which controls to show."""
    ctx = request.org
    roles = assignable_roles(ctx.role)
    is_self = membership.user_id == request.user.pk
    can_manage = ctx.has_perm("member.manage") and not is_self and membership.role != Role.OWNER
    return {
        "membership": membership,
        "is_self": is_self,
        "can_change_role": can_manage and membership.role in roles,
        "can_remove": can_manage and (membership.role != Role.ADMIN or ctx.role == Role.OWNER),
        "role_form": MemberRoleForm(
            initial={"role": membership.role}, roles=roles, prefix=f"m{membership.pk}"
        ),
        **extra,
    }


def _members_page(request: HttpRequest, invite_form: InvitationForm | None = None) -> HttpResponse:
    ctx = request.org
    organization = ctx.organization
    can_invite = ctx.has_perm("invitation.manage")
    context = {
        "rows": [_member_row(request, m) for m in selectors.members_list(organization)],
        "can_manage": ctx.has_perm("member.manage"),
        "can_invite": can_invite,
        "invitations": (
            selectors.invitations_open(organization) if ctx.has_perm("invitation.view") else None
        ),
        "invite_form": invite_form
        or (InvitationForm(roles=assignable_roles(ctx.role)) if can_invite else None),
    }
    return render(request, "accounts/settings/members.html", context)


@org_required("member.view")
def members(request: HttpRequest) -> HttpResponse:
    return _members_page(request)


def _get_membership(request: HttpRequest, pk: int) -> Membership:
    organization = request.org.organization
    return get_org_object_or_404(selectors.members_list(organization), organization, pk=pk)


@org_required("member.manage")
@require_POST
def member_role(request: HttpRequest, pk: int) -> HttpResponse:
    membership = _get_membership(request, pk)
    form = MemberRoleForm(
        request.POST, roles=assignable_roles(request.org.role), prefix=f"m{membership.pk}"
    )
    error = ""
    if form.is_valid():
        try:
            services.member_change_role(
                membership=membership, role=form.cleaned_data["role"], actor=request.user
            )
        except DomainError as exc:
            error = exc.message
    else:
        error = "Choose a role you are allowed to give."
    if _is_htmx(request):
        membership.refresh_from_db()
        row = _member_row(request, membership, error=error, saved=not error)
        return render(request, "accounts/settings/_member_row.html", {"row": row})
    if error:
        messages.error(request, error)
    else:
        messages.success(
            request,
            f"{membership.user.display_name} is now {membership.get_role_display().lower()}.",
        )
    return redirect("settings_members")


@org_required("member.manage")
@require_POST
def member_remove(request: HttpRequest, pk: int) -> HttpResponse:
    """Confirmed in place on the members page (no JavaScript needed), so this only POSTs."""
    membership = _get_membership(request, pk)
    if membership.user_id == request.user.pk:
        return redirect("settings_organization_leave")
    try:
        services.member_remove(membership=membership, actor=request.user)
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(
            request,
            f"{membership.user.display_name} no longer has access to {membership.organization}.",
        )
    return redirect("settings_members")


# --- Invitations (managing) ------------------------------------------------------------------


@org_required("invitation.manage")
@require_POST
def invitation_create(request: HttpRequest) -> HttpResponse:
    form = InvitationForm(request.POST, roles=assignable_roles(request.org.role))
    if form.is_valid():
        try:
            issued = services.invitation_create(
                organization=request.org.organization,
                email=form.cleaned_data["email"],
                role=form.cleaned_data["role"],
                actor=request.user,
            )
        except DomainError as exc:
            form.add_domain_error(exc)
        else:
            messages.success(request, f"Invitation sent to {issued.invitation.email}.")
            return redirect("settings_members")
    return _members_page(request, invite_form=form)


def _get_invitation(request: HttpRequest, pk: int) -> Invitation:
    organization = request.org.organization
    return get_org_object_or_404(selectors.invitations_list(organization), organization, pk=pk)


def _invitation_answer(
    request: HttpRequest, invitation: Invitation, *, success: str, error: str
) -> HttpResponse:
    if _is_htmx(request):
        return render(
            request,
            "accounts/settings/_invitation_row.html",
            {"invitation": invitation, "can_invite": True, "notice": error or success},
        )
    if error:
        messages.error(request, error)
    else:
        messages.success(request, success)
    return redirect("settings_members")


@org_required("invitation.manage")
@require_POST
def invitation_revoke(request: HttpRequest, pk: int) -> HttpResponse:
    invitation = _get_invitation(request, pk)
    error = ""
    try:
        services.invitation_revoke(invitation=invitation, actor=request.user)
    except DomainError as exc:
        error = exc.message
    invitation.refresh_from_db()
    return _invitation_answer(
        request,
        invitation,
        success=f"The invitation for {invitation.email} is revoked.",
        error=error,
    )


@org_required("invitation.manage")
@require_POST
def invitation_resend(request: HttpRequest, pk: int) -> HttpResponse:
    invitation = _get_invitation(request, pk)
    error = ""
    try:
        invitation = services.invitation_resend(
            invitation=invitation, actor=request.user
        ).invitation
    except DomainError as exc:
        error = exc.message
    return _invitation_answer(
        request,
        invitation,
        success=f"A new invitation link was sent to {invitation.email}.",
        error=error,
    )


# --- API keys --------------------------------------------------------------------------------


@org_required("apikey.view")
def api_keys(request: HttpRequest) -> HttpResponse:
    """List keys; a POST creates one and shows its secret on the answer page, only there."""
    ctx = request.org
    form = ApiKeyForm(request.POST or None)
    if request.method == "POST":
        ctx.require("apikey.manage")
        if form.is_valid():
            try:
                issued = services.api_key_create(
                    organization=ctx.organization,
                    name=form.cleaned_data["name"],
                    scopes=form.cleaned_data["scopes"],
                    actor=request.user,
                )
            except DomainError as exc:
                form.add_domain_error(exc)
            else:
                response = render(
                    request, "accounts/settings/api_key_created.html", {"issued": issued}
                )
                add_never_cache_headers(response)
                return response
    context = {
        "api_keys": selectors.api_keys_list(ctx.organization),
        "can_manage": ctx.has_perm("apikey.manage"),
        "form": form,
    }
    return render(request, "accounts/settings/api_keys.html", context)


@org_required("apikey.manage")
@require_POST
def api_key_revoke(request: HttpRequest, pk: int) -> HttpResponse:
    organization = request.org.organization
    api_key = get_org_object_or_404(selectors.api_keys_list(organization), organization, pk=pk)
    services.api_key_revoke(api_key=api_key, actor=request.user)
    messages.success(request, f"The key “{api_key.name}” is revoked.")
    return redirect("settings_api_keys")


# --- Audit log -------------------------------------------------------------------------------


@org_required("audit.view")
def audit_log(request: HttpRequest) -> HttpResponse:
    organization = request.org.organization
    form = AuditFilterForm(
        request.GET or None,
        actions=selectors.audit_actions(organization),
        actors=[(u.pk, u.email) for u in selectors.audit_actors(organization)],
    )
    filters = form.cleaned_data if form.is_valid() else {}
    entries = selectors.audit_entries_list(
        organization, action=filters.get("action", ""), actor_id=filters.get("actor")
    )
    page = Paginator(entries, AUDIT_PAGE_SIZE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "accounts/settings/audit.html",
        {"form": form, "page": page, "query": query.urlencode()},
    )
