"""Campaigns API. ``config.api_urls`` mounts ``router`` and ``urlpatterns``; each module
registers its own routes."""

from rest_framework.routers import SimpleRouter

from campaigns.api import campaigns, variables

router = SimpleRouter()
campaigns.register(router)
variables.register(router)

urlpatterns: list = [*campaigns.urlpatterns, *variables.urlpatterns]
