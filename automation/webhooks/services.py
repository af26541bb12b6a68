"""Use cases for outgoing webhooks: endpoints, secrets, test events and replays.

Every function checks ``webhook.manage`` (endpoint secrets sign what we send, so only owners and
admins set them up), validates, writes inside a transaction, records an audit entry for
security-relevant changes and emits its ``webhook_endpoint.*`` event. Sending itself is
``automation.webhooks.delivery``.
"""

from __future__ import annotations

import secrets
from datetime import datetime, timedelta
from typing import Any

from django.db import transaction
from django.utils import timezone

from accounts.audit import audit_record
from accounts.errors import ValidationError
from accounts.model_update import model_update
from accounts.models import Organization, User
from accounts.services import require_permission
from automation.catalog import CATALOG
from automation.events import emit
from automation.models import WebhookDelivery, WebhookEndpoint
from automation.webhooks import delivery as engine
from automation.webhooks.signing import secret_generate
from automation.webhooks.ssrf import url_clean

PERM = "webhook.manage"
TEST_EVENT = "webhook.test"
MAX_OVERLAP_HOURS = 7 * 24
DESCRIPTION_MAX = 200


def endpoint_payload(endpoint: WebhookEndpoint) -> dict[str, Any]:
    """The endpoint in events and audit entries; never its secret."""
    return {
        "id": endpoint.pk,
        "url": endpoint.url,
        "description": endpoint.description,
        "event_types": list(endpoint.event_types),
        "enabled": endpoint.enabled,
        "disabled_reason": endpoint.disabled_reason,
        "disabled_at": endpoint.disabled_at.isoformat() if endpoint.disabled_at else None,
        "failing_since": endpoint.failing_since.isoformat() if endpoint.failing_since else None,
    }


def _clean(data: dict[str, Any], *, partial: bool) -> dict[str, Any]:
    """Validate the editable fields present in ``data``; field errors all at once."""
    cleaned: dict[str, Any] = {}
    errors: dict[str, list[str]] = {}
    if "url" in data or not partial:
        try:
            cleaned["url"] = url_clean(str(data.get("url") or ""))
        except ValidationError as exc:
            errors.update(exc.fields)
    if "description" in data:
        description = str(data.get("description") or "").strip()
        if len(description) > DESCRIPTION_MAX:
            errors["description"] = [f"At most {DESCRIPTION_MAX} characters."]
        cleaned["description"] = description
    if "event_types" in data or not partial:
        raw = data.get("event_types")
        if isinstance(raw, str):
            raw = [raw]
        if not isinstance(raw, list | tuple) or not raw:
            errors["event_types"] = ["Choose the events to send, or * for all of them."]
        else:
            names = sorted({str(name).strip() for name in raw if str(name).strip()})
            unknown = [n for n in names if n != "*" and n not in CATALOG]
            if unknown:
                errors["event_types"] = [f"Unknown events: {', '.join(unknown)}."]
            elif not names:
                errors["event_types"] = ["Choose the events to send, or * for all of them."]
            cleaned["event_types"] = ["*"] if "*" in names else names
    if "enabled" in data:
        if not isinstance(data["enabled"], bool):
            errors["enabled"] = ["Must be true or false."]
        cleaned["enabled"] = data["enabled"]
    if errors:
        raise ValidationError("Check the highlighted fields.", fields=errors)
    return cleaned


@transaction.atomic
def endpoint_create(
    *, organization: Organization, actor: User, data: dict[str, Any]
) -> WebhookEndpoint:
    """A new endpoint with a fresh ``whsec_`` secret; emits ``webhook_endpoint.created``.

    ``data``: url, description, event_types (catalogue names or ["*"]), enabled (default on).
    """
    require_permission(organization, actor, PERM)
    cleaned = _clean(data, partial=False)
    now = timezone.now()
    endpoint = WebhookEndpoint.objects.create(
        organization=organization,
        url=cleaned["url"],
        description=cleaned.get("description", ""),
        event_types=cleaned["event_types"],
        enabled=cleaned.get("enabled", True),
        secret=secret_generate(),
        created_by=actor,
        created_at=now,
        updated_at=now,
    )
    audit_record(
        action="webhook_endpoint.created",
        actor=actor,
        organization=organization,
        target=endpoint,
        metadata={"url": endpoint.url},
    )
    emit(organization, "webhook_endpoint.created", {"endpoint": endpoint_payload(endpoint)}, actor)
    return endpoint


@transaction.atomic
def endpoint_update(
    *, endpoint: WebhookEndpoint, actor: User, data: dict[str, Any]
) -> WebhookEndpoint:
    """Change url, description, event_types or enabled (partial). Enabling a disabled endpoint
    clears why it was disabled and its failing streak. Emits ``webhook_endpoint.updated``."""
    require_permission(endpoint.organization, actor, PERM)
    cleaned = _clean(data, partial=True)
    was_enabled = endpoint.enabled
    endpoint.updated_at = timezone.now()
    endpoint, changed = model_update(
        instance=endpoint, fields=["url", "description", "event_types", "enabled"], data=cleaned
    )
    if endpoint.enabled and not was_enabled:
        endpoint.disabled_reason = ""
        endpoint.disabled_at = None
        endpoint.failing_since = None
        endpoint.save(update_fields=["disabled_reason", "disabled_at", "failing_since"])
    if changed:
        audit_record(
            action="webhook_endpoint.updated",
            actor=actor,
            organization=endpoint.organization,
            target=endpoint,
            metadata={"changed": changed},
        )
        emit(
            endpoint.organization,
            "webhook_endpoint.updated",
            {"endpoint": endpoint_payload(endpoint), "changed": changed},
            actor,
        )
    return endpoint


@transaction.atomic
def endpoint_delete(*, endpoint: WebhookEndpoint, actor: User) -> None:
    """Remove the endpoint with its deliveries; emits ``webhook_endpoint.deleted``."""
    organization = endpoint.organization
    require_permission(organization, actor, PERM)
    payload = endpoint_payload(endpoint)
    audit_record(
        action="webhook_endpoint.deleted",
        actor=actor,
        organization=organization,
        target=endpoint,
        metadata={"url": endpoint.url},
    )
    endpoint.delete()
    emit(organization, "webhook_endpoint.deleted", {"endpoint": payload}, actor)


@transaction.atomic
def endpoint_rotate_secret(
    *, endpoint: WebhookEndpoint, actor: User, overlap_hours: int = 24
) -> WebhookEndpoint:
    """A new secret; the old one keeps signing too (a second signature in the header) for
    ``overlap_hours`` (0: stops at once), so receivers can switch without losing events."""
    require_permission(endpoint.organization, actor, PERM)
    if (
        isinstance(overlap_hours, bool)
        or not isinstance(overlap_hours, int)
        or not 0 <= overlap_hours <= MAX_OVERLAP_HOURS
    ):
        message = f"Between 0 and {MAX_OVERLAP_HOURS} hours."
        raise ValidationError(message, fields={"overlap_hours": [message]})
    now = timezone.now()
    endpoint = WebhookEndpoint.objects.select_for_update().get(pk=endpoint.pk)
    if overlap_hours:
        endpoint.previous_secret = endpoint.secret
        endpoint.previous_secret_expires_at = now + timedelta(hours=overlap_hours)
    else:
        endpoint.previous_secret = ""
        endpoint.previous_secret_expires_at = None
    endpoint.secret = secret_generate()
    endpoint.updated_at = now
    endpoint.save(
        update_fields=["secret", "previous_secret", "previous_secret_expires_at", "updated_at"]
    )
    audit_record(
        action="webhook_endpoint.secret_rotated",
        actor=actor,
        organization=endpoint.organization,
        target=endpoint,
        metadata={"overlap_hours": overlap_hours},
    )
    emit(
        endpoint.organization,
        "webhook_endpoint.updated",
        {"endpoint": endpoint_payload(endpoint), "changed": ["secret"]},
        actor,
    )
    return endpoint


def endpoint_secret_reveal(*, endpoint: WebhookEndpoint, actor: User) -> str:
    """The current secret, for a manager to copy into their receiver (audited)."""
    require_permission(endpoint.organization, actor, PERM)
    audit_record(
        action="webhook_endpoint.secret_viewed",
        actor=actor,
        organization=endpoint.organization,
        target=endpoint,
    )
    return endpoint.secret


def _single_delivery(
    endpoint: WebhookEndpoint, *, event_type: str, message_id: str, data: dict[str, Any]
) -> WebhookDelivery | None:
    """A delivery that is no catalogue event (a test, a trigger's call), sent at once; None
    when that message id was already created for the endpoint."""
    now = timezone.now()
    body = engine.body_json(
        {
            "id": message_id,
            "type": event_type,
            "version": 1,
            "organization": endpoint.organization_id,
            "created_at": now.isoformat(),
            "data": data,
        }
    )
    ids = engine.deliveries_create(
        [
            engine.NewDelivery(
                organization_id=endpoint.organization_id,
                endpoint_id=endpoint.pk,
                message_id=message_id,
                event_type=event_type,
                body=body,
            )
        ],
        now=now,
    )
    return WebhookDelivery.objects.get(pk=ids[0]) if ids else None


@transaction.atomic
def endpoint_send_test(*, endpoint: WebhookEndpoint, actor: User) -> WebhookDelivery:
    """Send a ``webhook.test`` message now (also to a disabled endpoint: checking it works is
    how one re-enables it with confidence). Its message id is ``msg_test_<random>``."""
    require_permission(endpoint.organization, actor, PERM)
    delivery = _single_delivery(
        endpoint,
        event_type=TEST_EVENT,
        message_id=f"msg_test_{secrets.token_hex(8)}",
        data={
            "endpoint": endpoint.pk,
            "message": "A test event from BiDi: your endpoint receives and verifies webhooks.",
            "sent_by": actor.email,
        },
    )
    assert delivery is not None  # a fresh random id never conflicts
    return delivery


def delivery_call(
    *, endpoint: WebhookEndpoint, message_id: str, event_type: str, data: dict[str, Any]
) -> WebhookDelivery | None:
    """Deliver ``data`` as ``event_type`` to the endpoint now, once per ``message_id`` (the
    "Call a webhook" trigger action; the trigger's author was checked when it was saved)."""
    return _single_delivery(endpoint, event_type=event_type, message_id=message_id, data=data)


@transaction.atomic
def delivery_replay(*, delivery: WebhookDelivery, actor: User) -> WebhookDelivery:
    """Send the delivery again now with the same ``webhook-id`` and body (receivers that
    deduplicate by id will skip it); a failed delivery that fails again stays failed."""
    require_permission(delivery.organization, actor, PERM)
    now = timezone.now()
    delivery = WebhookDelivery.objects.select_for_update().get(pk=delivery.pk)
    if delivery.locked_until is not None and delivery.locked_until > now:
        message = "This delivery is being sent right now."
        raise ValidationError(message, fields={"delivery": [message]})
    delivery.status = WebhookDelivery.Status.PENDING
    delivery.next_attempt_at = now + engine.REQUEUE_AFTER
    delivery.save(update_fields=["status", "next_attempt_at"])
    engine.deliveries_enqueue([(delivery.pk, delivery.attempts)])
    audit_record(
        action="webhook_delivery.replayed",
        actor=actor,
        organization=delivery.organization,
        target=delivery,
    )
    return delivery


@transaction.atomic
def deliveries_replay_failed(*, endpoint: WebhookEndpoint, actor: User, since: datetime) -> int:
    """Replay every failed delivery of the endpoint created since ``since`` (after an outage);
    returns how many."""
    require_permission(endpoint.organization, actor, PERM)
    if since is None or timezone.is_naive(since):
        message = "Give a date and time with its time zone."
        raise ValidationError(message, fields={"since": [message]})
    now = timezone.now()
    failed = list(
        WebhookDelivery.objects.select_for_update(skip_locked=True)
        .filter(endpoint=endpoint, status=WebhookDelivery.Status.FAILED, created_at__gte=since)
        .values_list("pk", "attempts")
    )
    WebhookDelivery.objects.filter(pk__in=[pk for pk, _ in failed]).update(
        status=WebhookDelivery.Status.PENDING, next_attempt_at=now + engine.REQUEUE_AFTER
    )
    engine.deliveries_enqueue(failed)
    audit_record(
        action="webhook_delivery.replayed",
        actor=actor,
        organization=endpoint.organization,
        target=endpoint,
        metadata={"since": since.isoformat(), "count": len(failed)},
    )
    return len(failed)


@transaction.atomic
def endpoint_disable_failing(*, endpoint: WebhookEndpoint, now: datetime | None = None) -> None:
    """Disable an endpoint that kept failing (no actor: the sender decides), emit
    ``webhook_endpoint.disabled``; the notifications app tells the owners and admins."""
    now = now or timezone.now()
    since = endpoint.failing_since or now
    reason = f"Every delivery failed since {since:%Y-%m-%d %H:%M} UTC."
    updated = WebhookEndpoint.objects.filter(pk=endpoint.pk, enabled=True).update(
        enabled=False, disabled_reason=reason, disabled_at=now, updated_at=now
    )
    if not updated:
        return  # another worker disabled it first
    endpoint.refresh_from_db()
    emit(
        endpoint.organization,
        "webhook_endpoint.disabled",
        {"endpoint": endpoint_payload(endpoint), "reason": reason},
    )
