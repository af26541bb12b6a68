"""Remembered answers to API POSTs sent with an ``Idempotency-Key`` header
(automation.idempotency): a client that retries after a timeout gets the first answer back
instead of a second record."""

from __future__ import annotations

from django.db import models
from django.utils import timezone


class IdempotencyRecord(models.Model):
    # Who sent it: a hash of the credentials (API key, JWT subject and org, or session user),
    # so two clients may use the same key without seeing each other's answers.
    principal = models.CharField(max_length=64)
    key = models.CharField(max_length=255)
    method = models.CharField(max_length=8)
    path = models.CharField(max_length=500)
    # sha256 of method, path and body: the same key with another request is a 422.
    request_hash = models.CharField(max_length=64)
    # Null while the first request is still being answered (a concurrent retry gets a 409).
    status_code = models.PositiveSmallIntegerField(null=True, blank=True)
    response_body = models.BinaryField(blank=True, default=b"")
    content_type = models.CharField(max_length=100, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["principal", "key"], name="idempotency_unique")
        ]
        indexes = [models.Index(fields=["created_at"])]

    def __str__(self) -> str:
        return f"{self.method} {self.path} [{self.key}]"
