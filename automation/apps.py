from django.apps import AppConfig


class AutomationConfig(AppConfig):
    name = "automation"
    verbose_name = "Automation and events"

    def ready(self) -> None:
        from automation import realtime  # noqa: F401  (registers the realtime subscriber)
        from automation.webhooks import action as webhook_action
        from automation.webhooks import subscriber  # noqa: F401  (creates webhook deliveries)

        webhook_action.register()
        from automation.triggers import runner  # noqa: F401  (registers the trigger subscriber)
