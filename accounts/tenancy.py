"""Tenancy, enforced once: resolve the current organization and the caller's role.

Web views use ``org_required`` / ``OrgRequiredMixin``; the API uses ``OrgScopedViewSet`` (in
``accounts.api_base``), both built on ``OrgContext``. Objects of another organization are
reported as not found, never forbidden, so their existence does not leak.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from functools import wraps
from typing import Any

from django.contrib.auth.decorators import login_required
from django.contrib.auth.mixins import LoginRequiredMixin
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect

from accounts.errors import PermissionDenied
from accounts.models import ApiKey, Membership, Organization, User
from accounts.permissions import role_has_perm

ACTIVE_ORG_SESSION_KEY = "active_org_id"


@dataclass(frozen=True)
class OrgContext:
    """The organization a request acts in and the rights it acts with."""

    organization: Organization
    role: str
    user: User | None
    api_key: ApiKey | None = None

    def has_perm(self, perm: str) -> bool:
        return role_has_perm(self.role, perm)

    def require(self, perm: str) -> None:
        if not self.has_perm(perm):
            raise PermissionDenied(perm=perm)


# The membership a request resolved, kept on its user object so the services it calls
# (``require_permission``) check the role without reading it again. A user object lives as long
# as its request (or task); nothing long-lived calls ``membership_remember``.
_MEMO_ATTR = "_bidi_memberships"


def membership_remember(membership: Membership, user: User) -> None:
    """Record that ``user`` acts in ``membership``'s organization with its role."""
    memo = user.__dict__.setdefault(_MEMO_ATTR, {})
    memo[membership.organization_id] = membership


def membership_recalled(user: User, organization_id: int) -> Membership | None:
    """The membership remembered for ``user`` in that organization during this request."""
    return user.__dict__.get(_MEMO_ATTR, {}).get(organization_id)


# All of a user's memberships (organizations loaded), read by JWT authentication in the same
# query as the user: the API's organization lookup picks from them instead of querying again.
_PRELOAD_ATTR = "_bidi_memberships_preloaded"


def memberships_preload(user: User, memberships: list[Membership]) -> None:
    """Keep ``memberships`` (all of ``user``'s, in Membership's order) for this request's
    organization lookup."""
    user.__dict__[_PRELOAD_ATTR] = memberships


def memberships_preloaded(user: User) -> list[Membership] | None:
    """The memberships preloaded for ``user``, handed out once (a second lookup in the same
    request reads the database, as it did before any preload); None when none were."""
    return user.__dict__.pop(_PRELOAD_ATTR, None)


def web_org_context(request: HttpRequest) -> OrgContext | None:
    """The session's active organization, falling back to the user's first one."""
    user = request.user
    if not user.is_authenticated:
        return None
    cached = getattr(request, "_org_context", None)
    if cached is not None:
        return cached
    memberships = Membership.objects.filter(user=user).select_related("organization")
    active_id = request.session.get(ACTIVE_ORG_SESSION_KEY)
    membership = None
    if active_id is not None:
        membership = memberships.filter(organization_id=active_id).first()
    if membership is None:
        membership = memberships.order_by("organization__name").first()
        if membership is not None:
            request.session[ACTIVE_ORG_SESSION_KEY] = membership.organization_id
    if membership is None:
        return None
    membership_remember(membership, user)
    context = OrgContext(organization=membership.organization, role=membership.role, user=user)
    request._org_context = context  # type: ignore[attr-defined]
    return context


def set_active_organization(request: HttpRequest, organization_id: int) -> bool:
    """Switch the session to another organization the user belongs to."""
    if not Membership.objects.filter(user=request.user, organization_id=organization_id).exists():
        return False
    request.session[ACTIVE_ORG_SESSION_KEY] = organization_id
    request.__dict__.pop("_org_context", None)
    return True


def org_required(
    perm: str = "organization.view",
) -> Callable[[Callable[..., HttpResponse]], Callable[..., HttpResponse]]:
    """Decorator for function views: sign-in, an active organization and ``perm`` required.

    The view receives ``request.org`` (OrgContext). Users without an organization go to
    onboarding; a missing permission is a 403 page naming what is missing.
    """

    def decorator(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
        @login_required
        @wraps(view)
        def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
            context = web_org_context(request)
            if context is None:
                return redirect("onboarding")
            if not context.has_perm(perm):
                raise PermissionDenied(perm=perm)
            request.org = context  # type: ignore[attr-defined]
            return view(request, *args, **kwargs)

        wrapped.required_perm = perm  # type: ignore[attr-defined]
        return wrapped

    return decorator


class OrgRequiredMixin(LoginRequiredMixin):
    """Class-based twin of ``org_required``; set ``required_perm``. Querysets must be filtered
    by ``self.request.org.organization`` — ``get_object`` 404s objects of other organizations."""

    required_perm = "organization.view"

    def dispatch(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if not request.user.is_authenticated:
            return self.handle_no_permission()
        context = web_org_context(request)
        if context is None:
            return redirect("onboarding")
        if not context.has_perm(self.required_perm):
            raise PermissionDenied(perm=self.required_perm)
        request.org = context  # type: ignore[attr-defined]
        return super().dispatch(request, *args, **kwargs)


def get_org_object_or_404(queryset: Any, organization: Organization, **lookup: Any) -> Any:
    obj = queryset.filter(organization=organization, **lookup).first()
    if obj is None:
        raise Http404("Not found")
    return obj
