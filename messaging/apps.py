from django.apps import AppConfig


class MessagingConfig(AppConfig):
    name = "messaging"
    verbose_name = "Messaging"

    def ready(self) -> None:
        # Registers the Telegram enrichment provider and the subscriber that runs it.
        from messaging.telegram import (
            enrichment,  # noqa: F401
            tasks_ingest,  # noqa: F401  (Celery ingest tasks)
        )
