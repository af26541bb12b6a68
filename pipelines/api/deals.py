"""``/api/v1/deals/``: deals of the organization, filtered and cursor-paginated; create, edit
(version-checked: 409 on a stale version), move on the board, delete; history, notes and
payments."""

from __future__ import annotations

import re

from django.db.models import QuerySet
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers, status
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response

from accounts.api_base import OrgScopedViewSet
from accounts.errors import NotFound, PermissionDenied, ValidationError
from accounts.models import Organization
from crm.api.notes import NoteOutputSerializer, NoteUpdateInputSerializer
from crm.api.pagination import KeysetCursorPagination
from crm.services import notes as note_services
from pipelines import selectors
from pipelines.api.pipelines import BOARD_PARAMETERS
from pipelines.api.serializers import (
    DealInputSerializer,
    DealMoveSerializer,
    DealOutputSerializer,
    DealUpdateSerializer,
    PaymentInputSerializer,
    PaymentOutputSerializer,
    StageChangeSerializer,
)
from pipelines.filters import DealFilters
from pipelines.models import Deal, DealVia
from pipelines.prefetch import deal_tags_contacts_prefetch
from pipelines.services import deals as deal_services
from pipelines.services import payments as payment_services

_ETAG_VERSION = re.compile(r'^(?:W/)?"?(\d+)"?$')

WRITE_ACTIONS = ("partial_update", "destroy", "move", "history", "notes", "payments")
LIST_PARAMETERS = [
    OpenApiParameter("pipeline", int, description="Only deals of this pipeline."),
    OpenApiParameter("stage", int, description="Only deals in this stage."),
    *[p for p in BOARD_PARAMETERS if p.name not in ("per_column", "stage", "after")],
]


class DealViewSet(OrgScopedViewSet):
    queryset = Deal.objects.none()
    pagination_class = KeysetCursorPagination
    action_permissions = {
        "list": "deal.view",
        "retrieve": "deal.view",
        "create": "deal.edit",
        "partial_update": "deal.edit",
        "destroy": "deal.delete",
        "move": "deal.edit",
        "history": "deal.view",
        "notes": "deal.view",
        "payments": "deal.view",
    }

    def get_serializer_class(self) -> type[serializers.Serializer]:
        action_name = getattr(self, "action", None)
        if action_name == "create":
            return DealInputSerializer
        if action_name == "partial_update":
            return DealUpdateSerializer
        if action_name == "move":
            return DealMoveSerializer
        if action_name == "notes" and getattr(self.request, "method", "GET") == "POST":
            return NoteUpdateInputSerializer
        if action_name == "payments":
            if getattr(self.request, "method", "GET") == "POST":
                return PaymentInputSerializer
            return PaymentOutputSerializer
        return DealOutputSerializer

    def get_org_queryset(self, organization: Organization) -> QuerySet[Deal]:
        if getattr(self, "action", None) in WRITE_ACTIONS:
            # The service locks and reloads the row; the response is read afresh.
            return Deal.objects.filter(organization=organization).select_related("organization")
        return selectors.deals_for(organization)

    def _output(self, deal: Deal) -> dict:
        return DealOutputSerializer(selectors.deals_for(self.organization).get(pk=deal.pk)).data

    def _input(self, serializer_class: type[serializers.Serializer], *, partial: bool = False):
        data = serializer_class(
            data=self.request.data, partial=partial, context=self.get_serializer_context()
        )
        data.is_valid(raise_exception=True)
        return dict(data.validated_data)

    @extend_schema(parameters=LIST_PARAMETERS, responses=DealOutputSerializer(many=True))
    def list(self, request: Request) -> Response:
        filters = DealFilters.from_params(
            request.query_params, organization=self.organization, user=request.user
        )
        page = self.paginate_queryset(selectors.deals_for(self.organization, filters))
        return self.get_paginated_response(DealOutputSerializer(page, many=True).data)

    @extend_schema(responses=DealOutputSerializer)
    def retrieve(self, request: Request, pk: str | None = None) -> Response:
        deal = self.get_object()
        response = Response(DealOutputSerializer(deal).data)
        response["ETag"] = f'"{deal.version}"'
        return response

    @extend_schema(
        request=DealInputSerializer, responses={status.HTTP_201_CREATED: DealOutputSerializer}
    )
    def create(self, request: Request) -> Response:
        values = self._input(DealInputSerializer)
        deal = deal_services.deal_create(
            organization=self.organization,
            actor=request.user,
            via=DealVia.API if request.auth is not None else DealVia.USER,
            **values,
        )
        return Response(self._output(deal), status=status.HTTP_201_CREATED)

    def _expected_version(self, values: dict) -> int:
        if "version" in values:
            return values.pop("version")
        match = _ETAG_VERSION.match(self.request.headers.get("If-Match", "").strip())
        if match:
            return int(match.group(1))
        message = "Send the version you loaded (in the body or as If-Match)."
        raise ValidationError(message, fields={"version": [message]})

    @extend_schema(
        request=DealUpdateSerializer,
        parameters=[OpenApiParameter("If-Match", str, OpenApiParameter.HEADER, required=False)],
        responses={200: DealOutputSerializer, 409: OpenApiTypes.OBJECT},
    )
    def partial_update(self, request: Request, pk: str | None = None) -> Response:
        """Change fields; `version` (or If-Match) is required and a stale one answers 409
        `deal_conflict` without writing anything. A `stage` here moves to the top of it."""
        deal = self.get_object()
        values = self._input(DealUpdateSerializer, partial=True)
        expected = self._expected_version(values)
        deal = deal_services.deal_update(
            deal=deal, actor=request.user, data=values, expected_version=expected
        )
        return Response(self._output(deal))

    @extend_schema(responses={status.HTTP_204_NO_CONTENT: None})
    def destroy(self, request: Request, pk: str | None = None) -> Response:
        deal_services.deal_delete(deal=self.get_object(), actor=request.user)
        return Response(status=status.HTTP_204_NO_CONTENT)

    @extend_schema(request=DealMoveSerializer, responses=DealOutputSerializer)
    @action(detail=True, methods=["post"])
    def move(self, request: Request, pk: str | None = None) -> Response:
        """Drop the deal into `stage` (same pipeline) between `before_id` (card above) and
        `after_id` (card below), or at `position`; neither: top of the column."""
        if not str(pk).isdigit():
            raise NotFound("No such deal.")
        values = self._input(DealMoveSerializer)
        # The service reads the deal once, locked, and answers 404 when this organization has
        # no such deal: a get_object() first would read it twice on the board's hottest write.
        deal = deal_services.deal_move(
            deal=Deal(pk=int(pk), organization=self.organization),
            actor=request.user,
            via=DealVia.API if request.auth is not None else DealVia.USER,
            **values,
        )
        # A move changes no tags or contacts: the moved deal plus those two is the answer.
        deal_tags_contacts_prefetch(deal)
        return Response(DealOutputSerializer(deal).data)

    @extend_schema(responses=StageChangeSerializer(many=True))
    @action(detail=True, methods=["get"])
    def history(self, request: Request, pk: str | None = None) -> Response:
        """The deal's stage changes, newest first (creation included, `from_stage` null)."""
        page = self.paginate_queryset(selectors.deal_history(self.get_object()))
        return self.get_paginated_response(StageChangeSerializer(page, many=True).data)

    @extend_schema(methods=["GET"], request=None, responses=NoteOutputSerializer(many=True))
    @extend_schema(
        methods=["POST"],
        request=NoteUpdateInputSerializer,
        responses={status.HTTP_201_CREATED: NoteOutputSerializer},
    )
    @action(detail=True, methods=["get", "post"])
    def notes(self, request: Request, pk: str | None = None) -> Response:
        """Notes on the deal, newest first; POST adds one (Markdown `body`). Edit and delete
        them at `/api/v1/notes/{id}/`."""
        deal = self.get_object()
        if request.method == "POST":
            if not self.org_context.has_perm("deal.edit"):
                raise PermissionDenied(perm="deal.edit")
            body = self._input(NoteUpdateInputSerializer)["body"]
            note = note_services.note_add(
                organization=self.organization, actor=request.user, body=body, deal=deal
            )
            return Response(NoteOutputSerializer(note).data, status=status.HTTP_201_CREATED)
        page = self.paginate_queryset(selectors.deal_notes(self.organization, deal))
        return self.get_paginated_response(NoteOutputSerializer(page, many=True).data)

    @extend_schema(methods=["GET"], request=None, responses=PaymentOutputSerializer(many=True))
    @extend_schema(
        methods=["POST"],
        request=PaymentInputSerializer,
        responses={status.HTTP_201_CREATED: PaymentOutputSerializer},
    )
    @action(detail=True, methods=["get", "post"])
    def payments(self, request: Request, pk: str | None = None) -> Response:
        """Payments received for the deal, latest first; POST records one (`amount`, and
        optionally `currency` (default: the deal's), `reference`, `received_at` (default: now))
        and emits `payment.received`."""
        deal = self.get_object()
        if request.method == "POST":
            if not self.org_context.has_perm("deal.edit"):
                raise PermissionDenied(perm="deal.edit")
            values = {"currency": "", **self._input(PaymentInputSerializer)}
            payment = payment_services.deal_payment_record(deal=deal, actor=request.user, **values)
            return Response(PaymentOutputSerializer(payment).data, status=status.HTTP_201_CREATED)
        page = self.paginate_queryset(selectors.deal_payments(self.organization, deal))
        return self.get_paginated_response(PaymentOutputSerializer(page, many=True).data)
