from django.apps import AppConfig


class CampaignsConfig(AppConfig):
    name = "campaigns"
    verbose_name = "Campaigns"

    def ready(self) -> None:
        # Reply/opt-out detection and delivery tracking subscribe to the event spine; the
        # "campaign" trigger subject and actions plug into automation's registries.
        from campaigns import (
            automation_hooks,
            notifications_hooks,
            subscribers,  # noqa: F401
        )

        automation_hooks.register()
        # "My campaign finished", "My campaign is failing" (notifications.registry).
        notifications_hooks.register()
