"""Errors of the pipelines domain; ``config.exceptions`` maps ``DomainError`` subclasses to HTTP."""

from __future__ import annotations

from accounts.errors import Conflict


class DealConflict(Conflict):
    """Someone saved the deal after the caller loaded it: reload and apply the change again."""

    code = "deal_conflict"

    def __init__(self, *, current_version: int) -> None:
        super().__init__(
            "This deal was changed by someone else since you opened it. "
            "Reload it to see their changes, then make yours again.",
            fields={"version": [f"The deal is at version {current_version}."]},
        )
        self.current_version = current_version
