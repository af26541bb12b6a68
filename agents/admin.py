"""Admin of agents' models: org-aware and read-only. Settings, auto-send and drafts change
through the services (which check permissions, audit and emit events), never through forms."""

from __future__ import annotations

from django.contrib import admin

from accounts.admin_base import OrgAwareModelAdmin, ReadOnlyAdminMixin
from agents.models import AISettings, AutoSendChannel, Draft, StageSuggestion, Usage


class AgentsAdmin(ReadOnlyAdminMixin, OrgAwareModelAdmin):
    org_permission = "ai.manage"
    show_full_result_count = False


@admin.register(AISettings)
class AISettingsAdmin(AgentsAdmin):
    list_display = ("provider", "model", "auto_draft", "language", "formality", "updated_at")
    list_filter = ("provider", "auto_draft", "formality")
    exclude = ("api_key",)  # encrypted at rest and never shown again


@admin.register(AutoSendChannel)
class AutoSendChannelAdmin(AgentsAdmin):
    list_display = ("bot", "enabled_by", "enabled_at")
    list_select_related = ("bot", "enabled_by")


@admin.register(Draft)
class DraftAdmin(AgentsAdmin):
    org_permission = "message.view"
    list_display = (
        "id",
        "chat",
        "status",
        "trigger",
        "provider",
        "model",
        "edit_distance",
        "auto_sent",
        "overhead_ms",
        "model_ms",
        "created_at",
    )
    list_filter = ("status", "trigger", "provider", "auto_sent", "prompt_version")
    list_select_related = ("chat",)
    search_fields = ("text", "final_text", "reject_reason", "failure_reason")
    date_hierarchy = "created_at"
    raw_id_fields = ("chat", "reply_to", "parent", "sent_message")
    # Provenance: what the model read and how the draft was made.
    readonly_fields = (
        "provider",
        "model",
        "prompt_version",
        "prompt",
        "context",
        "guardrail_notes",
        "prompt_tokens",
        "completion_tokens",
        "cost_usd",
        "overhead_ms",
        "model_ms",
    )


@admin.register(StageSuggestion)
class StageSuggestionAdmin(AgentsAdmin):
    org_permission = "deal.view"
    list_display = ("deal", "from_stage", "to_stage", "signal", "status", "created_at")
    list_filter = ("status", "signal")
    list_select_related = ("deal", "from_stage", "to_stage")
    raw_id_fields = ("deal", "chat", "message")


@admin.register(Usage)
class UsageAdmin(AgentsAdmin):
    list_display = (
        "kind",
        "provider",
        "model",
        "user",
        "prompt_tokens",
        "completion_tokens",
        "cost_usd",
        "created_at",
    )
    list_filter = ("kind", "provider", "model")
    list_select_related = ("user",)
    date_hierarchy = "created_at"
    raw_id_fields = ("draft",)
