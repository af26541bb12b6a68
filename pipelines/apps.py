from django.apps import AppConfig


class PipelinesConfig(AppConfig):
    name = "pipelines"
    verbose_name = "Pipelines and deals"

    def ready(self) -> None:
        from crm import detail_sections
        from crm.models import Entity
        from pipelines import signals  # noqa: F401  (default pipeline for new organizations)
        from pipelines.views import record_deals

        # The "Deals" card on contact and company pages (crm does not import pipelines).
        detail_sections.register(Entity.CONTACT, record_deals.contact_deals_section)
        detail_sections.register(Entity.COMPANY, record_deals.company_deals_section)
