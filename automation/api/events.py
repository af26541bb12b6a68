"""API for events (filled in by issue 8)."""

from __future__ import annotations

from rest_framework.routers import SimpleRouter

urlpatterns: list = []


def register(router: SimpleRouter) -> None:
    """Add this module's viewsets to the automation router."""
