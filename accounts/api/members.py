"""``/api/v1/members/``: the people of the current organization, their roles, leaving."""

from __future__ import annotations

from django.db.models import QuerySet
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, serializers, status
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response

from accounts import selectors, services
from accounts.api.openapi import USER_CREDENTIALS
from accounts.api_base import OrgScopedViewSet, UserCredentialRequired
from accounts.errors import NotFound
from accounts.models import Membership, Organization
from accounts.pagination import CursorPagination
from accounts.permissions import Role


class UserSummarySerializer(serializers.Serializer):
    """How a person appears inside other resources (member, inviter, key creator, actor)."""

    id = serializers.IntegerField(read_only=True)
    email = serializers.EmailField(read_only=True)
    full_name = serializers.CharField(read_only=True)


class MemberOutputSerializer(serializers.Serializer):
    id = serializers.IntegerField(read_only=True)
    user = UserSummarySerializer(read_only=True)
    role = serializers.ChoiceField(choices=Role.choices, read_only=True)
    joined_at = serializers.DateTimeField(source="created_at", read_only=True)


class MemberRoleInputSerializer(serializers.Serializer):
    role = serializers.ChoiceField(choices=Role.choices)


class MemberCursorPagination(CursorPagination):
    # Join order: the founders first, newcomers at the end, stable while people join.
    ordering = "id"


class MemberViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, OrgScopedViewSet):
    queryset = Membership.objects.none()
    serializer_class = MemberOutputSerializer
    pagination_class = MemberCursorPagination
    action_permissions = {
        "list": "member.view",
        "retrieve": "member.view",
        "partial_update": "member.manage",
        "destroy": "member.manage",
        "leave": "organization.view",
    }

    def get_org_queryset(self, organization: Organization) -> QuerySet[Membership]:
        return selectors.members_list(organization)

    @extend_schema(request=MemberRoleInputSerializer, responses=MemberOutputSerializer)
    def partial_update(self, request: Request, pk: str | None = None) -> Response:
        membership = self.get_object()
        data = MemberRoleInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        membership = services.member_change_role(
            membership=membership, role=data.validated_data["role"], actor=request.user
        )
        return Response(MemberOutputSerializer(membership).data)

    @extend_schema(responses={status.HTTP_204_NO_CONTENT: None})
    def destroy(self, request: Request, pk: str | None = None) -> Response:
        services.member_remove(membership=self.get_object(), actor=request.user)
        return Response(status=status.HTTP_204_NO_CONTENT)

    @extend_schema(
        operation_id="members_leave",
        auth=USER_CREDENTIALS,
        request=None,
        responses={status.HTTP_204_NO_CONTENT: None},
    )
    # An API key must not remove the person who created it.
    @action(
        detail=False,
        methods=["post"],
        permission_classes=[*OrgScopedViewSet.permission_classes, UserCredentialRequired],
    )
    def leave(self, request: Request) -> Response:
        """Leave the current organization. The owner must transfer ownership first."""
        membership = selectors.membership_get(self.organization, request.user)
        if membership is None:
            raise NotFound("You are not a member of this organization.")
        services.member_remove(membership=membership, actor=request.user)
        return Response(status=status.HTTP_204_NO_CONTENT)
