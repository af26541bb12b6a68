"""``/api/v1/custom-fields/``: the fields an organization adds to contacts or companies.
Anyone lists them (forms and imports need them); owners and admins define them."""

from __future__ import annotations

from django.db.models import QuerySet
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, serializers, status
from rest_framework.request import Request
from rest_framework.response import Response

from accounts.api_base import OrgScopedViewSet
from accounts.models import Organization
from crm import selectors
from crm.api.fields import ENTITY_PARAMETER, entity_param
from crm.api.pagination import KeysetCursorPagination
from crm.models import CustomFieldDefinition, Entity
from crm.services import custom_fields as custom_field_services

FieldType = CustomFieldDefinition.FieldType


class CustomFieldOutputSerializer(serializers.Serializer):
    id = serializers.IntegerField(read_only=True)
    entity = serializers.ChoiceField(choices=Entity.choices, read_only=True)
    key = serializers.SlugField(read_only=True, help_text="Used as custom_fields.<key>.")
    label = serializers.CharField(read_only=True)
    field_type = serializers.ChoiceField(choices=FieldType.choices, read_only=True)
    options = serializers.ListField(child=serializers.CharField(), read_only=True)
    required = serializers.BooleanField(read_only=True)
    position = serializers.IntegerField(read_only=True)


class CustomFieldInputSerializer(serializers.Serializer):
    entity = serializers.ChoiceField(choices=Entity.choices)
    key = serializers.CharField(max_length=50, help_text="Lower-case letters, digits, _.")
    label = serializers.CharField(max_length=80)
    field_type = serializers.ChoiceField(choices=FieldType.choices)
    options = serializers.ListField(
        child=serializers.CharField(max_length=80),
        required=False,
        help_text="The choices, for select and multi-select fields.",
    )
    required = serializers.BooleanField(required=False, default=False)
    position = serializers.IntegerField(required=False, min_value=0)


class CustomFieldUpdateInputSerializer(serializers.Serializer):
    label = serializers.CharField(max_length=80, required=False)
    options = serializers.ListField(child=serializers.CharField(max_length=80), required=False)
    required = serializers.BooleanField(required=False)
    position = serializers.IntegerField(required=False, min_value=0)


class CustomFieldViewSet(mixins.RetrieveModelMixin, OrgScopedViewSet):
    queryset = CustomFieldDefinition.objects.none()
    serializer_class = CustomFieldOutputSerializer
    pagination_class = KeysetCursorPagination
    action_permissions = {
        "list": "crm.view",
        "retrieve": "crm.view",
        "create": "crm.configure",
        "partial_update": "crm.configure",
        "destroy": "crm.configure",
    }

    def get_org_queryset(self, organization: Organization) -> QuerySet[CustomFieldDefinition]:
        return selectors.custom_field_definitions_list(organization)

    @extend_schema(
        parameters=[ENTITY_PARAMETER],
        responses=CustomFieldOutputSerializer(many=True),
    )
    def list(self, request: Request) -> Response:
        definitions = selectors.custom_field_definitions_list(
            self.organization, entity_param(request)
        )
        page = self.paginate_queryset(definitions)
        return self.get_paginated_response(CustomFieldOutputSerializer(page, many=True).data)

    @extend_schema(
        request=CustomFieldInputSerializer,
        responses={status.HTTP_201_CREATED: CustomFieldOutputSerializer},
    )
    def create(self, request: Request) -> Response:
        data = CustomFieldInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        definition = custom_field_services.custom_field_create(
            organization=self.organization, actor=request.user, data=data.validated_data
        )
        return Response(
            CustomFieldOutputSerializer(definition).data, status=status.HTTP_201_CREATED
        )

    @extend_schema(
        description="Entity, key and type are fixed once the field exists.",
        request=CustomFieldUpdateInputSerializer,
        responses=CustomFieldOutputSerializer,
    )
    def partial_update(self, request: Request, pk: str | None = None) -> Response:
        definition = self.get_object()
        data = CustomFieldUpdateInputSerializer(data=request.data, partial=True)
        data.is_valid(raise_exception=True)
        definition = custom_field_services.custom_field_update(
            definition=definition, actor=request.user, data=data.validated_data
        )
        return Response(CustomFieldOutputSerializer(definition).data)

    @extend_schema(
        description="Delete the field and its values on every record.",
        responses={status.HTTP_204_NO_CONTENT: None},
    )
    def destroy(self, request: Request, pk: str | None = None) -> Response:
        custom_field_services.custom_field_delete(definition=self.get_object(), actor=request.user)
        return Response(status=status.HTTP_204_NO_CONTENT)
