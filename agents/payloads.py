"""Agents' objects as ``draft.*`` events, the API and the inbox carry them."""

from __future__ import annotations

from typing import Any

from agents.models import Draft


def draft_payload(draft: Draft) -> dict[str, Any]:
    """The draft as ``draft.*`` events and the API carry it."""
    return {
        "id": draft.pk,
        "chat": draft.chat_id,
        "status": draft.status,
        "trigger": draft.trigger,
        "text": draft.text,
        "final_text": draft.final_text,
        "provider": draft.provider,
        "model": draft.model,
        "is_language_model": is_language_model(draft),
        "failure_reason": draft.failure_reason,
        "reject_reason": draft.reject_reason,
        "instruction": draft.instruction,
        "requested_by": draft.requested_by_id,
        "decided_by": draft.decided_by_id,
        "created_at": draft.created_at.isoformat(),
    }


def is_language_model(draft: Draft) -> bool:
    """False for the offline drafter (and before generation): the UI labels such drafts."""
    return bool(draft.provider) and draft.provider != "local"
