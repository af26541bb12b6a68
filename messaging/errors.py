"""Domain errors of messaging; config/exceptions.py maps every DomainError to HTTP."""

from __future__ import annotations

from accounts.errors import DomainError, ValidationError


class BotTokenInvalid(ValidationError):
    """Telegram refused the token (wrong, revoked) or it is not shaped like one."""

    def __init__(self, message: str) -> None:
        super().__init__(message, fields={"token": [message]}, code="bot_token_invalid")


class ChannelUnavailable(DomainError):
    """Telegram could not be reached, or answered with an error we cannot act on."""

    code = "channel_unavailable"
    status = 502
