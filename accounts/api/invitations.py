"""``/api/v1/invitations/``: invite people to the current organization, revoke, accept."""

from __future__ import annotations

from django.conf import settings
from django.db.models import QuerySet
from drf_spectacular.utils import extend_schema
from rest_framework import generics, mixins, permissions, serializers, status
from rest_framework.request import Request
from rest_framework.response import Response

from accounts import selectors, services
from accounts.api.members import UserSummarySerializer
from accounts.api.openapi import USER_CREDENTIALS
from accounts.api_base import OrgScopedViewSet, UserCredentialRequired
from accounts.models import Invitation, Organization
from accounts.permissions import Role

# What ``Invitation.status`` computes; named in the schema by ENUM_NAME_OVERRIDES.
INVITATION_STATUSES = ["pending", "accepted", "revoked", "expired"]


class InvitationOutputSerializer(serializers.Serializer):
    id = serializers.IntegerField(read_only=True)
    email = serializers.EmailField(read_only=True)
    role = serializers.ChoiceField(choices=Role.choices, read_only=True)
    status = serializers.ChoiceField(choices=INVITATION_STATUSES, read_only=True)
    invited_by = UserSummarySerializer(read_only=True, allow_null=True)
    created_at = serializers.DateTimeField(read_only=True)
    expires_at = serializers.DateTimeField(read_only=True)
    accepted_at = serializers.DateTimeField(read_only=True, allow_null=True)
    revoked_at = serializers.DateTimeField(read_only=True, allow_null=True)


class InvitationCreatedSerializer(InvitationOutputSerializer):
    """Only the creation response carries the link: the token is stored hashed, so this is
    the one chance to share it by other means than the email BiDi sends."""

    accept_url = serializers.URLField(read_only=True)


class InvitationInputSerializer(serializers.Serializer):
    email = serializers.EmailField(max_length=254)
    role = serializers.ChoiceField(
        choices=Role.choices, help_text="Owners come only from ownership transfer."
    )


class InvitationAcceptInputSerializer(serializers.Serializer):
    token = serializers.CharField(max_length=200)


class JoinedOrganizationSerializer(serializers.Serializer):
    id = serializers.IntegerField(read_only=True)
    name = serializers.CharField(read_only=True)
    slug = serializers.SlugField(read_only=True)


class InvitationAcceptedSerializer(serializers.Serializer):
    organization = JoinedOrganizationSerializer(read_only=True)
    role = serializers.ChoiceField(choices=Role.choices, read_only=True)


class InvitationViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, OrgScopedViewSet):
    queryset = Invitation.objects.none()
    serializer_class = InvitationOutputSerializer
    action_permissions = {
        "list": "invitation.view",
        "retrieve": "invitation.view",
        "create": "invitation.manage",
        "destroy": "invitation.manage",
    }

    def get_org_queryset(self, organization: Organization) -> QuerySet[Invitation]:
        return selectors.invitations_list(organization)

    @extend_schema(
        request=InvitationInputSerializer,
        responses={status.HTTP_201_CREATED: InvitationCreatedSerializer},
    )
    def create(self, request: Request) -> Response:
        data = InvitationInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        issued = services.invitation_create(
            organization=self.organization, actor=request.user, **data.validated_data
        )
        body = InvitationCreatedSerializer(issued.invitation).data
        body["accept_url"] = settings.SITE_URL.rstrip("/") + issued.path
        return Response(body, status=status.HTTP_201_CREATED)

    @extend_schema(
        description="Revoke a pending invitation. It stays listed with status `revoked`.",
        responses={status.HTTP_204_NO_CONTENT: None},
    )
    def destroy(self, request: Request, pk: str | None = None) -> Response:
        services.invitation_revoke(invitation=self.get_object(), actor=request.user)
        return Response(status=status.HTTP_204_NO_CONTENT)


class InvitationAcceptView(generics.GenericAPIView):
    """Join the organization an invitation is for. Not tied to a current organization: the
    caller is usually not a member of it yet."""

    permission_classes = [permissions.IsAuthenticated, UserCredentialRequired]
    serializer_class = InvitationAcceptInputSerializer

    @extend_schema(
        operation_id="invitations_accept",
        auth=USER_CREDENTIALS,
        request=InvitationAcceptInputSerializer,
        responses={status.HTTP_200_OK: InvitationAcceptedSerializer},
    )
    def post(self, request: Request) -> Response:
        data = InvitationAcceptInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        membership = services.invitation_accept(
            token=data.validated_data["token"], user=request.user
        )
        return Response(InvitationAcceptedSerializer(membership).data)
