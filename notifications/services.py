"""Writes: creating notices (the one way anything is notified), reading them, preferences.

``notify`` is called by the event subscriber for event-driven types and directly for the rest
(security notices, the "Notify a member" automation action). It is idempotent per
(user, key): a redispatched event or a retried action never tells anyone twice.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime, time

from django.db import IntegrityError, transaction
from django.utils import timezone

from accounts.errors import PermissionDenied, ValidationError
from accounts.models import Organization, User
from accounts.permissions import role_has_perm
from notifications import realtime
from notifications.models import Delivery, Notification, OrgDefault, Preference, UserSettings
from notifications.preferences import (
    channels_for,
    next_digest_at,
    quiet_until,
    user_settings,
    user_zone,
)
from notifications.registry import ALL_CHANNELS, EMAIL, IN_APP, Content, notification_type


def notify(
    *,
    user: User,
    type_key: str,
    content: Content,
    source: str,
    organization: Organization | None = None,
    event_id: int | None = None,
    actor: User | None = None,
    now: datetime | None = None,
) -> Notification | None:
    """Tell ``user`` ``content`` through the channels their preferences give ``type_key``.

    ``source`` names what caused it ("event:812", "session:4"): with the type it is the
    idempotency key, so a second call for the same source returns the first notice and sends
    nothing. Returns None when the user turned every channel of the type off. Email and
    Telegram deliveries wait for quiet hours to end or for the digest unless the type is
    urgent; the in-app notice is pushed to the user's sockets when the transaction commits.
    The caller checks that the user may see what the notice is about.
    """
    notification_type_ = notification_type(type_key)
    if notification_type_ is None:
        raise ValueError(f"Unknown notification type {type_key!r}")
    channels = channels_for(user, notification_type_, organization)
    if not channels:
        return None
    now = now or timezone.now()
    key = f"{type_key}:{source}"[:160]
    try:
        with transaction.atomic():
            notification = Notification.objects.create(
                organization=organization,
                user=user,
                type=type_key,
                key=key,
                event_id=event_id,
                actor=actor if actor is not None and actor.pk else None,
                title=content.title[:200],
                body=content.body,
                url=content.url[:500],
                object_type=content.object_type,
                object_id=content.object_id,
                data=content.data,
                in_app=IN_APP in channels,
                created_at=now,
            )
    except IntegrityError:  # told already (a redispatch, a retried action)
        return Notification.objects.get(user=user, key=key)
    deliveries = _deliveries(
        notification, channels - {IN_APP}, now, urgent=notification_type_.urgent
    )
    if notification.in_app:
        transaction.on_commit(lambda: realtime.push_created(notification))
    due_now = [d.pk for d in deliveries if d.status == Delivery.Status.PENDING and d.due_at <= now]
    if due_now:
        from notifications.tasks import delivery_send

        transaction.on_commit(lambda: [delivery_send.delay(pk) for pk in due_now])
    return notification


def _deliveries(
    notification: Notification, channels: Iterable[str], now: datetime, *, urgent: bool
) -> list[Delivery]:
    if not channels:
        return []
    settings = user_settings(notification.user)
    zone = user_zone(notification.user)
    quiet_end = None if urgent else quiet_until(settings, zone, now)
    rows = []
    for channel in sorted(channels):
        if channel == EMAIL and not urgent and settings.digest != UserSettings.Digest.OFF:
            rows.append(
                Delivery(
                    notification=notification,
                    channel=channel,
                    status=Delivery.Status.DIGEST,
                    due_at=next_digest_at(settings, zone, now),
                    created_at=now,
                )
            )
        else:
            rows.append(
                Delivery(
                    notification=notification,
                    channel=channel,
                    due_at=quiet_end or now,
                    created_at=now,
                )
            )
    return Delivery.objects.bulk_create(rows)


# --- reading ------------------------------------------------------------------------------------


def notification_mark_read(*, user: User, notification: Notification) -> Notification:
    """Mark one of ``user``'s notices read (reading it twice keeps the first time)."""
    if notification.user_id != user.pk:
        raise PermissionDenied("This notification is not yours.")
    if notification.read_at is None:
        notification.read_at = timezone.now()
        Notification.objects.filter(pk=notification.pk, read_at__isnull=True).update(
            read_at=notification.read_at
        )
        transaction.on_commit(lambda: realtime.push_read(user.pk, [notification.pk]))
    return notification


def notification_mark_unread(*, user: User, notification: Notification) -> Notification:
    if notification.user_id != user.pk:
        raise PermissionDenied("This notification is not yours.")
    notification.read_at = None
    Notification.objects.filter(pk=notification.pk).update(read_at=None)
    return notification


def notifications_mark_all_read(
    *, user: User, organization: Organization | None, type_key: str = ""
) -> int:
    """Mark every unread notice of ``user`` in ``organization`` (and the account-level ones)
    read, optionally of one type; returns how many."""
    from notifications.selectors import notifications_for

    unread = notifications_for(user, organization).filter(read_at__isnull=True)
    if type_key:
        unread = unread.filter(type=type_key)
    ids = list(unread.values_list("pk", flat=True))
    count = Notification.objects.filter(pk__in=ids).update(read_at=timezone.now())
    if ids:
        transaction.on_commit(lambda: realtime.push_read(user.pk, ids))
    return count


# --- preferences --------------------------------------------------------------------------------


def _check_choices(changes: dict[tuple[str, str], bool], *, field: str) -> None:
    errors = []
    for (type_key, channel), enabled in changes.items():
        notification_type_ = notification_type(type_key)
        if notification_type_ is None:
            errors.append(f"Unknown notification type {type_key!r}.")
        elif (
            notification_type_.mandatory
            and channel in notification_type_.default_channels
            and not enabled
        ):
            errors.append(f"“{notification_type_.label}” is always sent {channel}: it stays on.")
        if channel not in ALL_CHANNELS:
            errors.append(f"Unknown channel {channel!r}: use one of {', '.join(ALL_CHANNELS)}.")
    if errors:
        raise ValidationError("Check the notification choices.", fields={field: errors})


@transaction.atomic
def preferences_update(*, user: User, changes: dict[tuple[str, str], bool]) -> None:
    """Save the user's own choices ({(type, channel): enabled}); they win over defaults."""
    _check_choices(changes, field="preferences")
    for (type_key, channel), enabled in changes.items():
        Preference.objects.update_or_create(
            user=user, type=type_key, channel=channel, defaults={"enabled": bool(enabled)}
        )


@transaction.atomic
def preferences_reset(*, user: User) -> int:
    """Drop the user's own choices: the organization's defaults apply again."""
    deleted, _ = Preference.objects.filter(user=user).delete()
    return deleted


@transaction.atomic
def user_settings_update(
    *,
    user: User,
    quiet_start: time | None,
    quiet_end: time | None,
    digest: str,
) -> UserSettings:
    """Quiet hours (both or neither) and the email digest choice."""
    errors: dict[str, list[str]] = {}
    if (quiet_start is None) != (quiet_end is None):
        errors["quiet_end" if quiet_end is None else "quiet_start"] = [
            "Set both the start and the end of quiet hours, or neither."
        ]
    elif quiet_start is not None and quiet_start == quiet_end:
        errors["quiet_end"] = ["Quiet hours must end at another time than they start."]
    if digest not in UserSettings.Digest.values:
        errors["digest"] = [f"Choose one of: {', '.join(UserSettings.Digest.values)}."]
    if errors:
        raise ValidationError("Check the quiet hours and digest.", fields=errors)
    settings, _ = UserSettings.objects.update_or_create(
        user=user,
        defaults={"quiet_start": quiet_start, "quiet_end": quiet_end, "digest": digest},
    )
    return settings


@transaction.atomic
def org_defaults_update(
    *,
    organization: Organization,
    actor: User,
    role: str,
    changes: dict[tuple[str, str], bool],
) -> None:
    """An owner or admin sets what members get unless they chose themselves."""
    if not role_has_perm(role, "notification.configure"):
        raise PermissionDenied(perm="notification.configure")
    _check_choices(changes, field="defaults")
    from accounts.audit import audit_record

    for (type_key, channel), enabled in changes.items():
        OrgDefault.objects.update_or_create(
            organization=organization,
            type=type_key,
            channel=channel,
            defaults={"enabled": bool(enabled)},
        )
    audit_record(
        action="notification.defaults_updated",
        actor=actor,
        organization=organization,
        target=organization,
    )
