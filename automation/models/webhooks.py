"""Outgoing webhooks: endpoints an organization registers, one delivery per (endpoint, event),
and every attempt at it. Deliveries follow Standard Webhooks (automation.webhooks)."""

from __future__ import annotations

from django.conf import settings
from django.contrib.postgres.fields import ArrayField
from django.db import models
from django.utils import timezone

from accounts.crypto import EncryptedTextField
from accounts.models import OrgOwned
from automation.models.events import Event


class WebhookEndpoint(OrgOwned):
    url = models.URLField(max_length=2000)
    description = models.CharField(max_length=200, blank=True)
    # Event names from the catalogue; ["*"] subscribes to every event.
    event_types = ArrayField(models.CharField(max_length=64), default=list)
    # "whsec_<base64>" (Standard Webhooks). During a rotation the previous secret signs too,
    # until previous_secret_expires_at.
    secret = EncryptedTextField()
    previous_secret = EncryptedTextField(blank=True)
    previous_secret_expires_at = models.DateTimeField(null=True, blank=True)
    enabled = models.BooleanField(default=True)
    disabled_reason = models.CharField(max_length=300, blank=True)
    disabled_at = models.DateTimeField(null=True, blank=True)
    # First failed attempt since the last success; an endpoint failing for
    # WEBHOOK_DISABLE_AFTER_DAYS is disabled and the admins are told.
    failing_since = models.DateTimeField(null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(
                fields=["organization"],
                name="webhook_endpoint_enabled_idx",
                condition=models.Q(enabled=True),
            )
        ]

    def __str__(self) -> str:
        return self.description or self.url


class WebhookDelivery(OrgOwned):
    class Status(models.TextChoices):
        PENDING = "pending", "Pending"
        SUCCEEDED = "succeeded", "Delivered"
        FAILED = "failed", "Failed (no retries left)"

    endpoint = models.ForeignKey(
        WebhookEndpoint, on_delete=models.CASCADE, related_name="deliveries"
    )
    # Null for a "send test event" delivery.
    event = models.ForeignKey(
        Event, null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    # The webhook-id header: "msg_<event id>" (test events: "msg_test_<random>"). Unique per
    # endpoint, so an event is delivered to an endpoint by one delivery only.
    message_id = models.CharField(max_length=64)
    event_type = models.CharField(max_length=64)
    # The exact JSON body, fixed at creation so every attempt (and a replay) sends the same bytes.
    body = models.TextField()
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.PENDING)
    attempts = models.PositiveIntegerField(default=0)
    next_attempt_at = models.DateTimeField(null=True, blank=True)
    # A worker sending it holds it until then; after a crash another worker may take it.
    locked_until = models.DateTimeField(null=True, blank=True)
    last_attempt_at = models.DateTimeField(null=True, blank=True)
    last_status_code = models.PositiveSmallIntegerField(null=True, blank=True)
    last_error = models.CharField(max_length=500, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    delivered_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["endpoint", "message_id"], name="webhook_delivery_unique"
            )
        ]
        indexes = [
            models.Index(fields=["organization", "-id"]),
            models.Index(fields=["endpoint", "-id"]),
            models.Index(
                fields=["next_attempt_at"],
                name="webhook_delivery_due_idx",
                condition=models.Q(status="pending"),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.event_type} → {self.endpoint_id} ({self.status})"


class WebhookAttempt(OrgOwned):
    delivery = models.ForeignKey(
        WebhookDelivery, on_delete=models.CASCADE, related_name="attempts_log"
    )
    attempted_at = models.DateTimeField(default=timezone.now)
    status_code = models.PositiveSmallIntegerField(null=True, blank=True)
    succeeded = models.BooleanField(default=False)
    duration_ms = models.PositiveIntegerField(default=0)
    response_snippet = models.CharField(max_length=1000, blank=True)
    error = models.CharField(max_length=500, blank=True)

    class Meta:
        ordering = ["-id"]
        indexes = [models.Index(fields=["delivery", "-id"])]

    def __str__(self) -> str:
        return f"attempt {self.pk} of {self.delivery_id}: {self.status_code or self.error}"
