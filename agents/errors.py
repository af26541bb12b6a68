"""Domain errors of AI drafting; ``config.exceptions`` maps them to HTTP like every DomainError."""

from __future__ import annotations

from accounts.errors import DomainError, RateLimited


class AIRateLimited(RateLimited):
    """Too many drafts per minute for the member or the organization (429 + Retry-After)."""

    code = "ai_rate_limited"

    def __init__(self, message: str, *, retry_after: int) -> None:
        super().__init__(message)
        self.retry_after = retry_after


class AIBudgetExhausted(AIRateLimited):
    """The organization's monthly token budget is spent; ``retry_after`` runs to next month."""

    code = "ai_budget_exhausted"


class DraftNotActionable(DomainError):
    """Approve/reject/regenerate on a draft that is not ``ready`` (already sent, failed…)."""

    code = "draft_not_actionable"
    status = 409
