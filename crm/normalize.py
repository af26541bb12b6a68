"""Canonical forms of contact identifiers, so search, dedupe and imports agree on equality."""

from __future__ import annotations

import re
from functools import cache

import phonenumbers
from django.core.exceptions import ValidationError
from django.core.validators import validate_email

_USERNAME = re.compile(r"^[a-z][a-z0-9_]{3,31}$")
# Mail hosts whose domain says nothing about the person's company.
FREE_MAIL_DOMAINS = frozenset(
    {
        "gmail.com", "googlemail.com", "yahoo.com", "outlook.com", "hotmail.com", "live.com",
        "icloud.com", "me.com", "aol.com", "proton.me", "protonmail.com", "gmx.de", "gmx.net",
        "web.de", "mail.ru", "yandex.ru", "ya.ru", "bk.ru", "inbox.ru", "list.ru", "rambler.ru",
        "qq.com", "163.com", "zoho.com", "hey.com", "fastmail.com", "tutanota.com",
    }
)  # fmt: skip


def email_normalize(value: str) -> str:
    """Lower-cased, trimmed email; raises ValidationError when it is not an address."""
    email = value.strip().lower()
    validate_email(email)
    return email


def phone_normalize(value: str, default_region: str | None = None) -> str:
    """E.164 (``+4930123456``). Numbers without a country code need ``default_region``."""
    raw = value.strip()
    if not raw:
        raise ValidationError("Enter a phone number.")
    try:
        number = phonenumbers.parse(raw, default_region)
    except phonenumbers.NumberParseException as exc:
        raise ValidationError(
            "Enter the phone number with its country code, e.g. +49 30 123456."
        ) from exc
    if not phonenumbers.is_valid_number(number):
        raise ValidationError("This is not a valid phone number.")
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


@cache
def phone_regions() -> tuple[tuple[str, str], ...]:
    """(region, "Germany (+49)") for every region whose numbers ``phone_normalize`` can read
    without a country code, sorted by name: the choices of an import's default country."""
    # Imported on first use: the geocoder loads phonenumbers' geodata, seconds of start-up for
    # every process (web, workers, commands) when imported with this module.
    from phonenumbers import geocoder

    regions = []
    for region in phonenumbers.SUPPORTED_REGIONS:
        example = phonenumbers.example_number(region)
        name = geocoder.country_name_for_number(example, "en") if example else ""
        code = phonenumbers.country_code_for_region(region)
        regions.append((region, f"{name or region} (+{code})"))
    return tuple(sorted(regions, key=lambda choice: choice[1]))


def telegram_username_normalize(value: str) -> str:
    """Without the @ or t.me/ prefix, lower-case; Telegram usernames are case-insensitive."""
    username = value.strip()
    for prefix in ("https://t.me/", "http://t.me/", "t.me/", "@"):
        if username.lower().startswith(prefix):
            username = username[len(prefix) :]
    username = username.strip("/").lower()
    if not _USERNAME.match(username):
        raise ValidationError(
            "A Telegram username has 5–32 letters, digits or underscores and starts with a letter."
        )
    return username


def domain_normalize(value: str) -> str:
    """``https://www.Acme.com/about`` → ``acme.com``."""
    domain = value.strip().lower()
    for prefix in ("https://", "http://"):
        if domain.startswith(prefix):
            domain = domain[len(prefix) :]
    domain = domain.split("/", 1)[0].split(":", 1)[0]
    if domain.startswith("www."):
        domain = domain[4:]
    return domain


def email_company_domain(email: str) -> str | None:
    """The company domain an email address points to, or None for free-mail providers."""
    domain = email.rsplit("@", 1)[-1].lower()
    return None if domain in FREE_MAIL_DOMAINS or "." not in domain else domain
