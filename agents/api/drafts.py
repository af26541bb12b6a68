"""``/api/v1/chats/{id}/drafts/`` (history; POST asks for a draft), ``/api/v1/drafts/{id}/``
with ``approve``, ``reject``, ``regenerate`` and ``retry``, and ``/api/v1/ai/metrics/``.

Thin: the services in ``agents.services.drafts`` decide. A POST answers with the draft as it
is then (``pending`` for a new one); generation runs on the ``agents`` queue and its outcome
arrives as ``draft.generated`` / ``draft.failed`` events (WebSocket, webhooks) or by polling
``GET drafts/{id}/``. Guardrail refusals are 429 with ``Retry-After``.
"""

from __future__ import annotations

from django.db.models import QuerySet
from django.utils.dateparse import parse_datetime
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import mixins, serializers, status
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response

from accounts.api_base import OrgScopedViewSet
from accounts.errors import ValidationError
from accounts.models import Organization
from agents import selectors
from agents.models import Draft
from agents.payloads import is_language_model
from agents.services import drafts as draft_services
from crm.api.pagination import KeysetCursorPagination
from messaging.models import Chat

ERRORS = (
    "429 `ai_rate_limited` / `ai_budget_exhausted` (with `Retry-After`) when the guardrails "
    "refuse; 409 `draft_not_actionable` when the draft is not in a state that allows this."
)


class DraftSerializer(serializers.ModelSerializer):
    is_language_model = serializers.SerializerMethodField(
        help_text="False for the built-in offline drafter: label its drafts as such."
    )

    class Meta:
        model = Draft
        fields = [
            "id",
            "chat",
            "status",
            "trigger",
            "instruction",
            "text",
            "final_text",
            "edit_distance",
            "provider",
            "model",
            "is_language_model",
            "prompt_version",
            "guardrail_notes",
            "failure_reason",
            "reject_reason",
            "parent",
            "reply_to",
            "requested_by",
            "decided_by",
            "decided_at",
            "sent_message",
            "auto_sent",
            "prompt_tokens",
            "completion_tokens",
            "cost_usd",
            "overhead_ms",
            "model_ms",
            "created_at",
        ]
        read_only_fields = fields

    def get_is_language_model(self, draft: Draft) -> bool:
        return is_language_model(draft)


class DraftDetailSerializer(DraftSerializer):
    """With the "why": the rendered prompt and the facts it was written from."""

    prompt = serializers.JSONField(read_only=True, help_text="The messages sent to the model.")
    context = serializers.JSONField(read_only=True, help_text="The facts gathered.")

    class Meta(DraftSerializer.Meta):
        fields = [*DraftSerializer.Meta.fields, "prompt", "context"]
        read_only_fields = fields


class DraftRequestSerializer(serializers.Serializer):
    instruction = serializers.CharField(
        max_length=300, allow_blank=True, default="", help_text="E.g. “mention the demo”."
    )


class DraftApproveSerializer(serializers.Serializer):
    text = serializers.CharField(
        required=False,
        max_length=4096,
        help_text="The edited text to send; omit to send the draft as proposed.",
    )


class DraftRejectSerializer(serializers.Serializer):
    reason = serializers.CharField(max_length=300, help_text="Why the draft was not sent.")


class DraftRegenerateSerializer(serializers.Serializer):
    instruction = serializers.CharField(
        max_length=300, allow_blank=True, default="", help_text="E.g. “shorter”, “more formal”."
    )


class DraftMetricsSerializer(serializers.Serializer):
    count = serializers.IntegerField(help_text="Drafts requested.")
    sent = serializers.IntegerField()
    auto_sent = serializers.IntegerField()
    edited = serializers.IntegerField(help_text="Sent drafts a member changed first.")
    rejected = serializers.IntegerField()
    failed = serializers.IntegerField()
    acceptance_rate = serializers.FloatField(
        allow_null=True, help_text="sent / (sent + rejected); null before any decision."
    )
    avg_edit_distance = serializers.FloatField(
        allow_null=True, help_text="Characters changed per sent draft, on average."
    )


def _input(serializer_class: type[serializers.Serializer], request: Request) -> dict:
    data = serializer_class(data=request.data)
    data.is_valid(raise_exception=True)
    return data.validated_data


class DraftPagination(KeysetCursorPagination):
    page_size = 25


class ChatDraftsViewSet(OrgScopedViewSet):
    """``/api/v1/chats/{id}/drafts/`` (the chat resource itself: ``messaging.api.chats``)."""

    queryset = Chat.objects.none()
    serializer_class = DraftSerializer
    pagination_class = DraftPagination
    action_permissions = {"drafts": "message.view", "draft_create": "ai.draft"}

    def get_org_queryset(self, organization: Organization) -> QuerySet[Chat]:
        return Chat.objects.filter(organization=organization).select_related(
            "organization", "contact"
        )

    @extend_schema(
        responses={status.HTTP_200_OK: DraftSerializer(many=True)},
        description="The chat's drafts, newest first: who asked, what was proposed, what was "
        "sent or why it was rejected.",
    )
    @action(detail=True, methods=["get"])
    def drafts(self, request: Request, pk: str | None = None) -> Response:
        chat = self.get_object()
        page = self.paginate_queryset(selectors.chat_drafts(self.organization, chat))
        return self.get_paginated_response(DraftSerializer(page, many=True).data)

    @extend_schema(
        request=DraftRequestSerializer,
        responses={status.HTTP_201_CREATED: DraftSerializer},
        description=f"Ask for a reply draft (answers `pending`). {ERRORS}",
    )
    @drafts.mapping.post
    def draft_create(self, request: Request, pk: str | None = None) -> Response:
        chat = self.get_object()
        data = _input(DraftRequestSerializer, request)
        draft = draft_services.draft_request(
            chat=chat, actor=request.user, instruction=data["instruction"]
        )
        return Response(DraftSerializer(draft).data, status=status.HTTP_201_CREATED)


class DraftViewSet(mixins.RetrieveModelMixin, OrgScopedViewSet):
    queryset = Draft.objects.none()
    serializer_class = DraftDetailSerializer
    action_permissions = {
        "retrieve": "message.view",
        "approve": "ai.draft",
        "reject": "ai.draft",
        "regenerate": "ai.draft",
        "retry": "ai.draft",
    }

    def get_org_queryset(self, organization: Organization) -> QuerySet[Draft]:
        return Draft.objects.filter(organization=organization).select_related(
            "organization", "chat__organization", "chat__bot"
        )

    @extend_schema(
        request=DraftApproveSerializer,
        responses={status.HTTP_200_OK: DraftSerializer},
        description="Send a ready draft (edited when `text` is given) through the normal "
        "rate-limited send path; answers the draft `sent` with `sent_message`. 400 for an "
        f"empty text or a chat that cannot be written to. {ERRORS}",
    )
    @action(detail=True, methods=["post"])
    def approve(self, request: Request, pk: str | None = None) -> Response:
        data = _input(DraftApproveSerializer, request)
        draft = draft_services.draft_approve(
            draft=self.get_object(), actor=request.user, text=data.get("text")
        )
        return Response(DraftSerializer(draft).data)

    @extend_schema(
        request=DraftRejectSerializer,
        responses={status.HTTP_200_OK: DraftSerializer},
        description=f"Reject a ready draft with a reason. {ERRORS}",
    )
    @action(detail=True, methods=["post"])
    def reject(self, request: Request, pk: str | None = None) -> Response:
        data = _input(DraftRejectSerializer, request)
        draft = draft_services.draft_reject(
            draft=self.get_object(), actor=request.user, reason=data["reason"]
        )
        return Response(DraftSerializer(draft).data)

    @extend_schema(
        request=DraftRegenerateSerializer,
        responses={status.HTTP_201_CREATED: DraftSerializer},
        description="Replace a ready draft with a new one written with an instruction; the "
        f"old one becomes `superseded`. {ERRORS}",
    )
    @action(detail=True, methods=["post"])
    def regenerate(self, request: Request, pk: str | None = None) -> Response:
        data = _input(DraftRegenerateSerializer, request)
        draft = draft_services.draft_regenerate(
            draft=self.get_object(), actor=request.user, instruction=data["instruction"]
        )
        return Response(DraftSerializer(draft).data, status=status.HTTP_201_CREATED)

    @extend_schema(
        request=None,
        responses={status.HTTP_201_CREATED: DraftSerializer},
        description=f"Ask again after a failed draft (a new pending draft). {ERRORS}",
    )
    @action(detail=True, methods=["post"])
    def retry(self, request: Request, pk: str | None = None) -> Response:
        draft = draft_services.draft_retry(draft=self.get_object(), actor=request.user)
        return Response(DraftSerializer(draft).data, status=status.HTTP_201_CREATED)


class AIMetricsViewSet(OrgScopedViewSet):
    """``/api/v1/ai/metrics/``: acceptance and edit figures of the organization's drafts."""

    queryset = Draft.objects.none()
    serializer_class = DraftMetricsSerializer
    action_permissions = {"list": "message.view"}

    def get_org_queryset(self, organization: Organization) -> QuerySet[Draft]:
        return Draft.objects.filter(organization=organization)

    @extend_schema(
        parameters=[
            OpenApiParameter(
                "since", OpenApiTypes.DATETIME, description="Only drafts requested since then."
            )
        ],
        responses={status.HTTP_200_OK: DraftMetricsSerializer},
    )
    def list(self, request: Request) -> Response:
        raw = request.query_params.get("since", "").strip()
        since = None
        if raw:
            try:
                since = parse_datetime(raw)
            except ValueError:
                since = None
            if since is None:
                message = "An ISO 8601 date and time, e.g. 2026-01-01T00:00:00Z."
                raise ValidationError(message, fields={"since": [message]})
        metrics = selectors.draft_metrics(self.organization, since=since)
        return Response(DraftMetricsSerializer(metrics).data)
