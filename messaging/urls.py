from django.urls import path

from messaging.telegram import webhook
from messaging.views import bots as bot_views
from messaging.views import chats as chat_views
from messaging.views import history as history_views

app_name = "messaging"

urlpatterns: list = [
    # Telegram delivers updates here (messaging/telegram/webhook.py); keyed by a slug so the
    # tenant walk (which signs in) leaves this public, secret-checked endpoint alone.
    path("telegram/webhook/<slug:bot_id>/", webhook.telegram_webhook, name="telegram_webhook"),
    # Settings → Telegram bots (messaging/views/bots.py)
    path("settings/telegram/", bot_views.bot_list, name="bot_list"),
    path("settings/telegram/<int:pk>/disconnect/", bot_views.bot_disconnect, name="bot_disconnect"),
    # Settings → Telegram history import (messaging/views/history.py)
    path("settings/telegram-history/", history_views.history_upload, name="history_upload"),
    path(
        "settings/telegram-history/<int:pk>/", history_views.history_detail, name="history_detail"
    ),
    path(
        "settings/telegram-history/<int:pk>/progress/",
        history_views.history_progress,
        name="history_progress",
    ),
    # Chats (messaging/views/chats.py)
    path("chats/", chat_views.chat_list, name="chat_list"),
    path("chats/<int:pk>/", chat_views.chat_detail, name="chat_detail"),
    path("chats/<int:pk>/send/", chat_views.chat_send, name="chat_send"),
    path(
        "attachments/<int:pk>/download/",
        chat_views.attachment_download,
        name="attachment_download",
    ),
]
