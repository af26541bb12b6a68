"""Domain exceptions raised by services; ``config.exceptions`` maps them to HTTP once."""

from __future__ import annotations


class DomainError(Exception):
    """Base of errors a user can act on. ``code`` is stable and documented in the API."""

    code = "error"
    status = 400

    def __init__(
        self, message: str, *, fields: dict[str, list[str]] | None = None, code: str = ""
    ) -> None:
        super().__init__(message)
        self.message = message
        self.fields = fields or {}
        if code:  # a more specific stable code than the class's, e.g. "mfa_required"
            self.code = code


class ValidationError(DomainError):
    code = "invalid"
    status = 400


class PermissionDenied(DomainError):
    code = "permission_denied"
    status = 403

    def __init__(
        self,
        message: str = "You do not have permission to do this.",
        *,
        perm: str = "",
        code: str = "",
    ):
        super().__init__(message, code=code)
        self.perm = perm


class NotFound(DomainError):
    code = "not_found"
    status = 404


class Conflict(DomainError):
    code = "conflict"
    status = 409


class RateLimited(DomainError):
    code = "rate_limited"
    status = 429


class AuthenticationFailed(DomainError):
    """Wrong credentials. One message for every cause, so accounts cannot be enumerated."""

    code = "invalid_credentials"
    status = 401


class EmailUnverified(DomainError):
    code = "email_unverified"
    status = 403
