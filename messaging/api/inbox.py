"""``/api/v1/inbox/``: the conversation list as the signed-in member sees it (their unread
counts, their filters), one row per chat with everything the row shows; ``inbox/search/`` and
``inbox/unread/`` (the title badge). ``/api/v1/chats/{id}/assign|done|reopen|snooze|read|unread/``
change a conversation's inbox state and answer with its updated row."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import mixins, serializers, status
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response

from accounts.api_base import OrgPrimaryKeyRelatedField, OrgScopedViewSet
from accounts.errors import ValidationError
from accounts.models import Organization, User
from crm.api.pagination import KeysetCursorPagination
from messaging import selectors_inbox
from messaging.models import Chat, Message
from messaging.selectors_inbox import InboxFilters
from messaging.services import inbox as inbox_services


class InboxPagination(KeysetCursorPagination):
    page_size = selectors_inbox.INBOX_PAGE_SIZE


class _ContactBrief(serializers.Serializer):
    id = serializers.IntegerField()
    full_name = serializers.CharField()
    telegram_username = serializers.CharField()


class _BotBrief(serializers.Serializer):
    id = serializers.IntegerField()
    username = serializers.CharField()


class _UserBrief(serializers.Serializer):
    id = serializers.IntegerField()
    display_name = serializers.CharField()
    email = serializers.EmailField()


class _LastMessage(serializers.Serializer):
    id = serializers.IntegerField(source="last_message_id", allow_null=True)
    text = serializers.CharField(source="last_message_text")
    direction = serializers.CharField(source="last_message_direction")
    kind = serializers.CharField(source="last_message_kind")
    sent_at = serializers.DateTimeField(source="last_message_at", allow_null=True)


class InboxRowSerializer(serializers.ModelSerializer):
    title = serializers.SerializerMethodField()
    activity_at = serializers.DateTimeField(read_only=True)
    contact = _ContactBrief(read_only=True, allow_null=True)
    bot = _BotBrief(read_only=True, allow_null=True)
    assigned_to = _UserBrief(read_only=True, allow_null=True)
    last_message = _LastMessage(source="*", read_only=True)
    unread_count = serializers.IntegerField(read_only=True)
    manual_unread = serializers.BooleanField(read_only=True)
    last_read_message_id = serializers.IntegerField(read_only=True, allow_null=True)
    extras = serializers.DictField(
        source="inbox_extras",
        read_only=True,
        help_text="Added by other apps (e.g. `deal`: the open deal's stage), keyed by app.",
    )

    class Meta:
        model = Chat
        fields = [
            "id",
            "title",
            "channel",
            "kind",
            "username",
            "status",
            "snoozed_until",
            "is_blocked",
            "activity_at",
            "contact",
            "bot",
            "assigned_to",
            "last_message",
            "unread_count",
            "manual_unread",
            "last_read_message_id",
            "extras",
        ]
        read_only_fields = fields

    def get_title(self, chat: Chat) -> str:
        return str(chat)


class InboxFilterSerializer(serializers.Serializer):
    assignee = serializers.ChoiceField(choices=selectors_inbox.ASSIGNEE_CHOICES, default="all")
    status = serializers.ChoiceField(choices=selectors_inbox.STATUS_CHOICES, default="open")
    channel = serializers.ChoiceField(choices=Chat.Channel.choices, required=False)
    bot = serializers.IntegerField(required=False, min_value=1)
    tag = serializers.IntegerField(required=False, min_value=1)
    stage = serializers.IntegerField(required=False, min_value=1)
    unread = serializers.BooleanField(default=False)

    def filters(self) -> InboxFilters:
        return InboxFilters(**self.validated_data)


INBOX_PARAMETERS = [
    OpenApiParameter("assignee", OpenApiTypes.STR, enum=list(selectors_inbox.ASSIGNEE_CHOICES)),
    OpenApiParameter("status", OpenApiTypes.STR, enum=list(selectors_inbox.STATUS_CHOICES)),
    OpenApiParameter("channel", OpenApiTypes.STR, enum=Chat.Channel.values),
    OpenApiParameter("bot", OpenApiTypes.INT, description="Only chats of this bot."),
    OpenApiParameter("tag", OpenApiTypes.INT, description="Only chats whose contact has this tag."),
    OpenApiParameter(
        "stage", OpenApiTypes.INT, description="Only chats whose contact has an open deal here."
    ),
    OpenApiParameter("unread", OpenApiTypes.BOOL, description="Only chats unread for me."),
]


class _SearchMessageHit(serializers.Serializer):
    id = serializers.IntegerField(source="message.id")
    chat = serializers.IntegerField(source="message.chat_id")
    chat_title = serializers.CharField(source="message.chat.__str__")
    direction = serializers.CharField(source="message.direction")
    sent_at = serializers.DateTimeField(source="message.sent_at")
    snippet = serializers.CharField()


class _SearchChatHit(serializers.Serializer):
    id = serializers.IntegerField()
    title = serializers.CharField(source="__str__")
    username = serializers.CharField()
    contact = _ContactBrief(allow_null=True)
    status = serializers.CharField()
    last_message_at = serializers.DateTimeField(allow_null=True)


class InboxSearchSerializer(serializers.Serializer):
    chats = _SearchChatHit(many=True)
    messages = _SearchMessageHit(many=True)


class UnreadTotalSerializer(serializers.Serializer):
    chats = serializers.IntegerField(help_text="Conversations with something unread for me.")
    messages = serializers.IntegerField(help_text="Unread messages in them.")


@extend_schema_view(list=extend_schema(parameters=INBOX_PARAMETERS))
class InboxViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, OrgScopedViewSet):
    queryset = Chat.objects.none()
    serializer_class = InboxRowSerializer
    pagination_class = InboxPagination
    action_permissions = {
        "list": "message.view",
        "retrieve": "message.view",
        "search": "message.view",
        "unread": "message.view",
    }

    def get_org_queryset(self, organization: Organization) -> QuerySet[Chat]:
        if self.action == "list":
            params = InboxFilterSerializer(data=self.request.query_params)
            params.is_valid(raise_exception=True)
            filters = params.filters()
        else:
            filters = InboxFilters(status="all")
        return selectors_inbox.inbox_list(organization, self.request.user, filters=filters)

    def paginate_queryset(self, queryset: QuerySet[Chat]) -> list[Chat] | None:
        page = super().paginate_queryset(queryset)
        if page is not None:
            selectors_inbox.inbox_rows_decorate(self.organization, page)
        return page

    def get_object(self) -> Chat:
        chat = super().get_object()
        selectors_inbox.inbox_rows_decorate(self.organization, [chat])
        return chat

    @extend_schema(
        parameters=[OpenApiParameter("q", OpenApiTypes.STR, required=True)],
        responses={status.HTTP_200_OK: InboxSearchSerializer},
        description=(
            "Chats by title, @username or contact name, and messages by text (whole words and "
            "word beginnings; fragments from three characters), newest first."
        ),
    )
    @action(detail=False, methods=["get"])
    def search(self, request: Request) -> Response:
        q = request.query_params.get("q", "").strip()
        if not q:
            raise ValidationError("Type something to search for.", fields={"q": ["Required."]})
        if len(q) > 200:
            raise ValidationError("Search for at most 200 characters.", fields={"q": ["Too long."]})
        result = selectors_inbox.inbox_search(self.organization, request.user, q)
        return Response(InboxSearchSerializer(result).data)

    @extend_schema(responses={status.HTTP_200_OK: UnreadTotalSerializer})
    @action(detail=False, methods=["get"])
    def unread(self, request: Request) -> Response:
        totals = selectors_inbox.inbox_unread_total(self.organization, request.user)
        return Response(UnreadTotalSerializer(totals).data)


class AssignSerializer(serializers.Serializer):
    assignee = serializers.IntegerField(
        allow_null=True, help_text="A member's user id, or null to unassign."
    )


class SnoozeSerializer(serializers.Serializer):
    until = serializers.DateTimeField()


class ReadSerializer(serializers.Serializer):
    message = OrgPrimaryKeyRelatedField(
        queryset=Message.objects.all(),
        required=False,
        allow_null=True,
        help_text="Read up to this message of the chat; omitted: everything.",
    )


class ChatInboxViewSet(OrgScopedViewSet):
    """Inbox actions on ``/api/v1/chats/{id}/…`` (the chat resource itself: ``api.chats``)."""

    queryset = Chat.objects.none()
    serializer_class = InboxRowSerializer
    action_permissions = {
        "assign": "chat.assign",
        "done": "chat.manage",
        "reopen": "chat.manage",
        "snooze": "chat.manage",
        "read": "message.view",
        "unread": "message.view",
    }

    def get_org_queryset(self, organization: Organization) -> QuerySet[Chat]:
        return Chat.objects.filter(organization=organization).select_related("organization")

    def _row(self, chat: Chat) -> Response:
        row = selectors_inbox.inbox_row(self.organization, self.request.user, chat.pk)
        return Response(InboxRowSerializer(row).data)

    def _input(self, serializer_class: type[serializers.Serializer]) -> dict[str, Any]:
        data = serializer_class(data=self.request.data, context=self.get_serializer_context())
        data.is_valid(raise_exception=True)
        return data.validated_data

    @extend_schema(request=AssignSerializer, responses={status.HTTP_200_OK: InboxRowSerializer})
    @action(detail=True, methods=["post"])
    def assign(self, request: Request, pk: str | None = None) -> Response:
        chat = self.get_object()
        assignee_id = self._input(AssignSerializer)["assignee"]
        assignee = None
        if assignee_id is not None:
            assignee = User.objects.filter(pk=assignee_id).first()
            if assignee is None:
                message = "Assign the chat to a member of this organization."
                raise ValidationError(message, fields={"assignee": [message]})
        inbox_services.chat_assign(chat=chat, assignee=assignee, actor=request.user)
        return self._row(chat)

    @extend_schema(request=None, responses={status.HTTP_200_OK: InboxRowSerializer})
    @action(detail=True, methods=["post"])
    def done(self, request: Request, pk: str | None = None) -> Response:
        chat = inbox_services.chat_mark_done(chat=self.get_object(), actor=request.user)
        return self._row(chat)

    @extend_schema(request=None, responses={status.HTTP_200_OK: InboxRowSerializer})
    @action(detail=True, methods=["post"])
    def reopen(self, request: Request, pk: str | None = None) -> Response:
        chat = inbox_services.chat_reopen(chat=self.get_object(), actor=request.user)
        return self._row(chat)

    @extend_schema(request=SnoozeSerializer, responses={status.HTTP_200_OK: InboxRowSerializer})
    @action(detail=True, methods=["post"])
    def snooze(self, request: Request, pk: str | None = None) -> Response:
        chat = self.get_object()
        until = self._input(SnoozeSerializer)["until"]
        inbox_services.chat_snooze(chat=chat, until=until, actor=request.user)
        return self._row(chat)

    @extend_schema(request=ReadSerializer, responses={status.HTTP_200_OK: InboxRowSerializer})
    @action(detail=True, methods=["post"])
    def read(self, request: Request, pk: str | None = None) -> Response:
        chat = self.get_object()
        message = self._input(ReadSerializer).get("message")
        inbox_services.chat_mark_read(chat=chat, user=request.user, message=message)
        return self._row(chat)

    @extend_schema(request=None, responses={status.HTTP_200_OK: InboxRowSerializer})
    @action(detail=True, methods=["post"])
    def unread(self, request: Request, pk: str | None = None) -> Response:
        chat = self.get_object()
        inbox_services.chat_mark_unread(chat=chat, user=request.user)
        return self._row(chat)
