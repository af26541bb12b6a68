"""Sending deliveries: one at a time for email and Telegram, grouped for email digests.

A delivery is sent by a Celery task once it is due (right away, when quiet hours end, or at the
digest time); a periodic task picks up what is due and anything whose task was lost. Each send
holds the delivery's row lock, re-checks that the user may still see what it is about (they
may have left the organization or lost the role since), and records the outcome: sent,
skipped (nowhere to send it, or no longer allowed), retried later with backoff on a transient
error (honouring a ``retry_after``), or failed after ``MAX_ATTEMPTS``.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import datetime, timedelta

from django.db import transaction
from django.utils import timezone

from accounts.models import Membership, User
from accounts.permissions import role_has_perm
from automation.catalog import CATALOG
from notifications.errors import DeliveryError, Unreachable
from notifications.models import Delivery, Notification
from notifications.registry import EMAIL, TELEGRAM, notification_type

logger = logging.getLogger(__name__)

MAX_ATTEMPTS = 6
# Seconds to wait after the 1st, 2nd, … failed attempt.
BACKOFF_SECONDS = (30, 120, 600, 1800, 3600)

Sender = Callable[[Delivery], str]


def _senders() -> dict[str, Sender]:
    from notifications.channels import email, telegram

    return {EMAIL: email.send, TELEGRAM: telegram.send}


def not_allowed_reason(notification: Notification) -> str:
    """Why the user may no longer be told this (empty when they may)."""
    user = notification.user
    if not user.is_active:
        return "The user is deactivated."
    if notification.organization_id is None:
        return ""
    membership = (
        Membership.objects.filter(organization_id=notification.organization_id, user=user)
        .select_related("organization")
        .first()
    )
    if membership is None:
        return "The user is no longer a member of the organization."
    notification_type_ = notification_type(notification.type)
    perms = [notification_type_.perm] if notification_type_ is not None else []
    if notification.event is not None:
        event_type = CATALOG.get(notification.event.name)
        if event_type is not None:
            perms.append(event_type.visible_to)
    if any(not role_has_perm(membership.role, perm) for perm in perms):
        return f"The user's role ({membership.get_role_display()}) may no longer see this."
    if (
        notification_type_ is not None
        and notification_type_.still_visible is not None
        and not notification_type_.still_visible(membership, notification)
    ):
        return "The user may no longer see what this is about."
    return ""


def _retry_at(delivery: Delivery, now: datetime, retry_after: float | None) -> datetime:
    wait = BACKOFF_SECONDS[min(delivery.attempts - 1, len(BACKOFF_SECONDS) - 1)]
    return now + timedelta(seconds=max(wait, retry_after or 0))


def delivery_send(delivery_id: int, *, now: datetime | None = None) -> Delivery | None:
    """Send one pending delivery if it is due; returns it as recorded, or None when another
    worker holds it, it was handled already, or it is not due yet."""
    with transaction.atomic():
        delivery = (
            Delivery.objects.select_for_update(skip_locked=True, of=("self",))
            .select_related(
                "notification__user", "notification__organization", "notification__event"
            )
            .filter(pk=delivery_id, status=Delivery.Status.PENDING)
            .first()
        )
        now = now or timezone.now()
        if delivery is None or delivery.due_at > now:
            return None
        reason = not_allowed_reason(delivery.notification)
        if reason:
            delivery.status = Delivery.Status.SKIPPED
            delivery.detail = reason[:200]
            delivery.save(update_fields=["status", "detail"])
            return delivery
        delivery.attempts += 1
        try:
            detail = _senders()[delivery.channel](delivery)
        except Unreachable as error:
            delivery.status = Delivery.Status.SKIPPED
            delivery.detail = str(error)[:200]
        except DeliveryError as error:
            delivery.last_error = str(error)[:2000]
            if delivery.attempts >= MAX_ATTEMPTS:
                delivery.status = Delivery.Status.FAILED
            else:
                delivery.due_at = _retry_at(delivery, now, error.retry_after)
            logger.info(
                "Delivery %s failed (attempt %s): %s", delivery.pk, delivery.attempts, error
            )
        else:
            delivery.status = Delivery.Status.SENT
            delivery.sent_at = now
            delivery.detail = detail[:200]
            delivery.last_error = ""
        delivery.save(
            update_fields=["status", "detail", "attempts", "last_error", "due_at", "sent_at"]
        )
        return delivery


def digests_send_due(*, now: datetime | None = None) -> int:
    """Send every user whose digest is due one email with their waiting notices; returns how
    many digests went out."""
    now = now or timezone.now()
    user_ids = (
        Delivery.objects.filter(status=Delivery.Status.DIGEST, due_at__lte=now)
        .values_list("notification__user_id", flat=True)
        .distinct()
    )
    sent = 0
    for user_id in list(user_ids):
        sent += _digest_send(user_id, now)
    return sent


def _digest_send(user_id: int, now: datetime) -> int:
    from notifications.channels import email

    with transaction.atomic():
        waiting = list(
            Delivery.objects.select_for_update(skip_locked=True, of=("self",))
            .filter(status=Delivery.Status.DIGEST, due_at__lte=now, notification__user_id=user_id)
            .select_related(
                "notification__user", "notification__organization", "notification__event"
            )
            .order_by("notification__created_at", "pk")
        )
        if not waiting:
            return 0
        allowed = []
        for delivery in waiting:
            reason = not_allowed_reason(delivery.notification)
            if reason:
                delivery.status, delivery.detail = Delivery.Status.SKIPPED, reason[:200]
                delivery.save(update_fields=["status", "detail"])
            else:
                allowed.append(delivery)
        if not allowed:
            return 0
        user: User = allowed[0].notification.user
        for delivery in allowed:
            delivery.attempts += 1
        try:
            detail = email.digest_send(user, allowed)
        except (DeliveryError, Unreachable) as error:
            final = isinstance(error, Unreachable) or allowed[0].attempts >= MAX_ATTEMPTS
            for delivery in allowed:
                delivery.last_error = str(error)[:2000]
                if final:
                    delivery.status = (
                        Delivery.Status.SKIPPED
                        if isinstance(error, Unreachable)
                        else Delivery.Status.FAILED
                    )
                else:
                    retry_after = getattr(error, "retry_after", None)
                    delivery.due_at = _retry_at(delivery, now, retry_after)
                delivery.save(update_fields=["status", "last_error", "due_at", "attempts"])
            return 0
        for delivery in allowed:
            delivery.status, delivery.sent_at, delivery.detail = (
                Delivery.Status.SENT,
                now,
                detail[:200],
            )
            delivery.save(update_fields=["status", "sent_at", "detail", "attempts"])
        return 1
