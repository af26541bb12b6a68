"""ASGI entry point: HTTP goes to Django, ``/ws/`` to the authenticated realtime consumer."""

import os

from django.core.asgi import get_asgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
# Django must be set up before anything below imports models.
django_asgi_app = get_asgi_application()

from channels.routing import ProtocolTypeRouter, URLRouter  # noqa: E402
from channels.sessions import CookieMiddleware, SessionMiddleware  # noqa: E402
from django.urls import path  # noqa: E402

from automation.consumers import RealtimeConsumer  # noqa: E402
from automation.ws_auth import SameSiteOriginValidator, WebSocketAuthMiddleware  # noqa: E402
from config.gc_tuning import freeze_startup_objects  # noqa: E402
from messaging.telegram.webhook_asgi import TelegramWebhookFastPath  # noqa: E402

websocket_urlpatterns = [path("ws/", RealtimeConsumer.as_asgi())]

application = ProtocolTypeRouter(
    {
        # Telegram webhooks: batched before Django (messaging/telegram/webhook_asgi.py).
        "http": TelegramWebhookFastPath(django_asgi_app),
        "websocket": SameSiteOriginValidator(
            CookieMiddleware(
                SessionMiddleware(WebSocketAuthMiddleware(URLRouter(websocket_urlpatterns)))
            )
        ),
    }
)

freeze_startup_objects()
