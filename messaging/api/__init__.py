"""Messaging API. ``config.api_urls`` mounts ``router`` and ``urlpatterns``."""

from rest_framework.routers import SimpleRouter

from messaging.api import bots, chats, inbox, templates

router = SimpleRouter()
router.register("telegram-bots", bots.TelegramBotViewSet, basename="telegrambot")
router.register("chats", chats.ChatViewSet, basename="chat")
router.register("messages", chats.MessageViewSet, basename="message")
router.register("inbox", inbox.InboxViewSet, basename="inbox")
router.register(
    "response-templates", templates.ResponseTemplateViewSet, basename="response-template"
)
# Inbox actions on chats/{id}/… (assign, done, reopen, snooze, read, unread).
router.register("chats", inbox.ChatInboxViewSet, basename="chat-inbox")
urlpatterns: list = []
