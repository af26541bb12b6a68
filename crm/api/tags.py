"""``/api/v1/tags/``: the organization's tags. Anyone lists them; owners and admins
(``crm.configure``) create, rename, recolour and delete them. Contacts and companies are tagged
by name through their own endpoints, which create missing tags."""

from __future__ import annotations

from django.db.models import QuerySet
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, serializers, status
from rest_framework.request import Request
from rest_framework.response import Response

from accounts.api_base import OrgScopedViewSet
from accounts.models import Organization
from crm import selectors
from crm.api.fields import TagSummarySerializer
from crm.api.pagination import KeysetCursorPagination
from crm.models import Tag
from crm.services import tags as tag_services


class TagInputSerializer(serializers.Serializer):
    name = serializers.CharField(max_length=tag_services.MAX_NAME_LENGTH)
    color = serializers.CharField(
        max_length=7, required=False, allow_blank=True, help_text="#rrggbb; picked when blank."
    )


class TagViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, OrgScopedViewSet):
    queryset = Tag.objects.none()
    serializer_class = TagSummarySerializer
    pagination_class = KeysetCursorPagination
    action_permissions = {
        "list": "crm.view",
        "retrieve": "crm.view",
        "create": "crm.configure",
        "partial_update": "crm.configure",
        "destroy": "crm.configure",
    }

    def get_org_queryset(self, organization: Organization) -> QuerySet[Tag]:
        return selectors.tags_list(organization)

    @extend_schema(
        request=TagInputSerializer, responses={status.HTTP_201_CREATED: TagSummarySerializer}
    )
    def create(self, request: Request) -> Response:
        data = TagInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        tag = tag_services.tag_create(
            organization=self.organization, actor=request.user, **data.validated_data
        )
        return Response(TagSummarySerializer(tag).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=TagInputSerializer, responses=TagSummarySerializer)
    def partial_update(self, request: Request, pk: str | None = None) -> Response:
        tag = self.get_object()
        data = TagInputSerializer(data=request.data, partial=True)
        data.is_valid(raise_exception=True)
        tag = tag_services.tag_update(tag=tag, actor=request.user, data=data.validated_data)
        return Response(TagSummarySerializer(tag).data)

    @extend_schema(
        description="Delete the tag; contacts and companies that had it keep everything else.",
        responses={status.HTTP_204_NO_CONTENT: None},
    )
    def destroy(self, request: Request, pk: str | None = None) -> Response:
        tag_services.tag_delete(tag=self.get_object(), actor=request.user)
        return Response(status=status.HTTP_204_NO_CONTENT)
