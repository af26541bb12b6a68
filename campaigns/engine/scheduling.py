"""When a campaign may send: windows, start/end, step delays, the daily cap's day and the A/B
variant choice. Pure functions of their arguments (``now`` is always passed in), so the rules
are tested with a controlled clock and the runner only wires them to the database.
"""

from __future__ import annotations

import datetime
import hashlib
from collections.abc import Sequence
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from campaigns.models import Campaign, StepVariant

# How far ahead the next window opening is looked for (a week covers every weekday set).
_SEARCH_DAYS = 8


def zone(name: str) -> ZoneInfo | None:
    """The IANA zone ``name``, or None when it is blank or unknown (a typo in an import)."""
    if not name:
        return None
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        return None


def recipient_zone(campaign: Campaign, contact_zone: str, org_zone: str) -> ZoneInfo:
    """The zone a recipient's window is read in: the contact's (when the campaign says so and
    it is known), else the organization's, else UTC."""
    if campaign.time_zone_mode == Campaign.TimeZoneMode.CONTACT:
        found = zone(contact_zone)
        if found is not None:
            return found
    return zone(org_zone) or ZoneInfo("UTC")


def in_window(campaign: Campaign, when: datetime.datetime, tz: ZoneInfo) -> bool:
    """Is ``when`` inside the send window (its weekday and ``window_start`` ≤ time <
    ``window_end``, read in ``tz``)?"""
    local = when.astimezone(tz)
    if local.weekday() not in campaign.window_days:
        return False
    return _as_time(campaign.window_start) <= local.time() < _as_time(campaign.window_end)


def next_opening(
    campaign: Campaign, after: datetime.datetime, tz: ZoneInfo
) -> datetime.datetime | None:
    """``after`` when it is inside the window, else the window's next opening (None when the
    window has no day or no hours: it never opens)."""
    start, end = _as_time(campaign.window_start), _as_time(campaign.window_end)
    if not campaign.window_days or start >= end:
        return None
    if in_window(campaign, after, tz):
        return after
    local = after.astimezone(tz)
    for offset in range(_SEARCH_DAYS):
        day = local.date() + datetime.timedelta(days=offset)
        if day.weekday() not in campaign.window_days:
            continue
        opening = _local(day, start, tz)
        if opening > after:
            return opening.astimezone(datetime.UTC)
    return None


def due_at(
    campaign: Campaign, earliest: datetime.datetime, tz: ZoneInfo
) -> datetime.datetime | None:
    """When a step that may go at ``earliest`` (after its delay) is sent: not before the
    campaign's start, inside the window. None when that is after ``ends_at`` or never."""
    if campaign.starts_at is not None and earliest < campaign.starts_at:
        earliest = campaign.starts_at
    when = next_opening(campaign, earliest, tz)
    if when is None or (campaign.ends_at is not None and when >= campaign.ends_at):
        return None
    return when


def first_due(campaign: Campaign, now: datetime.datetime) -> datetime.datetime:
    """When the first step is due (before the window is applied): at launch or at the start."""
    if campaign.starts_at is not None and campaign.starts_at > now:
        return campaign.starts_at
    return now


def after_delay(sent_at: datetime.datetime, delay_minutes: int) -> datetime.datetime:
    """A step's earliest time: its delay after the previous step was sent."""
    return sent_at + datetime.timedelta(minutes=delay_minutes)


def day_bounds(
    now: datetime.datetime, org_zone: str
) -> tuple[datetime.datetime, datetime.datetime]:
    """[start, end) of the organization's calendar day holding ``now`` (the daily cap's day)."""
    tz = zone(org_zone) or ZoneInfo("UTC")
    day = now.astimezone(tz).date()
    start = _local(day, datetime.time(0), tz)
    end = _local(day + datetime.timedelta(days=1), datetime.time(0), tz)
    return start, end


def choose_variant(
    variants: Sequence[StepVariant], *, recipient_id: int, step_id: int
) -> StepVariant:
    """The variant a recipient gets for a step, by weight. Deterministic (a hash of recipient
    and step, not a random draw) so a runner restarted after a crash picks the same one."""
    ordered = sorted(variants, key=lambda v: v.label)
    total = sum(max(v.weight, 0) for v in ordered)
    if total <= 0:
        return ordered[0]
    digest = hashlib.blake2b(f"{recipient_id}:{step_id}".encode(), digest_size=8).digest()
    point = int.from_bytes(digest, "big") % total
    for variant in ordered:
        point -= max(variant.weight, 0)
        if point < 0:
            return variant
    return ordered[-1]


def _as_time(value: datetime.time | str) -> datetime.time:
    return value if isinstance(value, datetime.time) else datetime.time.fromisoformat(value)


def _local(day: datetime.date, at: datetime.time, tz: ZoneInfo) -> datetime.datetime:
    """``day`` at ``at`` in ``tz`` as an aware datetime (a time skipped by a DST jump moves
    forward with the clock)."""
    naive = datetime.datetime.combine(day, at)
    aware = naive.replace(tzinfo=tz)
    # Normalise a non-existent local time (spring forward) through UTC.
    return aware.astimezone(datetime.UTC).astimezone(tz)
