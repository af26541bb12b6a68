from django.apps import AppConfig


class MessagingConfig(AppConfig):
    name = "messaging"
    verbose_name = "Messaging"

    def ready(self) -> None:
        # Registers the Telegram enrichment provider and the subscriber that runs it, and the
        # link preview task with the subscriber that starts it.
        from messaging import automation_hooks, notifications_hooks
        from messaging.linkpreview import tasks as link_preview_tasks  # noqa: F401
        from messaging.presence import register_realtime_handlers
        from messaging.telegram import (
            enrichment,  # noqa: F401
            tasks_ingest,  # noqa: F401  (Celery ingest tasks)
        )

        # Typing and presence arrive over /ws/ (automation/realtime_handlers.py).
        register_realtime_handlers()
        # The "message" and "chat" trigger subjects, chat actions, "no reply for N days".
        automation_hooks.register()
        # "New message in my chat", "Chat assigned to me" (notifications.registry).
        notifications_hooks.register()
