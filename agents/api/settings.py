"""``/api/v1/ai/…``: the organization's AI settings, auto-send per bot and usage.

- ``GET /ai/settings/`` (every member: how drafts are made is no secret) and ``PATCH``
  (``ai.manage``). The API key is write-only: ``has_api_key`` says whether one is stored; send
  ``api_key`` to replace it (blank keeps it) or ``clear_api_key: true`` to remove it.
- ``GET /ai/auto-send/`` lists every bot with whether its automatic drafts are sent without
  approval; ``GET /ai/auto-send/{bot}/`` one bot; ``PUT`` turns auto-send on, ``DELETE`` off
  (``ai.manage``). Off unless an admin turns it on.
- ``GET /ai/usage/?since=&until=`` (``ai.manage``): tokens, estimated cost and drafts per member
  and in total; dates (``2026-05-01``) or date-times, ``until`` exclusive, default this month.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta

from django.db.models import QuerySet
from django.utils.dateparse import parse_date, parse_datetime
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers, status
from rest_framework.request import Request
from rest_framework.response import Response

from accounts.api_base import OrgScopedViewSet
from accounts.errors import ValidationError
from accounts.models import Organization
from agents import selectors
from agents.models import AISettings
from agents.services import settings as settings_services
from messaging.models import TelegramBot

MAX_USAGE_RANGE = timedelta(days=366)


class AISettingsSerializer(serializers.ModelSerializer):
    has_api_key = serializers.SerializerMethodField()

    class Meta:
        model = AISettings
        fields = [
            "provider",
            "base_url",
            "has_api_key",
            *[f for f in settings_services.EDITABLE_FIELDS if f not in ("provider", "base_url")],
            "updated_at",
            "updated_by",
        ]
        read_only_fields = fields

    def get_has_api_key(self, obj: AISettings) -> bool:
        return bool(obj.api_key)


class AISettingsInputSerializer(serializers.Serializer):
    """Shape only (types); the service validates values and answers field errors."""

    provider = serializers.CharField(required=False)
    base_url = serializers.CharField(required=False, allow_blank=True)
    api_key = serializers.CharField(
        required=False, allow_blank=True, write_only=True, help_text="Blank keeps the stored key."
    )
    clear_api_key = serializers.BooleanField(required=False)
    model = serializers.CharField(required=False)
    embedding_model = serializers.CharField(required=False)
    request_timeout = serializers.IntegerField(required=False, help_text="Seconds, 1–120.")
    auto_draft = serializers.BooleanField(required=False)
    stage_suggestions = serializers.BooleanField(required=False)
    language = serializers.CharField(required=False, help_text="auto, or e.g. en.")
    context_messages = serializers.IntegerField(required=False)
    context_token_budget = serializers.IntegerField(required=False)
    formality = serializers.CharField(required=False)
    tone_instructions = serializers.CharField(required=False, allow_blank=True)
    forbidden_phrases = serializers.JSONField(
        required=False, help_text="A list of phrases, or text with one a line."
    )
    required_disclaimer = serializers.CharField(required=False, allow_blank=True)
    banned_topics = serializers.JSONField(
        required=False, help_text="A list of topics, or text with one a line."
    )
    monthly_token_budget = serializers.IntegerField(required=False, help_text="0: no budget.")
    org_drafts_per_minute = serializers.IntegerField(required=False, help_text="0: no limit.")
    user_drafts_per_minute = serializers.IntegerField(required=False, help_text="0: no limit.")


class AISettingsViewSet(OrgScopedViewSet):
    queryset = AISettings.objects.none()
    serializer_class = AISettingsSerializer
    action_permissions = {"retrieve": "message.view", "partial_update": "ai.manage"}

    def get_org_queryset(self, organization: Organization) -> QuerySet[AISettings]:
        return AISettings.objects.filter(organization=organization)

    def retrieve(self, request: Request) -> Response:
        return Response(AISettingsSerializer(selectors.ai_settings_get(self.organization)).data)

    @extend_schema(request=AISettingsInputSerializer, responses=AISettingsSerializer)
    def partial_update(self, request: Request) -> Response:
        data = AISettingsInputSerializer(data=request.data, partial=True)
        data.is_valid(raise_exception=True)
        updated = settings_services.ai_settings_update(
            organization=self.organization, actor=request.user, data=dict(data.validated_data)
        )
        return Response(AISettingsSerializer(updated).data)


class AutoSendSerializer(serializers.Serializer):
    bot = serializers.IntegerField()
    bot_name = serializers.CharField()
    bot_username = serializers.CharField()
    enabled = serializers.BooleanField()
    enabled_by = serializers.IntegerField(allow_null=True)
    enabled_at = serializers.DateTimeField(allow_null=True)


class AutoSendViewSet(OrgScopedViewSet):
    """Auto-send per bot; the URL's id is the bot's (``/ai/auto-send/{bot}/``)."""

    queryset = TelegramBot.objects.none()
    serializer_class = AutoSendSerializer
    action_permissions = {
        "list": "message.view",
        "retrieve": "message.view",
        "update": "ai.manage",
        "destroy": "ai.manage",
    }

    def get_org_queryset(self, organization: Organization) -> QuerySet[TelegramBot]:
        return TelegramBot.objects.filter(organization=organization).order_by("name", "pk")

    def _states(self, bots: list[TelegramBot]) -> list[dict]:
        enabled = {
            row.bot_id: row
            for row in selectors.auto_send_channels(self.organization).filter(bot__in=bots)
        }
        return [
            {
                "bot": bot.pk,
                "bot_name": bot.name,
                "bot_username": bot.username,
                "enabled": bot.pk in enabled,
                "enabled_by": enabled[bot.pk].enabled_by_id if bot.pk in enabled else None,
                "enabled_at": enabled[bot.pk].enabled_at if bot.pk in enabled else None,
            }
            for bot in bots
        ]

    @extend_schema(responses=AutoSendSerializer(many=True))
    def list(self, request: Request) -> Response:
        states = self._states(list(self.get_queryset()))
        return Response(AutoSendSerializer(states, many=True).data)

    def retrieve(self, request: Request, pk: str | None = None) -> Response:
        return Response(AutoSendSerializer(self._states([self.get_object()])[0]).data)

    @extend_schema(request=None, responses=AutoSendSerializer)
    def update(self, request: Request, pk: str | None = None) -> Response:
        bot = self.get_object()
        settings_services.auto_send_set(
            organization=self.organization, actor=request.user, bot=bot, enabled=True
        )
        return Response(AutoSendSerializer(self._states([bot])[0]).data)

    @extend_schema(responses={status.HTTP_204_NO_CONTENT: None})
    def destroy(self, request: Request, pk: str | None = None) -> Response:
        settings_services.auto_send_set(
            organization=self.organization, actor=request.user, bot=self.get_object(), enabled=False
        )
        return Response(status=status.HTTP_204_NO_CONTENT)


def _moment(raw: str, field: str) -> datetime | None:
    """A query parameter as an aware UTC datetime: a date means its midnight (UTC)."""
    raw = (raw or "").strip()
    if not raw:
        return None
    try:
        moment = parse_datetime(raw)
        day = None if moment else parse_date(raw)
    except ValueError:
        moment = day = None
    if moment is None and day is None:
        message = "Enter a date (2026-05-01) or a date-time (2026-05-01T09:00:00Z)."
        raise ValidationError(message, fields={field: [message]})
    if moment is None:
        assert isinstance(day, date)
        moment = datetime.combine(day, time.min)
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


class UsageViewSet(OrgScopedViewSet):
    queryset = AISettings.objects.none()
    action_permissions = {"list": "ai.manage"}

    def get_org_queryset(self, organization: Organization) -> QuerySet[AISettings]:
        return AISettings.objects.filter(organization=organization)

    @extend_schema(
        parameters=[
            OpenApiParameter("since", OpenApiTypes.STR, description="From (inclusive)."),
            OpenApiParameter("until", OpenApiTypes.STR, description="To (exclusive)."),
        ],
        responses=OpenApiTypes.OBJECT,
    )
    def list(self, request: Request) -> Response:
        now = datetime.now(UTC)
        since = _moment(request.query_params.get("since", ""), "since")
        until = _moment(request.query_params.get("until", ""), "until")
        since = since or now.replace(day=1, hour=0, minute=0, second=0, microsecond=0)
        until = until or now
        if until <= since:
            message = "The end must come after the start."
            raise ValidationError(message, fields={"until": [message]})
        if until - since > MAX_USAGE_RANGE:
            message = "Ask for at most a year at a time."
            raise ValidationError(message, fields={"since": [message]})
        return Response(selectors.usage_summary(self.organization, since=since, until=until))
