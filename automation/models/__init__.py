"""Automation models: the event outbox, triggers and their runs, outgoing webhooks, and the
records that make API POSTs idempotent."""

from automation.models.events import Event, SubscriberReceipt
from automation.models.idempotency import IdempotencyRecord
from automation.models.triggers import Trigger, TriggerRun
from automation.models.webhooks import WebhookAttempt, WebhookDelivery, WebhookEndpoint

__all__ = [
    "Event",
    "IdempotencyRecord",
    "SubscriberReceipt",
    "Trigger",
    "TriggerRun",
    "WebhookAttempt",
    "WebhookDelivery",
    "WebhookEndpoint",
]
