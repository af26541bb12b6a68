"""Domain exceptions raised by services; ``config.exceptions`` maps them to HTTP once."""

from __future__ import annotations


class DomainError(Exception):
    """Base of errors a user can act on. ``code`` is stable and documented in the API."""

    code = "error"
    status = 400

    def __init__(self, message: str, *, fields: dict[str, list[str]] | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.fields = fields or {}


class ValidationError(DomainError):
    code = "invalid"
    status = 400


class PermissionDenied(DomainError):
    code = "permission_denied"
    status = 403

    def __init__(self, message: str = "You do not have permission to do this.", *, perm: str = ""):
        super().__init__(message)
        self.perm = perm


class NotFound(DomainError):
    code = "not_found"
    status = 404


class Conflict(DomainError):
    code = "conflict"
    status = 409
