"""Everything agents plugs into other apps' registries (events, Telegram buttons, inbox,
notification types).

One function, called from ``AgentsConfig.ready()``, so the list of hooks is in one place.
"""

from __future__ import annotations


def register_all() -> None:
    """Register agents' subscribers, callback buttons and inbox sections (idempotent)."""
    _register_auto_draft()
    _register_automation()
    _register_inbox_ui()
    _register_notifications()
    _register_stage_suggestions()
    _register_telegram_buttons()


def _register_automation() -> None:
    """The "Generate an AI reply draft" trigger action (``agents.automation_hooks``)."""
    from agents import automation_hooks

    automation_hooks.register()


def _register_inbox_ui() -> None:
    """The draft card above the composer, its "Draft a reply" tool and the stage-suggestion
    section of the context panel (agents/views/)."""
    from agents.views import drafts, suggestions
    from messaging import inbox_panels

    inbox_panels.register_composer_section("ai_draft", drafts.draft_card_section)
    inbox_panels.register_composer_tool("ai_draft", drafts.draft_tool)
    inbox_panels.register_context_panel("ai_suggestion", suggestions.suggestion_panel)


def _register_auto_draft() -> None:
    """Draft a reply when a prospect writes (``agents.auto_drafts``)."""
    from agents.auto_drafts import SUBSCRIBER_NAME, auto_draft_on_inbound
    from automation.events import subscriber

    subscriber(SUBSCRIBER_NAME, events=["message.received"])(auto_draft_on_inbound)


def _register_stage_suggestions() -> None:
    """Suggest a deal's next stage from a prospect's message; retire suggestions of deals that
    moved otherwise (``agents.services.suggestions``)."""
    from agents.services import suggestions
    from automation.events import subscriber

    subscriber(suggestions.SUGGEST_SUBSCRIBER, events=["message.received"])(
        suggestions.suggest_on_inbound
    )
    subscriber(suggestions.STALE_SUBSCRIBER, events=["deal.stage_changed"])(
        suggestions.stale_on_deal_move
    )


def _register_notifications() -> None:
    """The notice that a draft awaits its reviewer (``agents.notifications_hooks``): in the
    app and, with Approve & send / Reject buttons, in Telegram."""
    from agents import notifications_hooks

    notifications_hooks.register()


def _register_telegram_buttons() -> None:
    """The "Approve & send" / "Reject" buttons under a ready draft's Telegram notice
    (``agents.telegram_buttons``)."""
    from agents import telegram_buttons as buttons
    from messaging.telegram.callbacks import callback_action

    callback_action(buttons.APPROVE, perm="ai.draft")(buttons.approve_from_telegram)
    callback_action(buttons.REJECT, perm="ai.draft")(buttons.reject_from_telegram)
