"""What the contacts and companies endpoints share: the same actions over their own
serializers, filters, selector and services, plus ``POST …/bulk/``."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, ClassVar

from django.db.models import Model, QuerySet
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import serializers, status
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response

from accounts.api_base import OrgScopedViewSet
from accounts.models import Organization, User
from crm.api.fields import OrgMemberField, list_filter_parameters
from crm.api.pagination import KeysetCursorPagination
from crm.filters import ListFilters


class BulkInputSerializer(serializers.Serializer):
    action = serializers.ChoiceField(
        choices=["tag", "untag", "assign", "delete"],
        help_text="`tag`/`untag` need `tags`; `assign` needs `owner` (null unassigns).",
    )
    ids = serializers.ListField(
        child=serializers.IntegerField(min_value=1), allow_empty=False, max_length=1000
    )
    tags = serializers.ListField(
        child=serializers.CharField(max_length=60), required=False, max_length=50
    )
    owner = OrgMemberField(required=False, allow_null=True)

    def validate(self, attrs: dict) -> dict:
        if attrs["action"] in ("tag", "untag") and not attrs.get("tags"):
            raise serializers.ValidationError({"tags": ["Choose at least one tag."]})
        if attrs["action"] == "assign" and "owner" not in attrs:
            raise serializers.ValidationError({"owner": ["Choose the owner, or null."]})
        return attrs


class BulkResultSerializer(serializers.Serializer):
    action = serializers.CharField(read_only=True)
    count = serializers.IntegerField(read_only=True, help_text="How many rows changed.")


def record_schema(
    entity: str, output: type[serializers.Serializer], input_: type[serializers.Serializer]
) -> Callable[[type], type]:
    """The OpenAPI description of a ``RecordViewSet`` subclass for ``entity``."""
    plural = "companies" if entity == "company" else f"{entity}s"
    return extend_schema_view(
        list=extend_schema(
            description=f"The {plural}, newest first unless `sort` says otherwise. `q` keeps the "
            "best 1,000 search matches; custom fields filter as `cf.<key>=<value>`.",
            parameters=list_filter_parameters(entity),
            responses=output(many=True),
        ),
        retrieve=extend_schema(responses=output),
        create=extend_schema(request=input_, responses={status.HTTP_201_CREATED: output}),
        partial_update=extend_schema(request=input_, responses=output),
        destroy=extend_schema(responses={status.HTTP_204_NO_CONTENT: None}),
        bulk=extend_schema(
            description=f"Tag, untag, assign an owner to or delete up to 1,000 {plural} at once.",
            request=BulkInputSerializer,
            responses=BulkResultSerializer,
        ),
    )


class RecordViewSet(OrgScopedViewSet):
    """List (filtered, searched, sorted, keyset-paginated), read, create, update, delete and
    bulk actions; every write goes through the subclass's services."""

    pagination_class = KeysetCursorPagination
    output_serializer: ClassVar[type[serializers.Serializer]]
    input_serializer: ClassVar[type[serializers.Serializer]]
    filters_class: ClassVar[type[ListFilters]]
    action_permissions = {
        "list": "crm.view",
        "retrieve": "crm.view",
        "create": "crm.edit",
        "partial_update": "crm.edit",
        "destroy": "crm.delete",
        "bulk": "crm.edit",
    }

    # The subclass's selector and services.
    def records(self, organization: Organization, filters: ListFilters | None) -> QuerySet:
        raise NotImplementedError

    def record_create(self, organization: Organization, actor: User, data: dict) -> Model:
        raise NotImplementedError

    def record_update(self, record: Model, actor: User, data: dict) -> Model:
        raise NotImplementedError

    def record_delete(self, record: Model, actor: User) -> None:
        raise NotImplementedError

    def bulk_services(self) -> dict[str, Any]:
        """``ids_kwarg`` and the ``tag``, ``assign`` and ``delete`` services."""
        raise NotImplementedError

    def get_serializer_class(self) -> type[serializers.Serializer]:
        if getattr(self, "action", None) in ("list", "retrieve"):
            return self.output_serializer
        return self.input_serializer

    def get_org_queryset(self, organization: Organization) -> QuerySet:
        return self.records(organization, None)

    def _input(self, request: Request, *, partial: bool) -> dict:
        data = self.input_serializer(
            data=request.data, partial=partial, context=self.get_serializer_context()
        )
        data.is_valid(raise_exception=True)
        return data.validated_data

    def list(self, request: Request) -> Response:
        filters = self.filters_class.from_params(
            request.query_params, organization=self.organization, user=request.user
        )
        page = self.paginate_queryset(self.records(self.organization, filters))
        return self.get_paginated_response(self.output_serializer(page, many=True).data)

    def retrieve(self, request: Request, pk: str | None = None) -> Response:
        return Response(self.output_serializer(self.get_object()).data)

    def create(self, request: Request) -> Response:
        record = self.record_create(
            self.organization, request.user, self._input(request, partial=False)
        )
        return Response(self.output_serializer(record).data, status=status.HTTP_201_CREATED)

    def partial_update(self, request: Request, pk: str | None = None) -> Response:
        record = self.get_object()
        record = self.record_update(record, request.user, self._input(request, partial=True))
        return Response(self.output_serializer(record).data)

    def destroy(self, request: Request, pk: str | None = None) -> Response:
        self.record_delete(self.get_object(), request.user)
        return Response(status=status.HTTP_204_NO_CONTENT)

    @action(detail=False, methods=["post"])
    def bulk(self, request: Request) -> Response:
        """Deleting needs ``crm.delete`` in the request's rights: an API key acts with its
        scope's role, whatever its creator may do."""
        data = BulkInputSerializer(data=request.data, context=self.get_serializer_context())
        data.is_valid(raise_exception=True)
        chosen = data.validated_data["action"]
        if chosen == "delete":
            self.org_context.require("crm.delete")
        services = self.bulk_services()
        common = {
            "organization": self.organization,
            "actor": request.user,
            services["ids_kwarg"]: data.validated_data["ids"],
        }
        if chosen in ("tag", "untag"):
            tags = data.validated_data["tags"]
            count = services["tag"](**common, tag_names=tags, remove=chosen == "untag")
        elif chosen == "assign":
            count = services["assign"](**common, owner=data.validated_data["owner"])
        else:
            count = services["delete"](**common)
        return Response({"action": chosen, "count": count})
