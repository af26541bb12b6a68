"""Django admin for notifications: operators look at what was told to whom and how it went.

Notices and deliveries change only through the engine; the one action sends failed or waiting
deliveries again (it resets them to pending, due now, and the periodic task sends them).
"""

from __future__ import annotations

from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils import timezone

from accounts.admin_base import OrgAwareModelAdmin, ReadOnlyAdminMixin
from notifications.models import (
    Delivery,
    Notification,
    OrgDefault,
    Preference,
    TelegramLinkCode,
    UserSettings,
)


class DeliveryInline(admin.TabularInline):
    model = Delivery
    fields = ("channel", "status", "due_at", "attempts", "sent_at", "detail", "last_error")
    readonly_fields = fields
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None) -> bool:
        return False


@admin.register(Notification)
class NotificationAdmin(ReadOnlyAdminMixin, OrgAwareModelAdmin):
    org_permission = "organization.manage"
    list_display = ("title", "type", "user", "created_at", "read_at", "in_app")
    list_filter = ("type", "in_app", ("read_at", admin.EmptyFieldListFilter))
    search_fields = ("title", "user__email", "key")
    raw_id_fields = ("user", "actor", "event")
    inlines = [DeliveryInline]
    show_full_result_count = False


@admin.register(Delivery)
class DeliveryAdmin(ReadOnlyAdminMixin, OrgAwareModelAdmin):
    org_permission = "organization.manage"
    org_lookup = "notification__organization"
    list_display = ("notification", "channel", "status", "attempts", "due_at", "sent_at")
    list_filter = ("channel", "status")
    search_fields = ("notification__title", "notification__user__email", "detail")
    raw_id_fields = ("notification",)
    actions = ["send_again"]
    show_full_result_count = False

    @admin.action(description="Send again (failed or waiting deliveries)")
    def send_again(self, request: HttpRequest, queryset: QuerySet[Delivery]) -> None:
        count = queryset.filter(
            status__in=[Delivery.Status.FAILED, Delivery.Status.PENDING]
        ).update(status=Delivery.Status.PENDING, due_at=timezone.now(), attempts=0)
        self.message_user(request, f"{count} deliveries will be sent again.", messages.SUCCESS)


@admin.register(OrgDefault)
class OrgDefaultAdmin(ReadOnlyAdminMixin, OrgAwareModelAdmin):
    org_permission = "organization.manage"
    list_display = ("type", "channel", "enabled")
    list_filter = ("channel", "enabled")


@admin.register(TelegramLinkCode)
class TelegramLinkCodeAdmin(ReadOnlyAdminMixin, OrgAwareModelAdmin):
    org_permission = "organization.manage"
    list_display = ("user", "created_at", "expires_at", "used_at")
    raw_id_fields = ("user",)
    exclude = ("code_hash",)


@admin.register(Preference)
class PreferenceAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ("user", "type", "channel", "enabled")
    list_filter = ("channel", "enabled")
    search_fields = ("user__email", "type")
    raw_id_fields = ("user",)


@admin.register(UserSettings)
class UserSettingsAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ("user", "quiet_start", "quiet_end", "digest")
    list_filter = ("digest",)
    search_fields = ("user__email",)
    raw_id_fields = ("user",)
