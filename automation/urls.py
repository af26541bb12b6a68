"""Web pages of automation (namespace "automation"): triggers, events, outgoing webhooks."""

from django.urls import path

from automation.views import events, triggers, webhooks

app_name = "automation"

urlpatterns: list = [
    # --- triggers (automation/views/triggers.py) ---
    path("settings/automations/", triggers.trigger_list, name="trigger_list"),
    path("settings/automations/new/", triggers.trigger_create, name="trigger_create"),
    path("settings/automations/dry-run/", triggers.trigger_dry_run, name="trigger_dry_run"),
    path("settings/automations/runs/", triggers.run_list, name="run_list"),
    path("settings/automations/runs/<int:pk>/", triggers.run_detail, name="run_detail"),
    path("settings/automations/<int:pk>/", triggers.trigger_edit, name="trigger_edit"),
    path("settings/automations/<int:pk>/toggle/", triggers.trigger_toggle, name="trigger_toggle"),
    path("settings/automations/<int:pk>/delete/", triggers.trigger_delete, name="trigger_delete"),
    path(
        "settings/automations/<int:pk>/dry-run/",
        triggers.trigger_dry_run,
        name="trigger_dry_run",
    ),
    # --- events and webhooks (automation/views/events.py, automation/views/webhooks.py) ---
    path("settings/events/", events.event_list, name="event_list"),
    path("settings/events/catalogue/", events.event_types, name="event_types"),
    path("settings/events/<int:pk>/", events.event_detail, name="event_detail"),
    path("settings/webhooks/", webhooks.webhook_list, name="webhook_list"),
    path("settings/webhooks/new/", webhooks.webhook_create, name="webhook_create"),
    path("settings/webhooks/<int:pk>/", webhooks.webhook_detail, name="webhook_detail"),
    path("settings/webhooks/<int:pk>/edit/", webhooks.webhook_edit, name="webhook_edit"),
    path("settings/webhooks/<int:pk>/delete/", webhooks.webhook_delete, name="webhook_delete"),
    path("settings/webhooks/<int:pk>/secret/", webhooks.webhook_secret, name="webhook_secret"),
    path("settings/webhooks/<int:pk>/rotate/", webhooks.webhook_rotate, name="webhook_rotate"),
    path("settings/webhooks/<int:pk>/test/", webhooks.webhook_test, name="webhook_test"),
    path(
        "settings/webhooks/<int:pk>/replay-failed/",
        webhooks.webhook_replay_failed,
        name="webhook_replay_failed",
    ),
    path(
        "settings/webhooks/deliveries/<int:pk>/",
        webhooks.delivery_detail,
        name="delivery_detail",
    ),
    path(
        "settings/webhooks/deliveries/<int:pk>/replay/",
        webhooks.delivery_replay,
        name="delivery_replay",
    ),
]
