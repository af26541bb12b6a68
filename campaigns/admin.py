"""Django admin for campaigns: read-only views for operators, scoped to their organizations.

Campaign state (enrolment, the sequence position, sends) is kept consistent by the services and
the engine, so nothing is edited here; operators pause, resume or cancel through the actions,
which call the same services as the web UI and the API.
"""

from __future__ import annotations

from collections.abc import Callable

from django.contrib import admin
from django.db.models import QuerySet
from django.http import HttpRequest

from accounts.admin_base import OrgAwareModelAdmin, ReadOnlyAdminMixin, run_service_action
from campaigns.models import Campaign, CampaignSend, CampaignStep, Recipient, StepVariant
from campaigns.services import lifecycle


class CampaignsAdmin(ReadOnlyAdminMixin, OrgAwareModelAdmin):
    org_permission = "campaign.view"
    show_full_result_count = False


class StepInline(admin.TabularInline):
    model = CampaignStep
    fields = ("position", "delay_minutes", "only_if_no_reply")
    readonly_fields = fields
    extra = 0
    can_delete = False
    ordering = ("position",)

    def has_add_permission(self, request, obj=None) -> bool:
        return False


@admin.register(Campaign)
class CampaignAdmin(CampaignsAdmin):
    list_display = ("name", "status", "bot", "launched_at", "finished_at", "created_at")
    list_filter = ("status", "channel", "time_zone_mode", "dynamic_enrolment", "stop_on_reply")
    list_select_related = ("bot",)
    search_fields = ("name", "description")
    date_hierarchy = "created_at"
    inlines = [StepInline]
    actions = ["pause", "resume", "cancel"]

    def has_lifecycle_permission(self, request: HttpRequest) -> bool:
        return request.user.has_perm("campaigns.change_campaign")

    def _run(
        self,
        request: HttpRequest,
        queryset: QuerySet[Campaign],
        service: Callable[..., object],
        done: str,
    ) -> None:
        # The services check the operator's own role in each campaign's organization.
        run_service_action(
            self,
            request,
            queryset.select_related("organization"),
            service,
            object_kwarg="campaign",
            done=done,
        )

    @admin.action(description="Pause selected campaigns", permissions=["lifecycle"])
    def pause(self, request: HttpRequest, queryset: QuerySet[Campaign]) -> None:
        self._run(request, queryset, lifecycle.campaign_pause, "Paused")

    @admin.action(description="Resume selected campaigns", permissions=["lifecycle"])
    def resume(self, request: HttpRequest, queryset: QuerySet[Campaign]) -> None:
        self._run(request, queryset, lifecycle.campaign_resume, "Resumed")

    @admin.action(description="Cancel selected campaigns", permissions=["lifecycle"])
    def cancel(self, request: HttpRequest, queryset: QuerySet[Campaign]) -> None:
        self._run(request, queryset, lifecycle.campaign_cancel, "Cancelled")


@admin.register(CampaignStep)
class CampaignStepAdmin(CampaignsAdmin):
    list_display = ("campaign", "position", "delay_minutes", "only_if_no_reply")
    list_filter = ("only_if_no_reply",)
    list_select_related = ("campaign",)
    search_fields = ("campaign__name",)


@admin.register(StepVariant)
class StepVariantAdmin(CampaignsAdmin):
    list_display = ("step", "label", "weight")
    list_filter = ("label",)
    list_select_related = ("step",)
    search_fields = ("body",)


@admin.register(Recipient)
class RecipientAdmin(CampaignsAdmin):
    list_display = ("campaign", "contact", "status", "reason", "next_position", "next_send_at")
    list_filter = ("status", "reason")
    list_select_related = ("campaign", "contact")
    search_fields = ("contact__full_name", "campaign__name")
    raw_id_fields = ("contact", "chat")


@admin.register(CampaignSend)
class CampaignSendAdmin(CampaignsAdmin):
    list_display = ("campaign", "recipient", "step", "variant", "status", "created_at", "sent_at")
    list_filter = ("status", "variant__label")
    list_select_related = ("campaign", "step", "variant")
    date_hierarchy = "created_at"
    raw_id_fields = ("recipient", "message")
