"""``/api/v1/saved-views/``: named list filters, the caller's own and those shared with the
organization. ``filters`` holds the list endpoints' query parameters."""

from __future__ import annotations

from django.db.models import QuerySet
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, serializers, status
from rest_framework.request import Request
from rest_framework.response import Response

from accounts.api.members import UserSummarySerializer
from accounts.api_base import OrgScopedViewSet
from accounts.models import Organization
from crm import selectors
from crm.api.fields import ENTITY_PARAMETER, entity_param
from crm.api.pagination import KeysetCursorPagination
from crm.models import Entity, SavedView
from crm.services import saved_views as saved_view_services


class SavedViewOutputSerializer(serializers.Serializer):
    id = serializers.IntegerField(read_only=True)
    entity = serializers.ChoiceField(choices=Entity.choices, read_only=True)
    name = serializers.CharField(read_only=True)
    filters = serializers.DictField(
        read_only=True, help_text='Query parameters of the list, e.g. {"tag": ["vip"]}.'
    )
    shared = serializers.BooleanField(read_only=True)
    owner = UserSummarySerializer(read_only=True)
    created_at = serializers.DateTimeField(read_only=True)


class SavedViewInputSerializer(serializers.Serializer):
    entity = serializers.ChoiceField(choices=Entity.choices)
    name = serializers.CharField(max_length=80)
    filters = serializers.DictField(required=False, default=dict)
    shared = serializers.BooleanField(required=False, default=False)


class SavedViewUpdateInputSerializer(serializers.Serializer):
    name = serializers.CharField(max_length=80, required=False)
    filters = serializers.DictField(required=False)
    shared = serializers.BooleanField(required=False)


class SavedViewViewSet(mixins.RetrieveModelMixin, OrgScopedViewSet):
    queryset = SavedView.objects.none()
    serializer_class = SavedViewOutputSerializer
    pagination_class = KeysetCursorPagination
    action_permissions = {
        "list": "crm.view",
        "retrieve": "crm.view",
        "create": "crm.view",
        "partial_update": "crm.view",
        "destroy": "crm.view",
    }

    def get_org_queryset(self, organization: Organization) -> QuerySet[SavedView]:
        user = getattr(getattr(self, "request", None), "user", None)
        if user is None or not user.is_authenticated:
            return SavedView.objects.filter(organization=organization).order_by("name", "id")
        return selectors.saved_views_list(organization, user)

    @extend_schema(
        parameters=[ENTITY_PARAMETER],
        responses=SavedViewOutputSerializer(many=True),
    )
    def list(self, request: Request) -> Response:
        views = selectors.saved_views_list(self.organization, request.user, entity_param(request))
        page = self.paginate_queryset(views)
        return self.get_paginated_response(SavedViewOutputSerializer(page, many=True).data)

    @extend_schema(
        request=SavedViewInputSerializer,
        responses={status.HTTP_201_CREATED: SavedViewOutputSerializer},
    )
    def create(self, request: Request) -> Response:
        data = SavedViewInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        view = saved_view_services.saved_view_create(
            organization=self.organization, actor=request.user, **data.validated_data
        )
        return Response(SavedViewOutputSerializer(view).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=SavedViewUpdateInputSerializer, responses=SavedViewOutputSerializer)
    def partial_update(self, request: Request, pk: str | None = None) -> Response:
        view = self.get_object()
        data = SavedViewUpdateInputSerializer(data=request.data, partial=True)
        data.is_valid(raise_exception=True)
        view = saved_view_services.saved_view_update(
            view=view, actor=request.user, data=data.validated_data
        )
        return Response(SavedViewOutputSerializer(view).data)

    @extend_schema(responses={status.HTTP_204_NO_CONTENT: None})
    def destroy(self, request: Request, pk: str | None = None) -> Response:
        saved_view_services.saved_view_delete(view=self.get_object(), actor=request.user)
        return Response(status=status.HTTP_204_NO_CONTENT)
