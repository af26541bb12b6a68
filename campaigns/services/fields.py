"""Cleaning a campaign's settings from API / form input: one function per field, each raising
``ValidationError`` with a message keyed by the field so every client shows it in place."""

from __future__ import annotations

import datetime
from collections.abc import Callable
from typing import Any

from django.utils import timezone
from django.utils.dateparse import parse_datetime, parse_time

from accounts.errors import ValidationError
from accounts.models import Membership, Organization, User
from campaigns.models import Campaign
from crm.filters import ContactFilters
from crm.models import Entity, SavedView
from messaging.models import TelegramBot

MAX_NAME = 120
MAX_DESCRIPTION = 500
MAX_DAILY_CAP = 100_000
_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"0", "false", "no", "off", ""}


def _fail(field: str, message: str) -> ValidationError:
    return ValidationError(message, fields={field: [message]})


def _pk(value: Any, model: type, field: str) -> int | None:
    if value in (None, ""):
        return None
    if isinstance(value, model):
        return value.pk
    try:
        return int(value)
    except (TypeError, ValueError):
        raise _fail(field, "Choose one from the list.") from None


def clean_name(value: Any) -> str:
    name = " ".join(str(value or "").split())
    if not name:
        raise _fail("name", "Name the campaign.")
    if len(name) > MAX_NAME:
        raise _fail("name", f"Keep the name under {MAX_NAME} characters.")
    return name


def clean_description(value: Any) -> str:
    text = str(value or "").strip()
    if len(text) > MAX_DESCRIPTION:
        raise _fail("description", f"Keep the description under {MAX_DESCRIPTION} characters.")
    return text


def clean_bool(field: str) -> Callable[[Any], bool]:
    def clean(value: Any) -> bool:
        if isinstance(value, bool):
            return value
        text = str(value if value is not None else "").strip().lower()
        if text in _TRUE:
            return True
        if text in _FALSE:
            return False
        raise _fail(field, "Enter true or false.")

    return clean


def clean_bot(organization: Organization, value: Any) -> TelegramBot | None:
    pk = _pk(value, TelegramBot, "bot")
    if pk is None:
        return None
    bot = TelegramBot.objects.filter(organization=organization, pk=pk).first()
    if bot is None:
        raise _fail("bot", "Choose one of your organization's bots.")
    return bot


def clean_sender(organization: Organization, value: Any) -> User | None:
    pk = _pk(value, User, "sender")
    if pk is None:
        return None
    membership = Membership.objects.filter(organization=organization, user_id=pk)
    member = membership.select_related("user").first()
    if member is None:
        raise _fail("sender", "Choose a member of your organization.")
    return member.user


def clean_audience_view(organization: Organization, actor: User, value: Any) -> SavedView | None:
    pk = _pk(value, SavedView, "audience_view")
    if pk is None:
        return None
    view = SavedView.objects.filter(organization=organization, pk=pk, entity=Entity.CONTACT).first()
    if view is None or not (view.shared or view.owner_id == actor.pk):
        raise _fail("audience_view", "Choose one of your saved contact views.")
    return view


def clean_audience_filters(organization: Organization, actor: User, value: Any) -> dict:
    """The contacts list's parameters (crm/filters.py), validated the way the list validates them
    and stored in their canonical form."""
    if value in (None, ""):
        return {}
    if not isinstance(value, dict):
        raise _fail("audience_filters", "Give the filters as contact list parameters.")
    try:
        filters = ContactFilters.from_params(value, organization=organization, user=actor)
    except ValidationError as error:
        messages = [f"{name}: {m}" for name, found in error.fields.items() for m in found]
        raise ValidationError(
            error.message, fields={"audience_filters": messages or [error.message]}
        ) from error
    params = filters.to_params()
    params.pop("sort", None)  # the order of an audience means nothing
    return params


def clean_window_days(value: Any) -> list[int]:
    if not isinstance(value, list | tuple):
        raise _fail("window_days", "Choose the days of the week (Monday = 0 … Sunday = 6).")
    days: set[int] = set()
    for item in value:
        try:
            day = int(item)
        except (TypeError, ValueError):
            day = -1
        if not 0 <= day <= 6:
            raise _fail("window_days", "Days go from 0 (Monday) to 6 (Sunday).")
        days.add(day)
    return sorted(days)


def clean_time(field: str) -> Callable[[Any], datetime.time]:
    def clean(value: Any) -> datetime.time:
        if isinstance(value, datetime.time):
            return value
        parsed = None
        try:
            parsed = parse_time(str(value or "").strip())
        except ValueError:
            parsed = None
        if parsed is None:
            raise _fail(field, "Enter a time as HH:MM.")
        return parsed

    return clean


def clean_datetime(field: str) -> Callable[[Any], datetime.datetime | None]:
    def clean(value: Any) -> datetime.datetime | None:
        if value in (None, ""):
            return None
        parsed = value if isinstance(value, datetime.datetime) else None
        if parsed is None:
            try:
                parsed = parse_datetime(str(value).strip())
            except ValueError:
                parsed = None
        if parsed is None:
            raise _fail(field, "Enter a date and time, e.g. 2026-01-05T09:00.")
        if timezone.is_naive(parsed):
            parsed = timezone.make_aware(parsed)
        return parsed

    return clean


def clean_time_zone_mode(value: Any) -> str:
    if value not in Campaign.TimeZoneMode.values:
        raise _fail("time_zone_mode", "Choose the contact's or the organization's time zone.")
    return str(value)


def clean_daily_cap(value: Any) -> int | None:
    if value in (None, ""):
        return None
    try:
        cap = int(value)
    except (TypeError, ValueError):
        cap = 0
    if not 1 <= cap <= MAX_DAILY_CAP:
        raise _fail("daily_cap", f"Enter a number from 1 to {MAX_DAILY_CAP:,}, or leave it empty.")
    return cap


def cleaners(organization: Organization, actor: User) -> dict[str, Callable[[Any], Any]]:
    """Field name -> its cleaner, for ``campaign_create`` and ``campaign_update``."""
    return {
        "name": clean_name,
        "description": clean_description,
        "bot": lambda v: clean_bot(organization, v),
        "sender": lambda v: clean_sender(organization, v),
        "audience_view": lambda v: clean_audience_view(organization, actor, v),
        "audience_filters": lambda v: clean_audience_filters(organization, actor, v),
        "only_never_contacted": clean_bool("only_never_contacted"),
        "exclude_in_other_campaigns": clean_bool("exclude_in_other_campaigns"),
        "dynamic_enrolment": clean_bool("dynamic_enrolment"),
        "window_days": clean_window_days,
        "window_start": clean_time("window_start"),
        "window_end": clean_time("window_end"),
        "time_zone_mode": clean_time_zone_mode,
        "daily_cap": clean_daily_cap,
        "starts_at": clean_datetime("starts_at"),
        "ends_at": clean_datetime("ends_at"),
        "stop_on_reply": clean_bool("stop_on_reply"),
    }


def clean_all(organization: Organization, actor: User, data: dict[str, Any]) -> dict[str, Any]:
    """Every known field present in ``data`` cleaned; all field errors raised together."""
    cleaned: dict[str, Any] = {}
    errors: dict[str, list[str]] = {}
    for field, clean in cleaners(organization, actor).items():
        if field not in data:
            continue
        try:
            cleaned[field] = clean(data[field])
        except ValidationError as error:
            for key, messages in error.fields.items():
                errors.setdefault(key, []).extend(messages)
    if errors:
        first = next(iter(errors.values()))[0]
        raise ValidationError(first, fields=errors)
    return cleaned
