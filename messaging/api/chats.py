"""``/api/v1/chats/`` and ``/api/v1/messages/``: conversations and their messages, read-only
here (sending has its own endpoint with the sending service). ``?chat=<id>`` narrows messages
to one chat; both lists page with keyset cursors, newest first."""

from __future__ import annotations

from django.db.models import QuerySet
from django.urls import reverse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import mixins, serializers

from accounts.api_base import OrgScopedViewSet
from accounts.models import Organization
from crm.api.pagination import KeysetCursorPagination
from messaging import selectors
from messaging.models import Attachment, Chat, Message


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


class ChatViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, OrgScopedViewSet):
    queryset = Chat.objects.none()
    serializer_class = ChatSerializer
    pagination_class = KeysetCursorPagination
    action_permissions = {"list": "message.view", "retrieve": "message.view"}

    def get_org_queryset(self, organization: Organization) -> QuerySet[Chat]:
        return Chat.objects.filter(organization=organization).select_related("contact")


@extend_schema_view(
    list=extend_schema(
        parameters=[OpenApiParameter("chat", OpenApiTypes.INT, description="Only this chat.")]
    )
)
class MessageViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, OrgScopedViewSet):
    queryset = Message.objects.none()
    serializer_class = MessageSerializer
    pagination_class = KeysetCursorPagination
    action_permissions = {"list": "message.view", "retrieve": "message.view"}

    def get_org_queryset(self, organization: Organization) -> QuerySet[Message]:
        messages = selectors.messages_list(organization)
        chat = self.request.query_params.get("chat", "") if self.request else ""
        if chat.isdigit():
            messages = messages.filter(chat_id=int(chat))
        return messages
