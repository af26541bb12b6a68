"""Helpers of the draft lifecycle tests (fixtures: ``agents/tests/conftest.py``)."""

from __future__ import annotations

from typing import Any

from agents.models import AISettings, Draft
from agents.services import drafts
from messaging.models import Chat


def ready_draft(chat: Chat, actor: Any, capture: Any, **fields: Any) -> Draft:
    """A draft requested and generated (LocalProvider unless the org chose otherwise)."""
    with capture(execute=True):
        draft = drafts.draft_request(chat=chat, actor=actor, **fields)
    draft.refresh_from_db()
    return draft


def use_openai(organization: Any, **fields: Any) -> AISettings:
    """Put the organization on the OpenAI-compatible provider (the instance key, i.e. the fake
    server of the ``fake_openai`` fixture)."""
    settings, _ = AISettings.objects.update_or_create(
        organization=organization, defaults={"provider": "openai", **fields}
    )
    return settings
