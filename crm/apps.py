from django.apps import AppConfig


class CrmConfig(AppConfig):
    name = "crm"
    verbose_name = "Contacts and companies"

    def ready(self) -> None:
        from crm import enrichment  # noqa: F401  (registers the enrichment subscriber)
