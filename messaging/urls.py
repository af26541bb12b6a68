from django.urls import path
from django.views.generic import RedirectView

from messaging.linkpreview import views as link_preview_views
from messaging.telegram import webhook
from messaging.views import bots as bot_views
from messaging.views import chats as chat_views
from messaging.views import history as history_views
from messaging.views import inbox as inbox_views
from messaging.views import templates as template_views

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
    # Link preview cards of a message, for the inbox (messaging/linkpreview/views.py)
    path(
        "messages/<int:pk>/link-previews/",
        link_preview_views.message_link_previews,
        name="message_link_previews",
    ),
    # Settings → Templates: canned responses (messaging/views/templates.py)
    path("settings/templates/", template_views.template_list, name="template_list"),
    path("settings/templates/<int:pk>/", template_views.template_edit, name="template_edit"),
    path(
        "settings/templates/<int:pk>/delete/",
        template_views.template_delete,
        name="template_delete",
    ),
    # The inbox (messaging/views/inbox.py); the old chat pages lead there.
    path("inbox/", inbox_views.inbox, name="inbox"),
    path("inbox/rows/", inbox_views.inbox_rows, name="inbox_rows"),
    path("inbox/rows/<int:pk>/", inbox_views.inbox_row, name="inbox_row"),
    path("inbox/unread/", inbox_views.inbox_unread, name="inbox_unread"),
    path("inbox/search/", inbox_views.inbox_search, name="inbox_search"),
    path("inbox/<int:pk>/", inbox_views.inbox, name="inbox_chat"),
    path("inbox/<int:pk>/messages/", inbox_views.inbox_messages, name="inbox_messages"),
    path(
        "inbox/<int:pk>/messages/<int:message_pk>/",
        inbox_views.inbox_message,
        name="inbox_message",
    ),
    path("inbox/<int:pk>/send/", inbox_views.inbox_send, name="inbox_send"),
    path("inbox/<int:pk>/templates/", inbox_views.inbox_templates, name="inbox_templates"),
    path("inbox/<int:pk>/context/", inbox_views.inbox_context, name="inbox_context"),
    path("inbox/<int:pk>/header/", inbox_views.inbox_header, name="inbox_header"),
    path("inbox/<int:pk>/contact/", inbox_views.inbox_contact_edit, name="inbox_contact_edit"),
    path("inbox/<int:pk>/notes/", inbox_views.inbox_note_add, name="inbox_note_add"),
    path("inbox/<int:pk>/tags/", inbox_views.inbox_tag_add, name="inbox_tag_add"),
    path(
        "inbox/<int:pk>/<slug:action>/",
        inbox_views.inbox_action,
        name="inbox_action",
    ),
    path(
        "chats/",
        RedirectView.as_view(pattern_name="messaging:inbox", query_string=True),
        name="chat_list",
    ),
    path(
        "chats/<int:pk>/",
        RedirectView.as_view(pattern_name="messaging:inbox_chat"),
        name="chat_detail",
    ),
    path("messages/<int:pk>/retry/", chat_views.message_retry, name="message_retry"),
    path(
        "attachments/<int:pk>/download/",
        chat_views.attachment_download,
        name="attachment_download",
    ),
]
