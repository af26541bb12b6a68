"""``/api/v1/pipelines/``: pipelines with their stages, the board and the forecast;
``/api/v1/pipelines/{id}/stages/``: stage CRUD and reordering."""

from __future__ import annotations

from django.db.models import QuerySet
from django.shortcuts import get_object_or_404
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers, status
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response

from accounts.api_base import OrgScopedViewSet
from accounts.errors import ValidationError
from accounts.models import Organization
from pipelines import selectors
from pipelines.api.serializers import (
    BoardSerializer,
    ForecastSerializer,
    PipelineInputSerializer,
    PipelineOutputSerializer,
    StageDeleteSerializer,
    StageInputSerializer,
    StageOutputSerializer,
    StagesReorderSerializer,
    board_data,
    card_data,
)
from pipelines.filters import DealFilters
from pipelines.forecast import MAX_MONTHS, forecast
from pipelines.models import Deal, Pipeline, Stage
from pipelines.services import pipelines as pipeline_services
from pipelines.services import stages as stage_services

MAX_PER_COLUMN = 200


def _int_param(request: Request, name: str, *, default: int, low: int, high: int) -> int:
    raw = request.query_params.get(name, "").strip()
    if not raw:
        return default
    if not raw.isdigit() or not low <= int(raw) <= high:
        message = f"Enter a whole number from {low} to {high}."
        raise ValidationError(message, fields={name: [message]})
    return int(raw)


BOARD_PARAMETERS = [
    OpenApiParameter("per_column", int, description="Cards per column (default 50, max 200)."),
    OpenApiParameter(
        "stage", int, description='Only this column\'s cards ("load more"), after `after`.'
    ),
    OpenApiParameter("after", int, description="With `stage`: id of the last card shown."),
    OpenApiParameter("q", str, description="Title contains."),
    OpenApiParameter("owner", str, description="`me`, `none` or a member's user id."),
    OpenApiParameter("tag", str, many=True, description="Tag name or id; repeat for several."),
    OpenApiParameter("value_min", OpenApiTypes.DECIMAL),
    OpenApiParameter("value_max", OpenApiTypes.DECIMAL),
    OpenApiParameter("close_after", OpenApiTypes.DATE),
    OpenApiParameter("close_before", OpenApiTypes.DATE),
    OpenApiParameter("stale", bool, description="Only stale (true) or fresh (false) deals."),
]


class PipelineViewSet(OrgScopedViewSet):
    queryset = Pipeline.objects.none()
    pagination_class = None  # a handful per organization
    action_permissions = {
        "list": "deal.view",
        "retrieve": "deal.view",
        "create": "pipeline.manage",
        "partial_update": "pipeline.manage",
        "destroy": "pipeline.manage",
        "board": "deal.view",
        "forecast": "deal.view",
    }

    def get_serializer_class(self) -> type[serializers.Serializer]:
        if getattr(self, "action", None) in ("create", "partial_update"):
            return PipelineInputSerializer
        return PipelineOutputSerializer

    def get_org_queryset(self, organization: Organization) -> QuerySet[Pipeline]:
        return selectors.pipelines_for(organization)

    def _output(self, pipeline: Pipeline) -> dict:
        return PipelineOutputSerializer(self.get_queryset().get(pk=pipeline.pk)).data

    @extend_schema(responses=PipelineOutputSerializer(many=True))
    def list(self, request: Request) -> Response:
        return Response(PipelineOutputSerializer(self.get_queryset(), many=True).data)

    @extend_schema(responses=PipelineOutputSerializer)
    def retrieve(self, request: Request, pk: str | None = None) -> Response:
        return Response(PipelineOutputSerializer(self.get_object()).data)

    @extend_schema(
        request=PipelineInputSerializer,
        responses={status.HTTP_201_CREATED: PipelineOutputSerializer},
    )
    def create(self, request: Request) -> Response:
        data = PipelineInputSerializer(data=request.data, context=self.get_serializer_context())
        data.is_valid(raise_exception=True)
        values = data.validated_data
        pipeline = pipeline_services.pipeline_create(
            organization=self.organization,
            actor=request.user,
            name=values["name"],
            stages=values.get("stages"),
        )
        extra = {k: values[k] for k in ("position", "is_default") if k in values}
        if extra:
            pipeline = pipeline_services.pipeline_update(
                pipeline=pipeline, actor=request.user, data=extra
            )
        return Response(self._output(pipeline), status=status.HTTP_201_CREATED)

    @extend_schema(request=PipelineInputSerializer, responses=PipelineOutputSerializer)
    def partial_update(self, request: Request, pk: str | None = None) -> Response:
        pipeline = self.get_object()
        data = PipelineInputSerializer(
            data=request.data, partial=True, context=self.get_serializer_context()
        )
        data.is_valid(raise_exception=True)
        values = {k: v for k, v in data.validated_data.items() if k != "stages"}
        pipeline = pipeline_services.pipeline_update(
            pipeline=pipeline, actor=request.user, data=values
        )
        return Response(self._output(pipeline))

    @extend_schema(responses={status.HTTP_204_NO_CONTENT: None})
    def destroy(self, request: Request, pk: str | None = None) -> Response:
        pipeline_services.pipeline_delete(pipeline=self.get_object(), actor=request.user)
        return Response(status=status.HTTP_204_NO_CONTENT)

    @extend_schema(
        parameters=BOARD_PARAMETERS,
        responses={200: BoardSerializer},
        description="Columns with counts, sums (per currency) and their first cards by rank. "
        "With `stage` (and `after`), one column's next cards instead (ColumnPage).",
    )
    @action(detail=True, methods=["get"])
    def board(self, request: Request, pk: str | None = None) -> Response:
        pipeline = self.get_object()
        params = request.query_params.copy()
        stage_id = params.pop("stage", [""])[-1].strip()
        after_id = params.pop("after", [""])[-1].strip()
        per_column = _int_param(request, "per_column", default=50, low=1, high=MAX_PER_COLUMN)
        params.pop("per_column", None)
        filters = DealFilters.from_params(params, organization=self.organization, user=request.user)
        if stage_id or after_id:
            return Response(self._column_page(pipeline, stage_id, after_id, per_column, filters))
        result = selectors.board(
            self.organization, pipeline, filters=filters, per_column=per_column
        )
        return Response(board_data(result))

    def _column_page(
        self, pipeline: Pipeline, stage_id: str, after_id: str, limit: int, filters: DealFilters
    ) -> dict:
        stage = (
            Stage.objects.filter(pipeline=pipeline, pk=int(stage_id)).first()
            if stage_id.isdigit()
            else None
        )
        if stage is None:
            raise ValidationError("No such stage.", fields={"stage": ["No such stage."]})
        after = None
        if after_id:
            after = (
                Deal.objects.filter(stage=stage, pk=int(after_id)).only("pk", "rank").first()
                if after_id.isdigit()
                else None
            )
            if after is None:
                message = "That deal is not in this stage (any more); reload the board."
                raise ValidationError(message, fields={"after": [message]})
        deals = selectors.column_deals(
            self.organization,
            stage,
            after_rank=after.rank if after else None,
            after_id=after.pk if after else None,
            limit=limit + 1,
            filters=filters,
        )
        cards = [card_data(deal) for deal in deals[:limit]]
        return {"stage": stage.pk, "deals": cards, "has_more": len(deals) > limit}

    @extend_schema(
        parameters=[OpenApiParameter("months", int, description=f"1–{MAX_MONTHS}, default 6.")],
        responses=ForecastSerializer,
    )
    @action(detail=True, methods=["get"])
    def forecast(self, request: Request, pk: str | None = None) -> Response:
        pipeline = self.get_object()
        months = _int_param(request, "months", default=6, low=1, high=MAX_MONTHS)
        result = forecast(self.organization, pipeline, months=months)
        return Response(ForecastSerializer(result).data)


class StageViewSet(OrgScopedViewSet):
    """Stages of one pipeline (``pipeline_pk`` in the URL)."""

    queryset = Stage.objects.none()
    pagination_class = None
    action_permissions = {
        "list": "deal.view",
        "retrieve": "deal.view",
        "create": "pipeline.manage",
        "partial_update": "pipeline.manage",
        "destroy": "pipeline.manage",
        "reorder": "pipeline.manage",
    }

    def get_serializer_class(self) -> type[serializers.Serializer]:
        if getattr(self, "action", None) in ("create", "partial_update"):
            return StageInputSerializer
        return StageOutputSerializer

    def get_org_queryset(self, organization: Organization) -> QuerySet[Stage]:
        stages = Stage.objects.filter(organization=organization).order_by("position", "id")
        pipeline_pk = getattr(self, "kwargs", {}).get("pipeline_pk")
        if pipeline_pk is not None:
            stages = stages.filter(pipeline_id=pipeline_pk if str(pipeline_pk).isdigit() else 0)
        return stages

    @property
    def pipeline(self) -> Pipeline:
        return get_object_or_404(
            Pipeline.objects.filter(organization=self.organization),
            pk=self.kwargs["pipeline_pk"] if str(self.kwargs["pipeline_pk"]).isdigit() else 0,
        )

    @extend_schema(responses=StageOutputSerializer(many=True))
    def list(self, request: Request, pipeline_pk: str | None = None) -> Response:
        self.pipeline  # noqa: B018  (404 for a pipeline of another organization)
        return Response(StageOutputSerializer(self.get_queryset(), many=True).data)

    @extend_schema(responses=StageOutputSerializer)
    def retrieve(
        self, request: Request, pk: str | None = None, pipeline_pk: str | None = None
    ) -> Response:
        return Response(StageOutputSerializer(self.get_object()).data)

    @extend_schema(
        request=StageInputSerializer, responses={status.HTTP_201_CREATED: StageOutputSerializer}
    )
    def create(self, request: Request, pipeline_pk: str | None = None) -> Response:
        pipeline = self.pipeline
        data = StageInputSerializer(data=request.data, context=self.get_serializer_context())
        data.is_valid(raise_exception=True)
        stage = stage_services.stage_create(
            pipeline=pipeline, actor=request.user, **data.validated_data
        )
        return Response(StageOutputSerializer(stage).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=StageInputSerializer, responses=StageOutputSerializer)
    def partial_update(
        self, request: Request, pk: str | None = None, pipeline_pk: str | None = None
    ) -> Response:
        stage = self.get_object()
        data = StageInputSerializer(
            data=request.data, partial=True, context=self.get_serializer_context()
        )
        data.is_valid(raise_exception=True)
        values = {k: v for k, v in data.validated_data.items() if k != "position"}
        stage = stage_services.stage_update(stage=stage, actor=request.user, data=values)
        return Response(StageOutputSerializer(stage).data)

    @extend_schema(
        request=StageDeleteSerializer,
        parameters=[OpenApiParameter("move_deals_to", int, description="Or in the body.")],
        responses={status.HTTP_204_NO_CONTENT: None},
    )
    def destroy(
        self, request: Request, pk: str | None = None, pipeline_pk: str | None = None
    ) -> Response:
        """Delete a stage; if it holds deals, `move_deals_to` names the stage that takes them."""
        stage = self.get_object()
        raw = dict(request.data) if isinstance(request.data, dict) else {}
        if "move_deals_to" not in raw and request.query_params.get("move_deals_to"):
            raw["move_deals_to"] = request.query_params["move_deals_to"]
        data = StageDeleteSerializer(data=raw, context=self.get_serializer_context())
        data.is_valid(raise_exception=True)
        stage_services.stage_delete(
            stage=stage, actor=request.user, move_deals_to=data.validated_data.get("move_deals_to")
        )
        return Response(status=status.HTTP_204_NO_CONTENT)

    @extend_schema(request=StagesReorderSerializer, responses=StageOutputSerializer(many=True))
    @action(detail=False, methods=["post"])
    def reorder(self, request: Request, pipeline_pk: str | None = None) -> Response:
        pipeline = self.pipeline
        data = StagesReorderSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        stages = stage_services.stages_reorder(
            pipeline=pipeline, actor=request.user, stage_ids=data.validated_data["stage_ids"]
        )
        return Response(StageOutputSerializer(stages, many=True).data)
