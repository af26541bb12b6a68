from django.apps import AppConfig


class CrmConfig(AppConfig):
    name = "crm"
    verbose_name = "Contacts and companies"

    def ready(self) -> None:
        from crm import (
            automation_hooks,
            enrichment,  # noqa: F401  (registers the enrichment subscriber)
            notifications_hooks,
        )

        # The "contact" and "company" trigger subjects and the contact actions.
        automation_hooks.register()
        # "Mentioned in a note", "My import finished" (notifications.registry).
        notifications_hooks.register()
