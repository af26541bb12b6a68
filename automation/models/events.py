"""The transactional outbox: every domain event is a row written with the change it describes."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib.postgres.fields import ArrayField
from django.contrib.postgres.indexes import GinIndex
from django.db import models
from django.utils import timezone

from accounts.models import OrgOwned


class Event(OrgOwned):
    name = models.CharField(max_length=64)
    version = models.PositiveSmallIntegerField(default=1)
    payload = models.JSONField(default=dict)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    dispatched_at = models.DateTimeField(null=True, blank=True)
    # Bookkeeping for the sweeper: an event a task is still retrying is left to that task.
    dispatch_attempts = models.PositiveIntegerField(default=0)
    last_attempt_at = models.DateTimeField(null=True, blank=True)
    # Ids of the triggers whose actions led to this event, oldest first (empty: a person or an
    # outside system caused it). Loop protection reads it (automation.triggers.loops).
    trigger_chain = ArrayField(models.IntegerField(), default=list, blank=True)

    class Meta:
        indexes = [
            models.Index(fields=["organization", "-id"]),
            models.Index(fields=["organization", "name", "-id"]),
            models.Index(
                fields=["created_at"],
                name="event_undispatched_idx",
                condition=models.Q(dispatched_at__isnull=True),
            ),
            # "Events about this record" (timelines) ask payload @> {"contact": {"id": …}}.
            GinIndex(fields=["payload"], opclasses=["jsonb_path_ops"], name="event_payload_gin"),
        ]
        ordering = ["-id"]

    def __str__(self) -> str:
        return f"#{self.pk} {self.name}"

    def as_message(self) -> dict[str, Any]:
        """The wire shape sent to WebSocket clients and webhook receivers."""
        return {
            "id": self.pk,
            "type": self.name,
            "version": self.version,
            "organization": self.organization_id,
            "created_at": self.created_at.isoformat(),
            "data": self.payload,
        }


class SubscriberReceipt(models.Model):
    """Proof that a subscriber handled an event, so a redispatch skips it (idempotency)."""

    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="receipts")
    subscriber = models.CharField(max_length=100)
    handled_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["event", "subscriber"], name="receipt_unique")
        ]

    def __str__(self) -> str:
        return f"{self.subscriber} handled {self.event_id}"
