"""Messaging API. ``config.api_urls`` mounts ``router`` and ``urlpatterns``."""

from rest_framework.routers import SimpleRouter

from messaging.api import bots, chats

router = SimpleRouter()
router.register("telegram-bots", bots.TelegramBotViewSet, basename="telegrambot")
router.register("chats", chats.ChatViewSet, basename="chat")
router.register("messages", chats.MessageViewSet, basename="message")
urlpatterns: list = []
