"""Why a delivery did not go out; ``notifications.delivery`` decides what happens next."""

from __future__ import annotations


class DeliveryError(Exception):
    """Sending failed in a way worth trying again (the SMTP server is away, Telegram 5xx)."""

    def __init__(self, message: str, *, retry_after: float | None = None) -> None:
        super().__init__(message)
        self.retry_after = retry_after


class Unreachable(Exception):
    """There is nowhere to send it (no Telegram link, no email address): the delivery is
    skipped with this message, never retried."""
