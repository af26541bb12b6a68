"""Django admin for messaging: read-only views scoped to the staff member's organizations.

Messages and updates change only through ingest and sending; bots connect and disconnect in
Settings (the token is validated with Telegram there). Updates can be re-queued from here:
the action resets failed updates to pending and enqueues them.
"""

from __future__ import annotations

from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import HttpRequest

from accounts.admin_base import OrgAwareModelAdmin, ReadOnlyAdminMixin
from messaging.models import (
    Attachment,
    Chat,
    ChatMember,
    ChatReadState,
    HistoryImport,
    LinkPreview,
    Message,
    ResponseTemplate,
    TelegramBot,
    TelegramUpdate,
)
from messaging.telegram.tasks_ingest import update_enqueue


class MessagingAdmin(ReadOnlyAdminMixin, OrgAwareModelAdmin):
    org_permission = "message.view"
    show_full_result_count = False


@admin.register(TelegramBot)
class TelegramBotAdmin(MessagingAdmin):
    org_permission = "bot.manage"
    list_display = ("name", "username", "mode", "is_active", "connected_at", "last_error")
    list_filter = ("mode", "is_active")
    exclude = ("token", "webhook_secret")


@admin.register(TelegramUpdate)
class TelegramUpdateAdmin(MessagingAdmin):
    org_permission = "bot.manage"
    list_display = ("update_id", "bot", "status", "attempts", "received_at", "processed_at")
    list_filter = ("status",)
    list_select_related = ("bot",)
    actions = ["process_again"]

    @admin.action(description="Process selected updates again")
    def process_again(self, request: HttpRequest, queryset: QuerySet) -> None:
        ids = list(queryset.exclude(status="processed").values_list("pk", flat=True))
        TelegramUpdate.objects.filter(pk__in=ids).update(status="pending", attempts=0)
        for pk in ids:
            update_enqueue(pk)
        self.message_user(request, f"{len(ids)} update(s) queued.", messages.SUCCESS)


@admin.register(Chat)
class ChatAdmin(MessagingAdmin):
    list_display = (
        "__str__",
        "kind",
        "bot",
        "contact",
        "status",
        "assigned_to",
        "is_blocked",
        "last_message_at",
    )
    list_filter = ("kind", "status", "is_blocked")
    list_select_related = ("bot", "contact")
    search_fields = ("title", "username")


@admin.register(ChatMember)
class ChatMemberAdmin(MessagingAdmin):
    list_display = ("chat", "contact", "joined_at", "left_at")
    list_select_related = ("chat", "contact")


@admin.register(ChatReadState)
class ChatReadStateAdmin(MessagingAdmin):
    list_display = ("chat", "user", "last_read_message_id", "last_read_at", "manual_unread")
    list_select_related = ("chat", "user")


class AttachmentInline(admin.TabularInline):
    model = Attachment
    fields = ("kind", "file", "file_name", "size", "status", "error")
    readonly_fields = fields
    extra = 0
    can_delete = False

    def has_add_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False


@admin.register(Message)
class MessageAdmin(MessagingAdmin):
    list_display = ("__str__", "chat", "direction", "kind", "status", "source", "sent_at")
    list_filter = ("direction", "kind", "status", "source")
    list_select_related = ("chat",)
    inlines = [AttachmentInline]


@admin.register(Attachment)
class AttachmentAdmin(MessagingAdmin):
    list_display = ("__str__", "kind", "size", "status")
    list_filter = ("kind", "status")


@admin.register(HistoryImport)
class HistoryImportAdmin(MessagingAdmin):
    org_permission = "history.import"
    list_display = ("__str__", "status", "processed", "total", "created_at")
    list_filter = ("status",)


@admin.register(LinkPreview)
class LinkPreviewAdmin(MessagingAdmin):
    list_display = ("url", "title", "status", "fetched_at")
    list_filter = ("status",)
    search_fields = ("url", "title")


@admin.register(ResponseTemplate)
class ResponseTemplateAdmin(MessagingAdmin):
    # Read-only here like the rest of messaging: members edit them in Settings → Templates.
    list_display = ("name", "shortcut", "created_by", "updated_at")
    search_fields = ("name", "shortcut")
