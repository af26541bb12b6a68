"""``/api/v1/organizations/``: the caller's organizations, creating one, settings, ownership.

Unlike the org-scoped resources, the organization here is the object in the URL, not the
``X-Organization`` header. Organizations the caller does not belong to are 404s; an API key
sees only its own organization.
"""

from __future__ import annotations

from typing import Any

from django.db.models import CharField, QuerySet, Value
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, permissions, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response

from accounts import selectors, services
from accounts.api.openapi import USER_CREDENTIALS
from accounts.api_base import UserCredentialRequired, api_org_context
from accounts.errors import PermissionDenied, ValidationError
from accounts.models import ApiKey, Organization
from accounts.pagination import CursorPagination
from accounts.permissions import Role, role_has_perm


class OrganizationOutputSerializer(serializers.Serializer):
    id = serializers.IntegerField(read_only=True)
    name = serializers.CharField(read_only=True)
    slug = serializers.SlugField(read_only=True)
    require_mfa = serializers.BooleanField(read_only=True)
    default_currency = serializers.CharField(
        read_only=True, help_text="ISO 4217 code new deals start with."
    )
    time_zone = serializers.CharField(
        read_only=True, help_text="IANA name; scheduled automations run on this clock."
    )
    role = serializers.ChoiceField(
        choices=Role.choices, read_only=True, help_text="The caller's role in it."
    )
    created_at = serializers.DateTimeField(read_only=True)


class OrganizationCreateInputSerializer(serializers.Serializer):
    name = serializers.CharField(max_length=120)


class OrganizationUpdateInputSerializer(serializers.Serializer):
    name = serializers.CharField(max_length=120, required=False)
    require_mfa = serializers.BooleanField(
        required=False, help_text="Members must enrol an authenticator app."
    )
    default_currency = serializers.CharField(
        max_length=3, required=False, help_text="ISO 4217 code new deals start with."
    )
    time_zone = serializers.CharField(
        max_length=64, required=False, help_text="IANA name, e.g. `Europe/Berlin`."
    )


class OwnershipTransferInputSerializer(serializers.Serializer):
    user = serializers.IntegerField(min_value=1, help_text="Id of the member to become owner.")


class OrganizationCursorPagination(CursorPagination):
    ordering = ("name", "id")


class OrganizationActionPermission(permissions.BasePermission):
    """Listing and creating concern the caller only; every other action names the permission
    it needs in the organization of the URL, checked once that organization is found."""

    def has_permission(self, request: Request, view: Any) -> bool:
        if view.action not in view.action_permissions:
            raise PermissionDenied("This action is not available.")
        if view.action == "create":
            return UserCredentialRequired().has_permission(request, view)
        return True


class OrganizationViewSet(mixins.ListModelMixin, viewsets.GenericViewSet):
    queryset = Organization.objects.none()
    serializer_class = OrganizationOutputSerializer
    pagination_class = OrganizationCursorPagination
    permission_classes = [permissions.IsAuthenticated, OrganizationActionPermission]
    # None: no role needed, the action is about the caller (their list, a new organization).
    action_permissions: dict[str, str | None] = {
        "list": None,
        "create": None,
        "retrieve": "organization.view",
        "partial_update": "organization.manage",
        "transfer_ownership": "organization.transfer",
    }

    def get_queryset(self) -> QuerySet[Organization]:
        if getattr(self, "swagger_fake_view", False):
            return Organization.objects.none()
        if isinstance(self.request.auth, ApiKey):
            key_context = api_org_context(self.request)
            return Organization.objects.filter(pk=key_context.organization.pk).annotate(
                role=Value(key_context.role, output_field=CharField())
            )
        return selectors.organizations_with_role(self.request.user)

    def get_object(self) -> Organization:
        organization = super().get_object()
        perm = self.action_permissions[self.action]
        if perm is not None and not role_has_perm(organization.role, perm):
            raise PermissionDenied(perm=perm)
        return organization

    def _refetched(self, organization: Organization) -> Response:
        """The organization as the caller now sees it (the role may have just changed)."""
        organization = self.get_queryset().get(pk=organization.pk)
        return Response(OrganizationOutputSerializer(organization).data)

    def retrieve(self, request: Request, pk: str | None = None) -> Response:
        return Response(OrganizationOutputSerializer(self.get_object()).data)

    @extend_schema(
        auth=USER_CREDENTIALS,
        request=OrganizationCreateInputSerializer,
        responses={status.HTTP_201_CREATED: OrganizationOutputSerializer},
    )
    def create(self, request: Request) -> Response:
        """Start an organization; the caller becomes its owner."""
        data = OrganizationCreateInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        organization = services.organization_create(
            name=data.validated_data["name"], owner=request.user
        )
        response = self._refetched(organization)
        response.status_code = status.HTTP_201_CREATED
        return response

    @extend_schema(
        request=OrganizationUpdateInputSerializer, responses=OrganizationOutputSerializer
    )
    def partial_update(self, request: Request, pk: str | None = None) -> Response:
        organization = self.get_object()
        data = OrganizationUpdateInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        services.organization_update(
            organization=organization, actor=request.user, data=data.validated_data
        )
        return self._refetched(organization)

    @extend_schema(
        operation_id="organizations_transfer_ownership",
        request=OwnershipTransferInputSerializer,
        responses=OrganizationOutputSerializer,
    )
    @action(detail=True, methods=["post"], url_path="transfer-ownership")
    def transfer_ownership(self, request: Request, pk: str | None = None) -> Response:
        """Make another member the owner; the caller stays on as an admin."""
        organization = self.get_object()
        data = OwnershipTransferInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        membership = (
            selectors.members_list(organization).filter(user_id=data.validated_data["user"]).first()
        )
        if membership is None:
            # Users of other organizations get the same answer as ids that do not exist.
            raise ValidationError(
                "The new owner must already be a member.", fields={"user": ["Not a member."]}
            )
        services.organization_transfer_ownership(
            organization=organization, to_user=membership.user, actor=request.user
        )
        return self._refetched(organization)
