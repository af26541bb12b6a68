from __future__ import annotations

from django.http import HttpRequest

from accounts.permissions import perms_for_role
from accounts.selectors import memberships_for_user
from accounts.tenancy import web_org_context


def organization(request: HttpRequest) -> dict:
    """The active organization, the user's other organizations and their permissions."""
    if not getattr(request, "user", None) or not request.user.is_authenticated:
        return {}
    context = web_org_context(request)
    return {
        "org": context.organization if context else None,
        "org_role": context.role if context else None,
        "org_perms": perms_for_role(context.role) if context else set(),
        "user_memberships": memberships_for_user(request.user),
    }
