"""Accounts API, one module per resource. ``config.api_urls`` mounts ``router`` and
``urlpatterns`` under ``/api/v1/``."""

from rest_framework.routers import SimpleRouter

router = SimpleRouter()
urlpatterns: list = []
