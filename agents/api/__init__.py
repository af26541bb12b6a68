"""Agents API. ``config.api_urls`` mounts ``router`` and ``urlpatterns``."""

from django.urls import path
from rest_framework.routers import SimpleRouter

from agents.api import drafts, settings, suggestions

router = SimpleRouter()
router.register("ai/auto-send", settings.AutoSendViewSet, basename="ai-auto-send")
router.register(
    "stage-suggestions", suggestions.StageSuggestionViewSet, basename="stage-suggestion"
)
# Drafts of a chat on chats/{id}/drafts/ (the chat resource itself is messaging's).
router.register("chats", drafts.ChatDraftsViewSet, basename="chat-drafts")
router.register("drafts", drafts.DraftViewSet, basename="draft")
router.register("ai/metrics", drafts.AIMetricsViewSet, basename="ai-metrics")

urlpatterns: list = [
    path(
        "ai/settings/",
        settings.AISettingsViewSet.as_view({"get": "retrieve", "patch": "partial_update"}),
        name="ai-settings",
    ),
    path("ai/usage/", settings.UsageViewSet.as_view({"get": "list"}), name="ai-usage"),
]
