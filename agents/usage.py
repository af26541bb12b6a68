"""Metering of provider calls: one ``Usage`` row per call, for billing, budgets and analytics.

Rows are written by whoever made the call (draft generation, suggestions, embeddings) through
``usage_record``; the monthly budget (``agents.guardrails``) and the usage report
(``agents.selectors.usage_summary``) read them back.
"""

from __future__ import annotations

from decimal import Decimal
from typing import TYPE_CHECKING

from agents.models import Usage
from agents.pricing import cost_estimate

if TYPE_CHECKING:
    from accounts.models import Organization, User
    from agents.llm import TokenUsage
    from agents.models import Draft

LOCAL_PROVIDER = "local"


def usage_record(
    *,
    organization: Organization,
    user: User | None,
    kind: str,
    provider: str,
    model: str,
    usage: TokenUsage,
    draft: Draft | None = None,
) -> Usage:
    """Store one call's tokens and estimated cost (``agents.pricing``; the offline provider
    costs nothing). ``user`` is the member the call was made for (None when automatic)."""
    if kind not in Usage.Kind.values:
        raise ValueError(f"Unknown usage kind {kind!r}")
    cost = Decimal("0") if provider == LOCAL_PROVIDER else cost_estimate(model, usage)
    return Usage.objects.create(
        organization=organization,
        user=user,
        kind=kind,
        draft=draft,
        provider=provider,
        model=model,
        prompt_tokens=usage.prompt_tokens,
        completion_tokens=usage.completion_tokens,
        cost_usd=cost,
    )
