"""One place that turns errors into the API's stable JSON shape:

``{"error": {"code": "...", "message": "...", "fields": {"field": ["..."]}}}``
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.http import Http404
from rest_framework import exceptions, status
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler

from accounts.errors import DomainError, PermissionDenied


def error_body(code: str, message: str, fields: dict[str, Any] | None = None, **extra: Any) -> dict:
    return {"error": {"code": code, "message": message, "fields": fields or {}, **extra}}


def api_exception_handler(exc: Exception, context: dict[str, Any]) -> Response | None:
    if isinstance(exc, DomainError):
        extra = {"permission": exc.perm} if isinstance(exc, PermissionDenied) and exc.perm else {}
        retry_after = getattr(exc, "retry_after", None)
        headers = {}
        if retry_after is not None:
            # Whole seconds, rounded up, as the Retry-After header takes (RFC 9110 §10.2.3).
            extra["retry_after"] = max(0, -(-int(retry_after * 1000) // 1000))
            headers["Retry-After"] = str(extra["retry_after"])
        return Response(
            error_body(exc.code, exc.message, exc.fields, **extra),
            status=exc.status,
            headers=headers,
        )
    if isinstance(exc, Http404):
        exc = exceptions.NotFound()
    elif isinstance(exc, DjangoPermissionDenied):
        exc = exceptions.PermissionDenied()
    response = drf_exception_handler(exc, context)
    if response is None:
        return None
    if isinstance(exc, exceptions.ValidationError):
        fields = _flatten(exc.detail)
        message = "Invalid input."
        if isinstance(fields, list):
            fields = {"non_field_errors": fields}
        non_field = fields.get("non_field_errors") if isinstance(fields, dict) else None
        if non_field:
            message = str(non_field[0])
        response.data = error_body("invalid", message, fields)
        response.status_code = status.HTTP_400_BAD_REQUEST
        return response
    detail = exc.detail if isinstance(exc, exceptions.APIException) else str(exc)
    code = getattr(detail, "code", None) or getattr(exc, "default_code", "error")
    if isinstance(exc, exceptions.NotAuthenticated | exceptions.AuthenticationFailed):
        code = "not_authenticated" if isinstance(exc, exceptions.NotAuthenticated) else code
    message = str(detail) if not isinstance(detail, dict | list) else str(exc.default_detail)
    if isinstance(detail, dict) and "detail" in detail:
        message = str(detail["detail"])
        code = getattr(detail["detail"], "code", code)
    response.data = error_body(str(code), message)
    return response


def _flatten(detail: Any) -> Any:
    if isinstance(detail, dict):
        return {key: _flatten(value) for key, value in detail.items()}
    if isinstance(detail, list):
        return [_flatten(item) for item in detail]
    return str(detail)
