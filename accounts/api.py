"""Accounts API: me, organizations, members, invitations, API keys, audit log, auth tokens."""

from __future__ import annotations

from rest_framework.routers import SimpleRouter

router = SimpleRouter()
urlpatterns: list = []
