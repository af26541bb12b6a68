"""Which channels a notice goes through, and when: preferences, quiet hours, digests.

Resolution per (type, channel): the user's own ``Preference`` wins, else the organization's
``OrgDefault`` (for notices of that organization), else the type's ``default_channels``.
Quiet hours and digest times are computed in the user's time zone (``User.time_zone``);
every function takes ``now`` so tests drive the clock.
"""

from __future__ import annotations

from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from accounts.models import Organization, User
from notifications.models import Preference, UserSettings
from notifications.registry import ALL_CHANNELS, NotificationType

DAILY_DIGEST_AT = time(9, 0)


def user_settings(user: User) -> UserSettings:
    """The user's settings row, or unsaved defaults (no quiet hours, no digest)."""
    found = UserSettings.objects.filter(user=user).first()
    return found if found is not None else UserSettings(user=user)


def user_zone(user: User) -> ZoneInfo:
    try:
        return ZoneInfo(user.time_zone or "UTC")
    except (ZoneInfoNotFoundError, ValueError):
        return ZoneInfo("UTC")


def channel_choices(
    user: User, organization: Organization | None, types: list[NotificationType]
) -> dict[tuple[str, str], bool]:
    """{(type key, channel): enabled} for ``types``, resolved in two queries at most.

    A mandatory type (security) always reaches its user through its default channels: neither
    the organization's defaults nor the user's own choices turn those off.
    """
    from notifications.selectors import org_default_choices

    own = {
        (p.type, p.channel): p.enabled
        for p in Preference.objects.filter(user=user, type__in=[t.key for t in types])
    }
    resolved = (
        org_default_choices(organization, types)
        if organization is not None
        else {(t.key, c): c in t.default_channels for t in types for c in ALL_CHANNELS}
    )
    by_key = {t.key: t for t in types}
    for pair, enabled in own.items():
        notification_type = by_key[pair[0]]
        if notification_type.mandatory and pair[1] in notification_type.default_channels:
            continue
        resolved[pair] = enabled
    return resolved


def channels_for(
    user: User, notification_type: NotificationType, organization: Organization | None
) -> set[str]:
    """The channels this user gets ``notification_type`` through."""
    choices = channel_choices(user, organization, [notification_type])
    return {channel for (_key, channel), enabled in choices.items() if enabled}


def _local(now: datetime, zone: ZoneInfo) -> datetime:
    return now.astimezone(zone)


def quiet_until(settings: UserSettings, zone: ZoneInfo, now: datetime) -> datetime | None:
    """When the user's quiet hours end, if ``now`` is inside them; else None.

    A window may wrap past midnight (22:00-07:00). Equal start and end means no quiet hours.
    """
    start, end = settings.quiet_start, settings.quiet_end
    if start is None or end is None or start == end:
        return None
    local = _local(now, zone)
    clock = local.time().replace(tzinfo=None)
    if start < end:
        inside = start <= clock < end
        end_day = local.date()
    else:  # wraps midnight
        inside = clock >= start or clock < end
        end_day = local.date() + timedelta(days=1) if clock >= start else local.date()
    if not inside:
        return None
    return datetime.combine(end_day, end, tzinfo=zone)


def next_digest_at(settings: UserSettings, zone: ZoneInfo, now: datetime) -> datetime:
    """When the digest holding a notice created ``now`` goes out.

    Hourly: at the top of the next hour, or when quiet hours end if that hour is quiet.
    Daily: at the end of the quiet hours when the user has them, else at 09:00 local time.
    """
    local = _local(now, zone)
    if settings.digest == UserSettings.Digest.HOURLY:
        due = (local + timedelta(hours=1)).replace(minute=0, second=0, microsecond=0)
        return quiet_until(settings, zone, due) or due
    at = settings.quiet_end if settings.quiet_start is not None and settings.quiet_end else None
    at = at or DAILY_DIGEST_AT
    due = datetime.combine(local.date(), at, tzinfo=zone)
    if due <= local:
        due = datetime.combine(local.date() + timedelta(days=1), at, tzinfo=zone)
    return due
