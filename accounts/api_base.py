"""The API's tenancy base classes: every org-owned endpoint extends ``OrgScopedViewSet``.

The organization comes from the API key, else the ``X-Organization`` header (id or slug), else
the session's active organization, else the user's only organization. Each action names the
permission it needs in ``action_permissions``; an action without an entry is refused.
"""

from __future__ import annotations

from functools import cached_property
from typing import Any

from django.db.models import Q, QuerySet
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import exceptions, permissions, serializers, viewsets
from rest_framework.request import Request

from accounts.errors import NotFound, PermissionDenied
from accounts.mfa import mfa_enabled
from accounts.models import ApiKey, Membership, Organization
from accounts.permissions import API_KEY_SCOPE_ROLE
from accounts.tenancy import (
    ACTIVE_ORG_SESSION_KEY,
    OrgContext,
    membership_remember,
    memberships_preloaded,
)

Memberships = QuerySet[Membership] | list[Membership]


def _membership_named(memberships: Memberships, header: str) -> Membership | None:
    """The membership whose organization the X-Organization header names (slug or id)."""
    if isinstance(memberships, list):  # preloaded by JWT authentication, in Membership's order
        wanted_id = int(header) if header.isdigit() else None
        return next(
            (
                m
                for m in memberships
                if m.organization.slug == header or m.organization_id == wanted_id
            ),
            None,
        )
    lookup = Q(organization__slug=header)
    if header.isdigit():
        lookup |= Q(organization_id=int(header))
    return memberships.filter(lookup).first()


def _membership_in(memberships: Memberships, organization_id: Any) -> Membership | None:
    if isinstance(memberships, list):
        wanted = str(organization_id)
        return next((m for m in memberships if str(m.organization_id) == wanted), None)
    return memberships.filter(organization_id=organization_id).first()


def api_org_context(request: Request) -> OrgContext:
    if isinstance(request.auth, ApiKey):
        api_key = request.auth
        role = API_KEY_SCOPE_ROLE["write" if "write" in api_key.scopes else "read"]
        return OrgContext(
            organization=api_key.organization, role=role, user=request.user, api_key=api_key
        )
    user = request.user
    memberships: Memberships | None = memberships_preloaded(user)
    if memberships is None:
        memberships = Membership.objects.filter(user=user).select_related("organization")
    header = request.headers.get("X-Organization", "").strip()
    if header:
        membership = _membership_named(memberships, header)
        if membership is None:
            raise NotFound("Organization not found.")
    else:
        membership = None
        session = getattr(request._request, "session", None)
        active_id = session.get(ACTIVE_ORG_SESSION_KEY) if session is not None else None
        if active_id is not None:
            membership = _membership_in(memberships, active_id)
        if membership is None:
            found = list(memberships[:2])
            if not found:
                raise NotFound("You do not belong to any organization yet.")
            if len(found) > 1:
                raise exceptions.ParseError(
                    "You belong to several organizations: send the X-Organization header."
                )
            membership = found[0]
    organization = membership.organization
    if organization.require_mfa and not mfa_enabled(user):
        # The web holds such members at Settings → Security; the API must not be a way around.
        raise PermissionDenied(
            f"{organization.name} requires two-factor authentication. Turn it on in Settings → "
            "Security, then sign in again with a code.",
            code="mfa_enrollment_required",
        )
    membership_remember(membership, user)
    return OrgContext(organization=organization, role=membership.role, user=user)


class HasActionPermission(permissions.BasePermission):
    def has_permission(self, request: Request, view: Any) -> bool:
        perm = view.action_permissions.get(view.action)
        if perm is None:
            raise PermissionDenied("This action is not available.", perm="")
        if not view.org_context.has_perm(perm):
            raise PermissionDenied(perm=perm)
        return True


class UserCredentialRequired(permissions.BasePermission):
    """For endpoints about the signed-in person (profile, starting an organization, accepting
    an invitation): an API key acts for its organization, never as the person who created it."""

    def has_permission(self, request: Request, view: Any) -> bool:
        if isinstance(request.auth, ApiKey):
            raise PermissionDenied("API keys cannot do this: sign in as a user (JWT or session).")
        return True


ORGANIZATION_HEADER = OpenApiParameter(
    name="X-Organization",
    location=OpenApiParameter.HEADER,
    required=False,
    description=(
        "Id or slug of the organization to act in. Needed when the user belongs to several "
        "organizations; ignored for API keys, which act in their own organization."
    ),
)


@extend_schema(parameters=[ORGANIZATION_HEADER])
class OrgScopedViewSet(viewsets.GenericViewSet):
    """Base for org-owned resources. Subclasses implement ``get_org_queryset(org)`` (a selector
    call) and ``action_permissions``; object lookups outside the organization are 404s."""

    permission_classes = [permissions.IsAuthenticated, HasActionPermission]
    action_permissions: dict[str, str] = {}

    @cached_property
    def org_context(self) -> OrgContext:
        return api_org_context(self.request)

    @property
    def organization(self) -> Organization:
        return self.org_context.organization

    def get_org_queryset(self, organization: Organization) -> QuerySet:
        raise NotImplementedError

    def get_queryset(self) -> QuerySet:
        if getattr(self, "swagger_fake_view", False):
            return self.queryset if self.queryset is not None else QuerySet()
        return self.get_org_queryset(self.organization)

    def get_serializer_context(self) -> dict[str, Any]:
        context = super().get_serializer_context()
        if not getattr(self, "swagger_fake_view", False) and self.request is not None:
            context["organization"] = self.organization
        return context


class OrgPrimaryKeyRelatedField(serializers.PrimaryKeyRelatedField):
    """A foreign key in input that must belong to the request's organization.

    A key of another organization gets the same "does not exist" error as a missing one.
    """

    def get_queryset(self) -> QuerySet:
        queryset = super().get_queryset()
        organization = self.context.get("organization")
        if organization is None:
            return queryset.none()
        return queryset.filter(organization=organization)
