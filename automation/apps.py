from django.apps import AppConfig


class AutomationConfig(AppConfig):
    name = "automation"
    verbose_name = "Automation and events"

    def ready(self) -> None:
        from automation import realtime  # noqa: F401  (registers the realtime subscriber)
