"""``/api/v1/telegram-bots/``: connected bots. Members see them; owners and admins
(``bot.manage``) connect one by its token (validated with Telegram) and disconnect it
(DELETE; the row stays, inactive, so its chats keep their bot). Tokens are never returned."""

from __future__ import annotations

from django.db.models import QuerySet
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, serializers, status
from rest_framework.request import Request
from rest_framework.response import Response

from accounts.api_base import OrgScopedViewSet
from accounts.models import Organization
from crm.api.pagination import KeysetCursorPagination
from messaging import selectors
from messaging.models import TelegramBot
from messaging.services import bots as bot_services


class TelegramBotSerializer(serializers.ModelSerializer):
    class Meta:
        model = TelegramBot
        fields = [
            "id",
            "name",
            "username",
            "telegram_id",
            "mode",
            "is_active",
            "last_error",
            "connected_by",
            "connected_at",
            "disconnected_at",
        ]
        read_only_fields = fields


class TelegramBotConnectSerializer(serializers.Serializer):
    token = serializers.CharField(max_length=100, help_text="The token from @BotFather.")
    name = serializers.CharField(max_length=120, required=False, allow_blank=True)


class TelegramBotViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, OrgScopedViewSet):
    queryset = TelegramBot.objects.none()
    serializer_class = TelegramBotSerializer
    pagination_class = KeysetCursorPagination
    action_permissions = {
        "list": "message.view",
        "retrieve": "message.view",
        "create": "bot.manage",
        "destroy": "bot.manage",
    }

    def get_org_queryset(self, organization: Organization) -> QuerySet[TelegramBot]:
        return selectors.bots_list(organization).order_by("-id")

    @extend_schema(
        request=TelegramBotConnectSerializer,
        responses={status.HTTP_201_CREATED: TelegramBotSerializer},
    )
    def create(self, request: Request) -> Response:
        data = TelegramBotConnectSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        bot = bot_services.bot_connect(
            organization=self.organization, actor=request.user, **data.validated_data
        )
        return Response(TelegramBotSerializer(bot).data, status=status.HTTP_201_CREATED)

    @extend_schema(responses={status.HTTP_200_OK: TelegramBotSerializer})
    def destroy(self, request: Request, pk: str | None = None) -> Response:
        bot = bot_services.bot_disconnect(bot=self.get_object(), actor=request.user)
        return Response(TelegramBotSerializer(bot).data)
