from django.apps import AppConfig


class AgentsConfig(AppConfig):
    name = "agents"
    verbose_name = "AI drafts and agents"

    def ready(self) -> None:
        # Subscribers, Telegram buttons and inbox sections register here as they land.
        from agents import registrations

        registrations.register_all()
