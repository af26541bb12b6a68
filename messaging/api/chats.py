"""``/api/v1/chats/`` and ``/api/v1/messages/``: conversations and their messages.
``?chat=<id>`` narrows messages to one chat; both lists page with keyset cursors, newest first.

Writing goes through the one sending service (``messaging.services.sending``), as the web
composer does: ``POST /chats/{id}/messages/`` queues a message (JSON, or multipart with one
``file``) and ``POST /messages/{id}/retry/`` queues a failed one again. Both answer with the
message as queued; delivery and its outcome follow as ``message.sent`` / ``message.failed``."""

from __future__ import annotations

from django.db.models import QuerySet
from django.urls import reverse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import mixins, serializers, status
from rest_framework.decorators import action
from rest_framework.parsers import FormParser, JSONParser, MultiPartParser
from rest_framework.request import Request
from rest_framework.response import Response

from accounts.api_base import OrgPrimaryKeyRelatedField, OrgScopedViewSet
from accounts.errors import ValidationError
from accounts.models import Organization
from crm.api.pagination import KeysetCursorPagination
from messaging import selectors, selectors_inbox
from messaging.models import Attachment, Chat, Message
from messaging.services import sending

# The service names its file error "attachments"; this endpoint's input field is "file".
SEND_FIELD_NAMES = {"attachments": "file"}


class ChatSerializer(serializers.ModelSerializer):
    title = serializers.CharField(source="__str__", read_only=True)

    class Meta:
        model = Chat
        fields = [
            "id",
            "bot",
            "channel",
            "kind",
            "title",
            "username",
            "telegram_chat_id",
            "contact",
            "is_blocked",
            "blocked_at",
            "last_message_at",
            "created_at",
        ]
        read_only_fields = fields


class AttachmentSerializer(serializers.ModelSerializer):
    download_url = serializers.SerializerMethodField()

    class Meta:
        model = Attachment
        fields = [
            "id",
            "kind",
            "file_name",
            "mime_type",
            "size",
            "width",
            "height",
            "duration",
            "status",
            "error",
            "download_url",
        ]
        read_only_fields = fields

    def get_download_url(self, attachment: Attachment) -> str | None:
        if attachment.status != Attachment.Status.STORED:
            return None
        return reverse("messaging:attachment_download", kwargs={"pk": attachment.pk})


class MessageSerializer(serializers.ModelSerializer):
    attachments = AttachmentSerializer(many=True, read_only=True)

    class Meta:
        model = Message
        fields = [
            "id",
            "chat",
            "direction",
            "kind",
            "text",
            "entities",
            "telegram_message_id",
            "reply_to",
            "sender_contact",
            "sender_user",
            "sent_by_bot",
            "status",
            "failure_reason",
            "source",
            "service_action",
            "sent_at",
            "edited_at",
            "deleted_at",
            "attachments",
        ]
        read_only_fields = fields


class MessagePageSerializer(serializers.Serializer):
    """A slice of a transcript, oldest first (``GET chats/{id}/messages/``)."""

    results = MessageSerializer(many=True, source="messages")
    has_older = serializers.BooleanField(help_text="Older messages exist: ask ?before=<first id>.")
    has_newer = serializers.BooleanField(help_text="Newer messages exist (only with ?around=).")


class MessageSendSerializer(serializers.Serializer):
    """Shape only; ``message_send`` decides (length limits, file size, reply in the chat,
    blocked chat) and its field errors come back as this endpoint's 400."""

    text = serializers.CharField(
        allow_blank=True,
        default="",
        help_text="Up to 4096 characters, or 1024 as the caption of a file.",
    )
    reply_to = OrgPrimaryKeyRelatedField(
        queryset=Message.objects.all(),
        required=False,
        allow_null=True,
        help_text="A message of the same chat to reply to.",
    )
    file = serializers.FileField(
        required=False,
        allow_empty_file=False,
        help_text="One attachment (multipart only), up to 50 MB.",
    )


def _send_error(exc: ValidationError) -> ValidationError:
    """The service's error with field names as this endpoint's input calls them."""
    if not exc.fields:
        return exc
    fields = {SEND_FIELD_NAMES.get(name, name): errors for name, errors in exc.fields.items()}
    return ValidationError(exc.message, fields=fields, code=exc.code)


class ChatViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, OrgScopedViewSet):
    queryset = Chat.objects.none()
    serializer_class = ChatSerializer
    pagination_class = KeysetCursorPagination
    action_permissions = {
        "list": "message.view",
        "retrieve": "message.view",
        "send": "message.send",
        "messages_page": "message.view",
    }

    def get_org_queryset(self, organization: Organization) -> QuerySet[Chat]:
        return Chat.objects.filter(organization=organization).select_related("contact", "bot")

    @extend_schema(
        request={
            "application/json": MessageSendSerializer,
            "multipart/form-data": MessageSendSerializer,
        },
        responses={status.HTTP_201_CREATED: MessageSerializer},
        description=(
            "Queue a message to the chat (status `queued`). 400 `invalid` with field errors "
            "for an empty or too long text, a file over 50 MB or a reply into another chat; "
            "400 `chat_blocked` when the person blocked the bot; 400 `channel_unavailable` "
            "when the chat's bot is disconnected."
        ),
    )
    @action(
        detail=True,
        methods=["post"],
        url_path="messages",
        parser_classes=[JSONParser, MultiPartParser, FormParser],
    )
    def send(self, request: Request, pk: str | None = None) -> Response:
        chat = self.get_object()
        data = MessageSendSerializer(data=request.data, context=self.get_serializer_context())
        data.is_valid(raise_exception=True)
        upload = data.validated_data.get("file")
        try:
            message = sending.message_send(
                chat=chat,
                actor=request.user,
                text=data.validated_data["text"],
                attachments=[upload] if upload else [],
                reply_to=data.validated_data.get("reply_to"),
                source=Message.Source.MANUAL,
            )
        except ValidationError as exc:
            raise _send_error(exc) from exc
        return Response(MessageSerializer(message).data, status=status.HTTP_201_CREATED)

    @extend_schema(
        parameters=[
            OpenApiParameter("before", OpenApiTypes.INT, description="Messages before this one."),
            OpenApiParameter(
                "around", OpenApiTypes.INT, description="This message and 25 either side."
            ),
        ],
        responses={status.HTTP_200_OK: MessagePageSerializer},
        description="50 messages of the chat, oldest first: the newest, or those before "
        "`before` (scrolling up), or those around `around` (jumping to a search hit).",
    )
    @send.mapping.get
    def messages_page(self, request: Request, pk: str | None = None) -> Response:
        chat = self.get_object()
        params = {name: request.query_params.get(name, "").strip() for name in ("before", "around")}
        for name, value in params.items():
            if value and not value.isdigit():
                raise ValidationError("Give a message id.", fields={name: ["A message id."]})
        if params["around"]:
            page = selectors_inbox.messages_around(chat, int(params["around"]))
        else:
            before = int(params["before"]) if params["before"] else None
            page = selectors_inbox.chat_messages_page(chat, before_id=before)
        return Response(MessagePageSerializer(page).data)


@extend_schema_view(
    list=extend_schema(
        parameters=[OpenApiParameter("chat", OpenApiTypes.INT, description="Only this chat.")]
    )
)
class MessageViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, OrgScopedViewSet):
    queryset = Message.objects.none()
    serializer_class = MessageSerializer
    pagination_class = KeysetCursorPagination
    action_permissions = {
        "list": "message.view",
        "retrieve": "message.view",
        "retry": "message.send",
    }

    def get_org_queryset(self, organization: Organization) -> QuerySet[Message]:
        messages = selectors.messages_list(organization)
        chat = self.request.query_params.get("chat", "") if self.request else ""
        if chat.isdigit():
            messages = messages.filter(chat_id=int(chat))
        return messages

    @extend_schema(
        request=None,
        responses={status.HTTP_200_OK: MessageSerializer},
        description=(
            "Queue a failed outbound message again (status `queued`, a fresh attempt budget). "
            "400 `not_retryable` for any other message; 400 `chat_blocked` / "
            "`channel_unavailable` when the chat cannot be written to."
        ),
    )
    @action(detail=True, methods=["post"])
    def retry(self, request: Request, pk: str | None = None) -> Response:
        message = sending.message_retry(message=self.get_object(), actor=request.user)
        return Response(MessageSerializer(message).data)
