"""``/api/v1/notifications/…``: the notification center and preferences for API clients.
``config.api_urls`` mounts ``router`` and ``urlpatterns``; each module registers its routes."""

from rest_framework.routers import SimpleRouter

from notifications.api import notifications, preferences

router = SimpleRouter()
notifications.register(router)

urlpatterns: list = [*notifications.urlpatterns, *preferences.urlpatterns]
