"""Web pages of AI drafting (namespace "agents"); the API lives in ``agents.api``."""

from django.urls import path

from agents.views import drafts, history, settings, suggestions

app_name = "agents"

urlpatterns = [
    path("inbox/<int:pk>/draft/", drafts.draft_card, name="draft_card"),
    path("inbox/<int:pk>/draft/generate/", drafts.draft_generate, name="draft_generate"),
    path("inbox/<int:pk>/drafts/", history.chat_drafts, name="chat_drafts"),
    path("drafts/<int:pk>/approve/", drafts.draft_approve, name="draft_approve"),
    path("drafts/<int:pk>/reject/", drafts.draft_reject, name="draft_reject"),
    path("drafts/<int:pk>/regenerate/", drafts.draft_regenerate, name="draft_regenerate"),
    path("drafts/<int:pk>/retry/", drafts.draft_retry, name="draft_retry"),
    path("drafts/<int:pk>/why/", history.draft_why, name="draft_why"),
    path("suggestions/<int:pk>/accept/", suggestions.suggestion_accept, name="suggestion_accept"),
    path(
        "suggestions/<int:pk>/dismiss/", suggestions.suggestion_dismiss, name="suggestion_dismiss"
    ),
    path("settings/ai/", settings.ai_settings, name="settings"),
    path("settings/ai/key/remove/", settings.ai_key_remove, name="settings_key_remove"),
    path("settings/ai/auto-send/<int:pk>/", settings.ai_auto_send, name="settings_auto_send"),
]
