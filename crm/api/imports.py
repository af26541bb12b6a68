"""``/api/v1/imports/``: CSV imports of contacts or companies, and ``/api/v1/exports/``: the
contact and company lists as CSV.

An import goes: ``POST /imports/`` (multipart ``file`` + ``entity``) → the job with the detected
encoding, delimiter, headers and a suggested ``mapping`` → ``PATCH /imports/{id}/`` to change
``mapping`` / ``dedupe_mode`` → ``GET /imports/{id}/preview/`` → ``POST /imports/{id}/start/``
→ poll ``GET /imports/{id}/`` (or listen for ``import.progressed``) → ``GET
/imports/{id}/errors/`` for the failed rows as CSV.
"""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import (
    OpenApiParameter,
    OpenApiResponse,
    extend_schema,
    extend_schema_field,
)
from rest_framework import mixins, permissions, serializers, status
from rest_framework.decorators import action
from rest_framework.parsers import FormParser, JSONParser, MultiPartParser
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts.api_base import ORGANIZATION_HEADER, OrgScopedViewSet, api_org_context
from accounts.errors import PermissionDenied
from accounts.models import Organization
from config.exceptions import error_body
from crm import selectors
from crm.api.fields import list_filter_parameters
from crm.filters import filters_for
from crm.models import Entity, ImportJob
from crm.services import exports as export_services
from crm.services import imports as import_services

CSV_RESPONSE = OpenApiResponse(OpenApiTypes.BINARY, description="CSV, UTF-8.")
BOM_PARAMETER = OpenApiParameter(
    "bom", bool, description="Start with a UTF-8 byte order mark, which Excel needs to read UTF-8."
)


class TargetSerializer(serializers.Serializer):
    key = serializers.CharField(read_only=True, help_text="`cf.<key>` for custom fields.")
    label = serializers.CharField(read_only=True)
    multiple = serializers.BooleanField(
        read_only=True, help_text="Several columns may feed this field."
    )


class ImportJobOutputSerializer(serializers.Serializer):
    id = serializers.IntegerField(read_only=True)
    entity = serializers.ChoiceField(choices=Entity.choices, read_only=True)
    status = serializers.ChoiceField(choices=ImportJob.Status.choices, read_only=True)
    file_name = serializers.CharField(source="original_filename", read_only=True)
    encoding = serializers.CharField(read_only=True, help_text="As detected: a Python codec.")
    delimiter = serializers.CharField(read_only=True)
    headers = serializers.ListField(child=serializers.CharField(), read_only=True)
    mapping = serializers.DictField(
        child=serializers.CharField(allow_blank=True),
        read_only=True,
        help_text='Column → field key (`""`: not imported). Suggested from the headers.',
    )
    dedupe_mode = serializers.ChoiceField(choices=ImportJob.DedupeMode.choices, read_only=True)
    phone_region = serializers.CharField(read_only=True)
    available_fields = serializers.SerializerMethodField(help_text="Where columns can go.")
    total_rows = serializers.IntegerField(read_only=True)
    processed_rows = serializers.IntegerField(read_only=True)
    created = serializers.IntegerField(source="created_count", read_only=True)
    updated = serializers.IntegerField(source="updated_count", read_only=True)
    skipped = serializers.IntegerField(source="skipped_count", read_only=True)
    failed = serializers.IntegerField(source="failed_count", read_only=True)
    error_message = serializers.CharField(read_only=True)
    created_at = serializers.DateTimeField(read_only=True)
    started_at = serializers.DateTimeField(read_only=True, allow_null=True)
    finished_at = serializers.DateTimeField(read_only=True, allow_null=True)

    @extend_schema_field(TargetSerializer(many=True))
    def get_available_fields(self, job: ImportJob) -> list[dict[str, Any]]:
        cache = self.context.setdefault("targets", {})  # one query per entity in a list
        if job.entity not in cache:
            cache[job.entity] = import_services.import_targets(job)
        targets = cache[job.entity]
        return [{"key": t.key, "label": t.label, "multiple": t.multiple} for t in targets]


class ImportUploadSerializer(serializers.Serializer):
    file = serializers.FileField(
        help_text="The CSV file: UTF-8 (with or without BOM) or Windows-1251."
    )
    entity = serializers.ChoiceField(choices=Entity.choices, default=Entity.CONTACT)


class ImportConfigureSerializer(serializers.Serializer):
    mapping = serializers.DictField(
        child=serializers.CharField(allow_blank=True),
        required=False,
        help_text="Column → field key; columns left out are not imported.",
    )
    dedupe_mode = serializers.ChoiceField(choices=ImportJob.DedupeMode.choices, required=False)
    phone_region = serializers.CharField(
        required=False,
        allow_blank=True,
        max_length=2,
        help_text="ISO 3166-1 alpha-2 country of phone numbers written without a country code "
        "(e.g. RU for 8 916 123-45-67); empty: every number must have one.",
    )


class PreviewCellSerializer(serializers.Serializer):
    value = serializers.CharField(read_only=True)
    error = serializers.CharField(read_only=True, help_text="Empty when the cell is fine.")


class PreviewRowSerializer(serializers.Serializer):
    line = serializers.IntegerField(read_only=True, help_text="Line in the file (header = 1).")
    ok = serializers.BooleanField(read_only=True)
    error = serializers.CharField(read_only=True, help_text="A problem of the row as a whole.")
    cells = PreviewCellSerializer(many=True, read_only=True)


class PreviewColumnSerializer(serializers.Serializer):
    column = serializers.CharField(read_only=True)
    field = serializers.CharField(read_only=True)


class ImportPreviewSerializer(serializers.Serializer):
    columns = PreviewColumnSerializer(many=True, read_only=True)
    rows = PreviewRowSerializer(many=True, read_only=True)


class ImportJobViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, OrgScopedViewSet):
    queryset = ImportJob.objects.none()
    serializer_class = ImportJobOutputSerializer
    parser_classes = [MultiPartParser, FormParser, JSONParser]
    action_permissions = {
        "list": "crm.import",
        "retrieve": "crm.import",
        "create": "crm.import",
        "partial_update": "crm.import",
        "preview": "crm.import",
        "start": "crm.import",
        "errors": "crm.import",
    }

    def get_org_queryset(self, organization: Organization) -> QuerySet[ImportJob]:
        return selectors.imports_list(organization)

    @extend_schema(
        request={"multipart/form-data": ImportUploadSerializer},
        responses={status.HTTP_201_CREATED: ImportJobOutputSerializer},
        description=(
            "Upload a CSV file. The answer has the detected encoding and delimiter, the header "
            "row and a suggested mapping; nothing is imported until `start`. Files over the "
            "size limit (50 MB by default) are refused with 413 before they are read."
        ),
    )
    def create(self, request: Request) -> Response:
        length = int(request.META.get("CONTENT_LENGTH") or 0)
        if length > import_services.max_bytes() + 64 * 1024:
            message = import_services.too_large_message(length)
            body = error_body("file_too_large", message, {"file": [message]})
            return Response(body, status=status.HTTP_413_REQUEST_ENTITY_TOO_LARGE)
        data = ImportUploadSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        job = import_services.import_upload(
            organization=self.organization, actor=request.user, **data.validated_data
        )
        return Response(ImportJobOutputSerializer(job).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=ImportConfigureSerializer, responses=ImportJobOutputSerializer)
    def partial_update(self, request: Request, pk: str | None = None) -> Response:
        """Change the mapping or the dedupe mode before the import starts."""
        data = ImportConfigureSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        job = import_services.import_configure(
            job=self.get_object(), actor=request.user, **data.validated_data
        )
        return Response(ImportJobOutputSerializer(job).data)

    @extend_schema(responses=ImportPreviewSerializer)
    @action(detail=True, methods=["get"])
    def preview(self, request: Request, pk: str | None = None) -> Response:
        """The first 20 rows as the import will read them, each cell checked."""
        preview = import_services.import_preview(job=self.get_object())
        return Response(
            {
                "columns": [{"column": c, "field": label} for c, label in preview.columns],
                "rows": [
                    {
                        "line": row.line,
                        "ok": row.ok,
                        "error": row.error,
                        "cells": [{"value": c.value, "error": c.error} for c in row.cells],
                    }
                    for row in preview.rows
                ],
            }
        )

    @extend_schema(request=None, responses={status.HTTP_202_ACCEPTED: ImportJobOutputSerializer})
    @action(detail=True, methods=["post"])
    def start(self, request: Request, pk: str | None = None) -> Response:
        """Queue the import. Poll this job or listen for `import.progressed` and
        `import.finished` events."""
        job = import_services.import_start(job=self.get_object(), actor=request.user)
        return Response(ImportJobOutputSerializer(job).data, status=status.HTTP_202_ACCEPTED)

    @extend_schema(parameters=[BOM_PARAMETER], responses={(200, "text/csv"): CSV_RESPONSE})
    @action(detail=True, methods=["get"])
    def errors(self, request: Request, pk: str | None = None) -> Any:
        """The failed rows: line, reason and the row's cells as uploaded."""
        job = self.get_object()
        lines = export_services.import_errors_csv(
            job=job, actor=request.user, bom=_flag(request, "bom")
        )
        return export_services.csv_response(request._request, lines, f"import-{job.pk}-errors.csv")


def _flag(request: Request, name: str) -> bool:
    return request.query_params.get(name, "").lower() in ("1", "true", "yes")


def _ids(request: Request) -> list[int]:
    return [int(value) for value in request.query_params.getlist("ids") if value.isdigit()]


_IDS_PARAMETER = OpenApiParameter(
    "ids", int, many=True, description="Only these records (still within the filters)."
)


class _ExportView(APIView):
    """The list endpoint's filters (``crm.filters``), answered as CSV."""

    permission_classes = [permissions.IsAuthenticated]
    entity = ""

    def get(self, request: Request) -> Any:
        context = api_org_context(request)
        if not context.has_perm("crm.export"):
            raise PermissionDenied(perm="crm.export")
        filters = filters_for(self.entity).from_params(
            request.query_params, organization=context.organization, user=request.user
        )
        lines = export_services.records_export(
            organization=context.organization,
            actor=request.user,
            entity=self.entity,
            filters=filters,
            ids=_ids(request),
            bom=_flag(request, "bom"),
        )
        filename = export_services.export_filename(self.entity)
        return export_services.csv_response(request._request, lines, filename)


def _export_view(entity: str, plural: str) -> type[_ExportView]:
    @extend_schema(
        operation_id=f"{plural}_export",
        parameters=[
            ORGANIZATION_HEADER,
            *list_filter_parameters(entity),
            _IDS_PARAMETER,
            BOM_PARAMETER,
        ],
        responses={(200, "text/csv"): CSV_RESPONSE},
        description=f"The {plural} the filters select (as `GET /{plural}/` reads them), as CSV.",
    )
    def get(self: _ExportView, request: Request) -> Any:
        return _ExportView.get(self, request)

    return type(f"{plural.title()}ExportView", (_ExportView,), {"entity": entity, "get": get})


ContactExportView = _export_view(Entity.CONTACT, "contacts")
CompanyExportView = _export_view(Entity.COMPANY, "companies")
