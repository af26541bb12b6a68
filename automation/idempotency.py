"""``Idempotency-Key`` for the public API: a client that retries a POST (after a timeout, a lost
connection) gets the first answer again instead of creating a second record.

For POST requests under ``/api/v1/`` that carry the header:

- the first request stores an ``IdempotencyRecord`` (unique per sender and key) before the
  view runs, with no status yet; a duplicate arriving while it runs gets 409;
- when the view answers 2xx or 4xx (other than 409 and 429, which say "try again"), the status,
  body and content type are stored; a 5xx or an exception deletes the record so the client
  may retry for real;
- a later request with the same key and the same method, path and body gets the stored answer
  with ``Idempotent-Replayed: true``; the same key with another request gets 422.

The sender ("principal") is a hash of the ``Authorization`` header (API key or JWT) plus the
``X-Organization`` header, or of the session's user: two clients never see each other's answers.
Records older than ``IDEMPOTENCY_KEY_TTL_HOURS`` no longer count and are purged by a beat task
(``automation.tasks.idempotency_keys_purge``).
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from datetime import datetime, timedelta

from django.conf import settings
from django.db import IntegrityError, transaction
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.utils import timezone

from automation.models import IdempotencyRecord

HEADER = "Idempotency-Key"
REPLAYED_HEADER = "Idempotent-Replayed"
MAX_KEY_LENGTH = 255
API_PREFIX = "/api/v1/"
# Answers that mean "not now" rather than "this is the result": the client should retry them.
_NOT_STORED = {409, 429}


def _principal(request: HttpRequest) -> str | None:
    """Who sent the request, hashed; None for an anonymous request (the view refuses it)."""
    organization = request.headers.get("X-Organization", "")
    if authorization := request.headers.get("Authorization", ""):
        source = f"auth:{authorization}\norg:{organization}"
    elif getattr(request, "user", None) is not None and request.user.is_authenticated:
        source = f"session:{request.user.pk}\norg:{organization}"
    else:
        return None
    return hashlib.sha256(source.encode()).hexdigest()


def _request_hash(request: HttpRequest) -> str:
    digest = hashlib.sha256()
    for part in (request.method or "", request.get_full_path()):
        digest.update(part.encode())
        digest.update(b"\n")
    digest.update(request.body)
    return digest.hexdigest()


def _detail(status: int, message: str) -> JsonResponse:
    return JsonResponse({"detail": message}, status=status)


def idempotency_cutoff() -> datetime:
    return timezone.now() - timedelta(hours=settings.IDEMPOTENCY_KEY_TTL_HOURS)


def idempotency_keys_purge() -> int:
    """Delete records past ``IDEMPOTENCY_KEY_TTL_HOURS``; returns how many."""
    deleted, _ = IdempotencyRecord.objects.filter(created_at__lt=idempotency_cutoff()).delete()
    return deleted


class IdempotencyKeyMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        key = request.headers.get(HEADER)
        if key is None or request.method != "POST" or not request.path.startswith(API_PREFIX):
            return self.get_response(request)
        if not key.strip() or len(key) > MAX_KEY_LENGTH:
            return _detail(400, f"{HEADER} must be 1 to {MAX_KEY_LENGTH} characters.")
        principal = _principal(request)
        if principal is None or _too_large(request):
            return self.get_response(request)
        request_hash = _request_hash(request)
        record, answer = self._claim(request, principal, key, request_hash)
        if answer is not None:
            return answer
        try:
            response = self.get_response(request)
        except BaseException:
            record.delete()
            raise
        self._finish(record, response)
        return response

    def _claim(
        self, request: HttpRequest, principal: str, key: str, request_hash: str
    ) -> tuple[IdempotencyRecord, HttpResponse | None]:
        """Take the key for this request, or the answer when it is taken already."""
        IdempotencyRecord.objects.filter(
            principal=principal, key=key, created_at__lt=idempotency_cutoff()
        ).delete()
        try:
            with transaction.atomic():
                record = IdempotencyRecord.objects.create(
                    principal=principal,
                    key=key,
                    method=request.method or "POST",
                    path=request.path[:500],
                    request_hash=request_hash,
                )
            return record, None
        except IntegrityError:
            pass
        existing = IdempotencyRecord.objects.filter(principal=principal, key=key).first()
        if existing is None or existing.status_code is None:
            # Still running (or it failed and was just removed: the client retries anyway).
            message = "A request with this Idempotency-Key is still being processed."
            return IdempotencyRecord(), _detail(409, message)
        if existing.request_hash != request_hash:
            message = "This Idempotency-Key was used with a different request."
            return existing, _detail(422, message)
        replay = HttpResponse(
            bytes(existing.response_body),
            status=existing.status_code,
            content_type=existing.content_type or None,
        )
        replay[REPLAYED_HEADER] = "true"
        return existing, replay

    def _finish(self, record: IdempotencyRecord, response: HttpResponse) -> None:
        status = response.status_code
        storable = (200 <= status < 300 or 400 <= status < 500) and status not in _NOT_STORED
        if not storable or getattr(response, "streaming", False):
            record.delete()
            return
        record.status_code = status
        record.response_body = response.content
        record.content_type = response.get("Content-Type", "")[:100]
        record.save(update_fields=["status_code", "response_body", "content_type"])


def _too_large(request: HttpRequest) -> bool:
    """Bodies Django refuses to hold in memory (file uploads) are not covered: hashing them
    would read the whole upload before the view could stream it."""
    limit = settings.DATA_UPLOAD_MAX_MEMORY_SIZE
    try:
        length = int(request.headers.get("Content-Length") or 0)
    except ValueError:
        return True
    return limit is not None and length > limit
