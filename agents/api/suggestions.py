"""``/api/v1/stage-suggestions/``: the AI's proposals to move a deal to its next stage.

``GET`` lists them (``?status=open|accepted|dismissed|stale``, ``?deal=<id>``; ``deal.view``);
``POST …/{id}/accept/`` moves the deal (recorded as "accepted AI suggestion") and ``POST
…/{id}/dismiss/`` records the dismissal (``deal.edit``). Both answer 409
``suggestion_not_open`` for a suggestion that was already decided or no longer applies.
"""

from __future__ import annotations

from django.db.models import QuerySet
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import mixins, serializers
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response

from accounts.api_base import OrgScopedViewSet
from accounts.errors import ValidationError
from accounts.models import Organization
from agents import selectors
from agents.models import StageSuggestion
from agents.services import suggestions as suggestion_services
from crm.api.pagination import KeysetCursorPagination


class StageRefSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()


class StageSuggestionSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    deal = serializers.IntegerField()
    deal_title = serializers.CharField()
    chat = serializers.IntegerField(allow_null=True)
    message = serializers.IntegerField(allow_null=True)
    from_stage = StageRefSerializer()
    to_stage = StageRefSerializer()
    signal = serializers.CharField(help_text="agreement, meeting, price or reply")
    reason = serializers.CharField()
    status = serializers.ChoiceField(choices=StageSuggestion.Status.choices)
    decided_by = serializers.IntegerField(allow_null=True)
    decided_at = serializers.DateTimeField(allow_null=True)
    created_at = serializers.DateTimeField()

    def to_representation(self, instance: StageSuggestion) -> dict:
        return suggestion_services.suggestion_payload(instance)


@extend_schema_view(
    list=extend_schema(
        parameters=[
            OpenApiParameter(
                "status", OpenApiTypes.STR, enum=StageSuggestion.Status.values, required=False
            ),
            OpenApiParameter("deal", OpenApiTypes.INT, required=False),
        ]
    )
)
class StageSuggestionViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, OrgScopedViewSet):
    queryset = StageSuggestion.objects.none()
    serializer_class = StageSuggestionSerializer
    pagination_class = KeysetCursorPagination
    action_permissions = {
        "list": "deal.view",
        "retrieve": "deal.view",
        "accept": "deal.edit",
        "dismiss": "deal.edit",
    }

    def get_org_queryset(self, organization: Organization) -> QuerySet[StageSuggestion]:
        if self.action != "list":
            return selectors.stage_suggestions_list(organization)
        params = self.request.query_params
        status = params.get("status", "").strip()
        if status and status not in StageSuggestion.Status.values:
            message = f"Choose one of: {', '.join(StageSuggestion.Status.values)}."
            raise ValidationError(message, fields={"status": [message]})
        deal = params.get("deal", "").strip()
        if deal and not deal.isdigit():
            raise ValidationError("Enter a deal id.", fields={"deal": ["Enter a deal id."]})
        return selectors.stage_suggestions_list(
            organization, status=status, deal_id=int(deal) if deal else None
        )

    @extend_schema(request=None, responses=StageSuggestionSerializer)
    @action(detail=True, methods=["post"])
    def accept(self, request: Request, pk: str | None = None) -> Response:
        suggestion = suggestion_services.stage_suggestion_accept(
            suggestion=self.get_object(), actor=request.user
        )
        return Response(StageSuggestionSerializer(suggestion).data)

    @extend_schema(request=None, responses=StageSuggestionSerializer)
    @action(detail=True, methods=["post"])
    def dismiss(self, request: Request, pk: str | None = None) -> Response:
        suggestion = suggestion_services.stage_suggestion_dismiss(
            suggestion=self.get_object(), actor=request.user
        )
        return Response(StageSuggestionSerializer(suggestion).data)
