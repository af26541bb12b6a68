"""Web pages of automation (namespace "automation"): triggers, events, outgoing webhooks."""

from django.urls import path  # noqa: F401  (the sections below add their paths)

app_name = "automation"

urlpatterns: list = [
    # --- triggers (automation/views/triggers.py) ---
    # --- events and webhooks (automation/views/events.py, automation/views/webhooks.py) ---
]
