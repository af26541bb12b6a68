"""Django admin for pipelines: read-only views scoped to the staff member's organizations.

Deals carry ranks, versions and stage history that only the services keep consistent, so
nothing is edited here; deleting deals goes through the delete service (events included).
"""

from __future__ import annotations

from django.contrib import admin
from django.http import HttpRequest

from accounts.admin_base import OrgAwareModelAdmin, ReadOnlyAdminMixin
from crm.admin import ServiceDeleteMixin
from pipelines.models import Deal, DealPayment, DealStageChange, Pipeline, Stage
from pipelines.services import deals as deal_services


class PipelinesAdmin(ReadOnlyAdminMixin, OrgAwareModelAdmin):
    org_permission = "deal.view"
    show_full_result_count = False


class StageInline(admin.TabularInline):
    model = Stage
    fields = ("position", "name", "probability", "kind", "rotting_days")
    readonly_fields = fields
    extra = 0
    can_delete = False
    ordering = ("position",)

    def has_add_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False


@admin.register(Pipeline)
class PipelineAdmin(PipelinesAdmin):
    list_display = ("name", "is_default", "position", "created_at")
    list_filter = ("is_default",)
    search_fields = ("name",)
    inlines = [StageInline]


@admin.register(Stage)
class StageAdmin(PipelinesAdmin):
    list_display = ("name", "pipeline", "position", "probability", "kind", "rotting_days")
    list_filter = ("kind",)
    list_select_related = ("pipeline",)
    search_fields = ("name", "pipeline__name")


@admin.register(Deal)
class DealAdmin(ServiceDeleteMixin, PipelinesAdmin):
    list_display = ("title", "value", "currency", "stage", "owner", "expected_close_date")
    list_filter = ("stage__kind", "currency", ("owner", admin.RelatedOnlyFieldListFilter))
    list_select_related = ("stage", "owner")
    search_fields = ("title", "company__name")
    actions = ["delete_rows"]
    delete_service = deal_services.deal_delete
    delete_kwarg = "deal"
    delete_perm = "pipelines.delete_deal"


@admin.register(DealStageChange)
class DealStageChangeAdmin(PipelinesAdmin):
    list_display = ("deal", "from_stage", "to_stage", "actor", "via", "changed_at")
    list_filter = ("via",)
    list_select_related = ("deal", "from_stage", "to_stage", "actor")
    search_fields = ("deal__title",)


@admin.register(DealPayment)
class DealPaymentAdmin(PipelinesAdmin):
    list_display = ("deal", "amount", "currency", "reference", "received_at", "recorded_by")
    list_filter = ("currency",)
    list_select_related = ("deal", "recorded_by")
    search_fields = ("deal__title", "reference")
