from django.apps import AppConfig


class PipelinesConfig(AppConfig):
    name = "pipelines"
    verbose_name = "Pipelines and deals"

    def ready(self) -> None:
        from pipelines import signals  # noqa: F401  (default pipeline for new organizations)
