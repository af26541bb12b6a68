"""Automation API: events, triggers, outgoing webhooks. ``config.api_urls`` mounts ``router``
and ``urlpatterns``; each module registers its own routes."""

from rest_framework.routers import SimpleRouter

from automation.api import events, triggers, webhooks

router = SimpleRouter()
for _module in (events, triggers, webhooks):
    _module.register(router)

urlpatterns: list = [*events.urlpatterns, *triggers.urlpatterns, *webhooks.urlpatterns]
