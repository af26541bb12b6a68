"""The engine's timing rules with a controlled clock: windows (days, hours, time zones), start
and end dates, step delays, the daily cap's day and the deterministic A/B choice."""

from __future__ import annotations

import datetime
from collections import Counter
from zoneinfo import ZoneInfo

from campaigns.engine import scheduling
from campaigns.models import Campaign, StepVariant

UTC = datetime.UTC
BERLIN = ZoneInfo("Europe/Berlin")


def campaign(**fields) -> Campaign:
    values = {
        "window_days": [0, 1, 2, 3, 4],
        "window_start": datetime.time(9),
        "window_end": datetime.time(18),
        "time_zone_mode": Campaign.TimeZoneMode.CONTACT,
    }
    return Campaign(**(values | fields))


def at(*args: int, tz: datetime.tzinfo = UTC) -> datetime.datetime:
    return datetime.datetime(*args, tzinfo=tz)


def test_inside_the_window_a_step_is_due_at_once():
    # Wednesday 2026-01-07 10:00 UTC
    assert scheduling.due_at(campaign(), at(2026, 1, 7, 10), ZoneInfo("UTC")) == at(2026, 1, 7, 10)


def test_after_hours_the_step_waits_for_the_next_morning():
    due = scheduling.due_at(campaign(), at(2026, 1, 7, 18, 0), ZoneInfo("UTC"))  # end exclusive
    assert due == at(2026, 1, 8, 9)


def test_on_friday_evening_the_step_waits_for_monday_morning():
    due = scheduling.due_at(campaign(), at(2026, 1, 9, 19), ZoneInfo("UTC"))
    assert due == at(2026, 1, 12, 9)
    assert due.weekday() == 0


def test_the_window_is_read_in_the_contacts_time_zone():
    # 07:30 UTC is 08:30 in Berlin (winter): the window opens at 09:00 Berlin = 08:00 UTC.
    due = scheduling.due_at(campaign(), at(2026, 1, 7, 7, 30), BERLIN)
    assert due == at(2026, 1, 7, 8)


def test_contact_zone_falls_back_to_the_organizations_and_org_mode_ignores_the_contact():
    contact_mode = campaign()
    org_mode = campaign(time_zone_mode=Campaign.TimeZoneMode.ORGANIZATION)

    assert (
        scheduling.recipient_zone(contact_mode, "Asia/Tokyo", "Europe/Berlin").key == "Asia/Tokyo"
    )
    assert scheduling.recipient_zone(contact_mode, "", "Europe/Berlin").key == "Europe/Berlin"
    assert scheduling.recipient_zone(contact_mode, "Mars/Base", "").key == "UTC"
    assert scheduling.recipient_zone(org_mode, "Asia/Tokyo", "Europe/Berlin").key == "Europe/Berlin"


def test_weekend_only_window():
    weekend = campaign(
        window_days=[5, 6], window_start=datetime.time(10), window_end=datetime.time(12)
    )
    assert scheduling.due_at(weekend, at(2026, 1, 7, 11), ZoneInfo("UTC")) == at(2026, 1, 10, 10)
    assert scheduling.in_window(weekend, at(2026, 1, 11, 11, 59), ZoneInfo("UTC"))
    assert not scheduling.in_window(weekend, at(2026, 1, 11, 12), ZoneInfo("UTC"))


def test_a_window_that_never_opens_gives_no_time():
    assert scheduling.due_at(campaign(window_days=[]), at(2026, 1, 7, 10), ZoneInfo("UTC")) is None
    closed = campaign(window_start=datetime.time(18), window_end=datetime.time(9))
    assert scheduling.due_at(closed, at(2026, 1, 7, 10), ZoneInfo("UTC")) is None


def test_nothing_goes_before_the_start_and_nothing_is_due_after_the_end():
    later = campaign(starts_at=at(2026, 1, 8, 14))
    assert scheduling.first_due(later, at(2026, 1, 7, 10)) == at(2026, 1, 8, 14)
    assert scheduling.due_at(later, at(2026, 1, 7, 10), ZoneInfo("UTC")) == at(2026, 1, 8, 14)

    ending = campaign(ends_at=at(2026, 1, 9, 17))
    # Friday 19:00 → next opening Monday, after the end: nothing.
    assert scheduling.due_at(ending, at(2026, 1, 9, 19), ZoneInfo("UTC")) is None


def test_a_step_is_due_its_delay_after_the_previous_send_then_moved_into_the_window():
    sent = at(2026, 1, 7, 16)
    earliest = scheduling.after_delay(sent, 3 * 60)  # 19:00: after hours
    assert scheduling.due_at(campaign(), earliest, ZoneInfo("UTC")) == at(2026, 1, 8, 9)
    assert scheduling.after_delay(sent, 2 * 24 * 60) == at(2026, 1, 9, 16)


def test_the_daily_caps_day_is_the_organizations_calendar_day():
    start, end = scheduling.day_bounds(at(2026, 1, 7, 23, 30), "Europe/Berlin")
    # 23:30 UTC is already Thursday 00:30 in Berlin.
    assert start == at(2026, 1, 8, 0, tz=BERLIN)
    assert end == at(2026, 1, 9, 0, tz=BERLIN)


def test_daylight_saving_days_still_open_at_the_local_hour():
    # 2026-03-29: Berlin springs forward at 02:00. A window at 09:00 local is 07:00 UTC.
    due = scheduling.due_at(campaign(window_days=[6]), at(2026, 3, 28, 20), BERLIN)
    assert due == at(2026, 3, 29, 7)


def variants(*weights: int) -> list[StepVariant]:
    return [
        StepVariant(pk=i + 1, label="ABCD"[i], body="x", weight=w) for i, w in enumerate(weights)
    ]


def test_variant_choice_is_deterministic_per_recipient_and_step():
    options = variants(50, 50)
    first = [
        scheduling.choose_variant(options, recipient_id=r, step_id=7).label for r in range(200)
    ]
    again = [
        scheduling.choose_variant(options, recipient_id=r, step_id=7).label for r in range(200)
    ]
    assert first == again


def test_variants_split_recipients_by_weight():
    options = variants(70, 30)
    counts = Counter(
        scheduling.choose_variant(options, recipient_id=r, step_id=3).label for r in range(1000)
    )
    assert 650 <= counts["A"] <= 750
    assert counts["A"] + counts["B"] == 1000
