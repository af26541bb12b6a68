"""Django admin for the event outbox: read-only, with a way to push stuck events again."""

from __future__ import annotations

import json

from django.contrib import admin
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.html import format_html

from accounts.admin_base import OrgAwareModelAdmin, ReadOnlyAdminMixin
from automation.models import (
    Event,
    IdempotencyRecord,
    SubscriberReceipt,
    Trigger,
    TriggerRun,
    WebhookAttempt,
    WebhookDelivery,
    WebhookEndpoint,
)
from automation.tasks import dispatch_event


class DispatchedFilter(admin.SimpleListFilter):
    title = "dispatched"
    parameter_name = "dispatched"

    def lookups(self, request: HttpRequest, model_admin: admin.ModelAdmin) -> list:
        return [("yes", "Yes"), ("no", "No")]

    def queryset(self, request: HttpRequest, queryset: QuerySet) -> QuerySet:
        if self.value() in ("yes", "no"):
            return queryset.filter(dispatched_at__isnull=self.value() == "no")
        return queryset


@admin.register(Event)
class EventAdmin(ReadOnlyAdminMixin, OrgAwareModelAdmin):
    org_permission = "event.view"
    list_display = ("id", "name", "version", "actor", "created_at", "dispatched_at")
    list_filter = ("name", DispatchedFilter)
    list_select_related = ("actor",)
    search_fields = ("name",)
    date_hierarchy = "created_at"
    fields = (
        "organization",
        "name",
        "version",
        "actor",
        "created_at",
        "dispatched_at",
        "payload_pretty",
    )
    readonly_fields = ("payload_pretty",)
    actions = ["redispatch"]

    @admin.display(description="Payload")
    def payload_pretty(self, obj: Event) -> str:
        return format_html("<pre>{}</pre>", json.dumps(obj.payload, indent=2, sort_keys=True))

    def has_redispatch_permission(self, request: HttpRequest) -> bool:
        return request.user.has_perm("automation.change_event")

    @admin.action(description="Dispatch selected events again", permissions=["redispatch"])
    def redispatch(self, request: HttpRequest, queryset: QuerySet[Event]) -> None:
        """Queue the dispatch task for events that never got dispatched; dispatched ones are
        skipped because subscribers already handled them (receipts make this idempotent)."""
        pending = list(queryset.filter(dispatched_at__isnull=True).values_list("pk", flat=True))
        for event_id in pending:
            dispatch_event.delay(event_id)
        skipped = queryset.count() - len(pending)
        message = f"Queued {len(pending)} event(s) for dispatch."
        if skipped:
            message += f" Skipped {skipped} already dispatched."
        self.message_user(request, message)


@admin.register(SubscriberReceipt)
class SubscriberReceiptAdmin(ReadOnlyAdminMixin, OrgAwareModelAdmin):
    org_permission = "event.view"
    org_lookup = "event__organization"
    list_display = ("event", "subscriber", "handled_at")
    list_filter = ("subscriber",)
    search_fields = ("subscriber", "event__name")
    date_hierarchy = "handled_at"
    fields = ("event", "subscriber", "handled_at")


@admin.register(Trigger)
class TriggerAdmin(OrgAwareModelAdmin):
    org_permission = "automation.manage"
    list_display = ("name", "when", "event_name", "enabled", "builtin", "updated_at")
    list_filter = ("when", "enabled")
    search_fields = ("name", "event_name")


@admin.register(TriggerRun)
class TriggerRunAdmin(ReadOnlyAdminMixin, OrgAwareModelAdmin):
    org_permission = "automation.view"
    list_display = ("id", "trigger", "status", "created_at", "finished_at")
    list_filter = ("status",)
    list_select_related = ("trigger",)
    date_hierarchy = "created_at"


@admin.register(WebhookEndpoint)
class WebhookEndpointAdmin(OrgAwareModelAdmin):
    org_permission = "webhook.manage"
    list_display = ("url", "description", "enabled", "failing_since", "created_at")
    list_filter = ("enabled",)
    search_fields = ("url", "description")
    exclude = ("secret", "previous_secret")


@admin.register(WebhookDelivery)
class WebhookDeliveryAdmin(ReadOnlyAdminMixin, OrgAwareModelAdmin):
    org_permission = "webhook.manage"
    list_display = ("id", "endpoint", "event_type", "status", "attempts", "created_at")
    list_filter = ("status",)
    list_select_related = ("endpoint",)
    date_hierarchy = "created_at"


@admin.register(WebhookAttempt)
class WebhookAttemptAdmin(ReadOnlyAdminMixin, OrgAwareModelAdmin):
    org_permission = "webhook.manage"
    list_display = ("id", "delivery", "status_code", "succeeded", "duration_ms", "attempted_at")
    list_filter = ("succeeded",)
    date_hierarchy = "attempted_at"


@admin.register(IdempotencyRecord)
class IdempotencyRecordAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    """Superusers only (no organization): for looking into a client's retries."""

    list_display = ("key", "method", "path", "status_code", "created_at")
    search_fields = ("key", "path")
    date_hierarchy = "created_at"
    exclude = ("response_body",)
