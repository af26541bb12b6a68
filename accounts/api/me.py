"""``/api/v1/me/``: the signed-in person's profile and the organizations they belong to."""

from __future__ import annotations

from drf_spectacular.utils import extend_schema, extend_schema_field
from rest_framework import permissions, serializers, viewsets
from rest_framework.request import Request
from rest_framework.response import Response

from accounts import selectors, services
from accounts.api.openapi import USER_CREDENTIALS
from accounts.api_base import UserCredentialRequired
from accounts.mfa import mfa_enabled
from accounts.models import User
from accounts.permissions import Role


class MyOrganizationSerializer(serializers.Serializer):
    """One of the user's memberships, read as the organization plus the user's role in it."""

    id = serializers.IntegerField(source="organization.id", read_only=True)
    name = serializers.CharField(source="organization.name", read_only=True)
    slug = serializers.SlugField(source="organization.slug", read_only=True)
    role = serializers.ChoiceField(choices=Role.choices, read_only=True)


class MeOutputSerializer(serializers.Serializer):
    id = serializers.IntegerField(read_only=True)
    email = serializers.EmailField(read_only=True)
    full_name = serializers.CharField(read_only=True)
    time_zone = serializers.CharField(read_only=True)
    mfa_enabled = serializers.SerializerMethodField()
    organizations = serializers.SerializerMethodField()

    def get_mfa_enabled(self, user: User) -> bool:
        return mfa_enabled(user)

    @extend_schema_field(MyOrganizationSerializer(many=True))
    def get_organizations(self, user: User) -> list[dict]:
        return MyOrganizationSerializer(selectors.memberships_for_user(user), many=True).data


class MeInputSerializer(serializers.Serializer):
    full_name = serializers.CharField(max_length=150, allow_blank=True, required=False)
    time_zone = serializers.CharField(
        max_length=64, required=False, help_text="An IANA time zone, e.g. `Europe/Berlin`."
    )


class MeViewSet(viewsets.GenericViewSet):
    """Routed by hand (``me/``): a single resource, no list and no id in the URL."""

    permission_classes = [permissions.IsAuthenticated, UserCredentialRequired]
    serializer_class = MeOutputSerializer
    # None: about the caller themselves, no role in any organization needed.
    action_permissions: dict[str, str | None] = {"retrieve": None, "partial_update": None}

    @extend_schema(operation_id="me_retrieve", auth=USER_CREDENTIALS, responses=MeOutputSerializer)
    def retrieve(self, request: Request) -> Response:
        return Response(MeOutputSerializer(request.user).data)

    @extend_schema(
        operation_id="me_partial_update",
        auth=USER_CREDENTIALS,
        request=MeInputSerializer,
        responses=MeOutputSerializer,
    )
    def partial_update(self, request: Request) -> Response:
        data = MeInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        user = services.user_update_profile(user=request.user, data=data.validated_data)
        return Response(MeOutputSerializer(user).data)
