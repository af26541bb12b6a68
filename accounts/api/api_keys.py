"""``/api/v1/api-keys/``: the organization's credentials for integrations."""

from __future__ import annotations

from django.db.models import QuerySet
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, serializers, status
from rest_framework.request import Request
from rest_framework.response import Response

from accounts import selectors, services
from accounts.api.members import UserSummarySerializer
from accounts.api_base import OrgScopedViewSet
from accounts.models import ApiKey, Organization


class ApiKeyOutputSerializer(serializers.Serializer):
    id = serializers.IntegerField(read_only=True)
    name = serializers.CharField(read_only=True)
    prefix = serializers.CharField(read_only=True, help_text="Visible start of the secret.")
    scopes = serializers.ListField(
        child=serializers.ChoiceField(choices=ApiKey.Scope.choices), read_only=True
    )
    created_by = UserSummarySerializer(read_only=True, allow_null=True)
    created_at = serializers.DateTimeField(read_only=True)
    last_used_at = serializers.DateTimeField(read_only=True, allow_null=True)
    revoked_at = serializers.DateTimeField(read_only=True, allow_null=True)
    is_active = serializers.BooleanField(read_only=True)


class ApiKeyCreatedSerializer(ApiKeyOutputSerializer):
    secret = serializers.CharField(
        read_only=True,
        help_text="Send as `Authorization: Api-Key <secret>`. Shown once: BiDi keeps a hash.",
    )


class ApiKeyInputSerializer(serializers.Serializer):
    name = serializers.CharField(max_length=100)
    scopes = serializers.ListField(
        child=serializers.ChoiceField(choices=ApiKey.Scope.choices), allow_empty=False
    )


class ApiKeyViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, OrgScopedViewSet):
    queryset = ApiKey.objects.none()
    serializer_class = ApiKeyOutputSerializer
    action_permissions = {
        "list": "apikey.view",
        "retrieve": "apikey.view",
        "create": "apikey.manage",
        "destroy": "apikey.manage",
    }

    def get_org_queryset(self, organization: Organization) -> QuerySet[ApiKey]:
        return selectors.api_keys_list(organization)

    @extend_schema(
        request=ApiKeyInputSerializer,
        responses={status.HTTP_201_CREATED: ApiKeyCreatedSerializer},
    )
    def create(self, request: Request) -> Response:
        data = ApiKeyInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        issued = services.api_key_create(
            organization=self.organization, actor=request.user, **data.validated_data
        )
        body = ApiKeyCreatedSerializer(issued.api_key).data
        body["secret"] = issued.secret
        return Response(body, status=status.HTTP_201_CREATED)

    @extend_schema(
        description="Revoke a key: it stops working at once and stays listed as revoked.",
        responses={status.HTTP_204_NO_CONTENT: None},
    )
    def destroy(self, request: Request, pk: str | None = None) -> Response:
        services.api_key_revoke(api_key=self.get_object(), actor=request.user)
        return Response(status=status.HTTP_204_NO_CONTENT)
