from django.apps import AppConfig


class CrmConfig(AppConfig):
    name = "crm"
    verbose_name = "Contacts and companies"

    def ready(self) -> None:
        from crm import (
            automation_hooks,
            enrichment,  # noqa: F401  (registers the enrichment subscriber)
        )

        # The "contact" and "company" trigger subjects and the contact actions.
        automation_hooks.register()
