from django.apps import AppConfig


class PipelinesConfig(AppConfig):
    name = "pipelines"
    verbose_name = "Pipelines and deals"

    def ready(self) -> None:
        from crm import detail_sections
        from crm.models import Entity
        from messaging import inbox_panels
        from messaging.selectors_inbox import (
            StageFilter,
            register_inbox_row_hook,
            register_inbox_stage_filter,
        )
        from pipelines import (
            automation_hooks,
            inbox_panel,
            notifications_hooks,
            signals,  # noqa: F401  (default pipeline for new organizations)
        )
        from pipelines.views import record_deals

        # The "Deals" card on contact and company pages (crm does not import pipelines).
        detail_sections.register(Entity.CONTACT, record_deals.contact_deals_section)
        detail_sections.register(Entity.COMPANY, record_deals.company_deals_section)
        # The inbox: the "Deals" context panel and each row's stage chip (messaging does not
        # import pipelines).
        inbox_panels.register_context_panel("deals", inbox_panel.chat_deals_panel)
        register_inbox_row_hook("deal", inbox_panel.deal_stage_chips)
        # The "deal" trigger subject, deal actions, "deal in a stage longer than N days".
        automation_hooks.register()
        # "A deal I own is assigned / moved / won / lost" (notifications.registry).
        notifications_hooks.register()
        register_inbox_stage_filter(
            StageFilter(
                choices=inbox_panel.stage_filter_choices,
                contacts=inbox_panel.contacts_in_stage,
            )
        )
