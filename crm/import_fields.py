"""What a CSV column can be imported as, guessing that from the header, and turning one row's
cells into clean values — the single definition the preview, the web form, the API and the
import run all use, so the preview shows exactly the errors the run will report.

Cells are validated with the same functions as every other write path: ``crm.normalize`` for
emails, phones, Telegram usernames and domains, ``crm.custom_fields`` for custom fields.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from functools import partial
from typing import Any

from django.core.exceptions import ValidationError as DjangoValidationError
from django.core.validators import URLValidator

from accounts.errors import ValidationError
from accounts.models import Membership, Organization
from crm.custom_fields import custom_values_clean, definitions_for
from crm.models import Company, CustomFieldDefinition, Entity
from crm.normalize import (
    domain_normalize,
    email_normalize,
    phone_normalize,
    telegram_username_normalize,
)

CUSTOM_PREFIX = "cf."
CONTACT_IDENTITY = ("first_name", "last_name", "full_name", "email", "phone")
CONTACT_IDENTITY += ("telegram_username", "telegram_user_id")


@dataclass(frozen=True)
class Target:
    """A field a column can be imported into. ``multiple``: several columns may feed it."""

    key: str
    label: str
    multiple: bool = False
    help: str = ""


CONTACT_TARGETS = (
    Target("first_name", "First name"),
    Target("last_name", "Last name"),
    Target("full_name", "Full name", help="Split into first and last name."),
    Target("email", "Email", True, "Several per cell are fine, separated by ; or ,."),
    Target("phone", "Phone", True, "With country code; several per cell separated by ;."),
    Target("telegram_username", "Telegram @username"),
    Target("telegram_user_id", "Telegram user ID"),
    Target("title", "Job title"),
    Target("company", "Company name", help="Links the company, creating it when new."),
    Target("company_domain", "Company domain or website"),
    Target("company_role", "Role at the company"),
    Target("source", "Source"),
    Target("owner_email", "Owner (member's email)"),
    Target("tags", "Tags", True, "Several per cell separated by ;."),
)
COMPANY_TARGETS = (
    Target("name", "Company name"),
    Target("domain", "Domain"),
    Target("website", "Website"),
    Target("industry", "Industry"),
    Target("size", "Size (employees)"),
    Target("country", "Country code"),
    Target("description", "Description"),
    Target("owner_email", "Owner (member's email)"),
    Target("tags", "Tags", True, "Several per cell separated by ;."),
)

# Header spellings, compacted (lower case, letters and digits only, Cyrillic yo as ye).
_ALIASES: dict[str, dict[str, tuple[str, ...]]] = {
    Entity.CONTACT: {
        "first_name": ("firstname", "first", "givenname", "forename", "имя"),
        "last_name": ("lastname", "last", "surname", "familyname", "фамилия"),
        "full_name": (
            "name", "fullname", "contact", "contactname", "person", "фио", "полноеимя",
            "контакт", "имяфамилия", "фамилияимя", "клиент", "контактноелицо",
        ),
        "email": (
            "email", "mail", "emailaddress", "workemail", "personalemail", "почта", "емейл",
            "имейл", "емэйл", "электроннаяпочта", "элпочта", "адресэлектроннойпочты",
        ),
        "phone": (
            "phone", "phonenumber", "telephone", "tel", "mobile", "mobilephone", "cell",
            "cellphone", "workphone", "телефон", "тел", "мобильный", "мобильныйтелефон",
            "номертелефона", "сотовый", "контактныйтелефон", "whatsapp",
        ),
        "telegram_username": (
            "telegram", "telegramusername", "tg", "tgusername", "telegramhandle", "username",
            "телеграм", "телеграмм", "телеграмник", "ник", "никвтелеграм", "тг",
        ),
        "telegram_user_id": ("telegramid", "telegramuserid", "tgid", "tguserid", "телеграмid"),
        "title": ("title", "jobtitle", "position", "job", "должность", "позиция"),
        "company": (
            "company", "companyname", "organization", "organisation", "org", "account",
            "employer", "компания", "организация", "названиекомпании", "работодатель", "фирма",
        ),
        "company_domain": (
            "companydomain", "domain", "website", "companywebsite", "site", "url", "web",
            "сайт", "домен", "сайткомпании",
        ),
        "company_role": ("role", "companyrole", "роль", "рольвкомпании"),
        "source": ("source", "leadsource", "channel", "источник", "откуда", "канал"),
        "owner_email": (
            "owner", "owneremail", "assignedto", "accountowner", "manager", "ответственный",
            "владелец", "менеджер",
        ),
        "tags": ("tags", "tag", "labels", "label", "теги", "тег", "метки", "метка"),
    },
    Entity.COMPANY: {
        "name": (
            "name", "company", "companyname", "organization", "organisation", "account",
            "компания", "название", "наименование", "организация", "названиекомпании",
        ),
        "domain": ("domain", "companydomain", "домен"),
        "website": ("website", "site", "url", "web", "homepage", "сайт", "вебсайт"),
        "industry": ("industry", "sector", "vertical", "отрасль", "сфера", "индустрия"),
        "size": (
            "size", "employees", "headcount", "companysize", "numberofemployees", "размер",
            "сотрудники", "численность", "количествосотрудников", "штат",
        ),
        "country": ("country", "countrycode", "страна"),
        "description": ("description", "about", "notes", "описание", "комментарий", "заметки"),
        "owner_email": (
            "owner", "owneremail", "assignedto", "accountowner", "manager", "ответственный",
            "владелец", "менеджер",
        ),
        "tags": ("tags", "tag", "labels", "label", "теги", "тег", "метки", "метка"),
    },
}  # fmt: skip
# When no alias matches exactly, a header containing one of these fragments still suggests.
_FRAGMENTS = {
    Entity.CONTACT: (
        ("email", "email"), ("почт", "email"), ("mail", "email"), ("phone", "phone"),
        ("телефон", "phone"), ("telegram", "telegram_username"), ("телеграм", "telegram_username"),
    ),
    Entity.COMPANY: (("website", "website"), ("сайт", "website")),
}  # fmt: skip


def _compact(header: str) -> str:
    return re.sub(r"[\W_]+", "", header.lower().replace("ё", "е"))


def targets_for(entity: str, definitions: dict[str, CustomFieldDefinition]) -> list[Target]:
    """Every target of ``entity``, custom fields (``cf.<key>``) last."""
    base = CONTACT_TARGETS if entity == Entity.CONTACT else COMPANY_TARGETS
    custom = [
        Target(f"{CUSTOM_PREFIX}{d.key}", f"{d.label} (custom field)")
        for d in sorted(definitions.values(), key=lambda d: (d.position, d.label))
    ]
    return [*base, *custom]


def mapping_suggest(
    entity: str, headers: list[str], definitions: dict[str, CustomFieldDefinition]
) -> dict[str, str]:
    """Column → target guessed from the header names, in English and Russian.

    Single-valued targets go to the first column that asks for them; an unknown column maps
    to ``""`` (not imported).
    """
    aliases = {alias: target for target, names in _ALIASES[entity].items() for alias in names}
    for definition in definitions.values():
        aliases[_compact(definition.key)] = f"{CUSTOM_PREFIX}{definition.key}"
        aliases[_compact(definition.label)] = f"{CUSTOM_PREFIX}{definition.key}"
    multiple = {t.key for t in targets_for(entity, definitions) if t.multiple}
    taken: set[str] = set()
    mapping: dict[str, str] = {}
    for header in headers:
        key = _compact(header)
        target = aliases.get(key) or aliases.get(key.rstrip("0123456789"))
        if target is None:
            target = next((t for frag, t in _FRAGMENTS[entity] if frag in key), "")
        if target and target not in multiple and target in taken:
            target = ""
        taken.add(target)
        mapping[header] = target
    return mapping


def mapping_validate(
    entity: str,
    headers: list[str],
    mapping: dict[str, str],
    definitions: dict[str, CustomFieldDefinition],
) -> dict[str, str]:
    """The mapping with every header present (unmapped → ``""``), or ValidationError naming
    what is wrong: unknown columns or targets, a single field fed by two columns, or the
    required columns missing (contacts: a name, email, phone or Telegram; companies: name)."""
    if not isinstance(mapping, dict):
        raise ValidationError(
            "The mapping must be an object of column → field.",
            fields={"mapping": ["Expected an object."]},
        )
    targets = {t.key: t for t in targets_for(entity, definitions)}
    errors: list[str] = []
    for column, target in mapping.items():
        if column not in headers:
            errors.append(f"There is no column “{column}” in the file.")
        elif target and target not in targets:
            errors.append(f"“{target}” is not a field you can import into (column “{column}”).")
    cleaned = {header: str(mapping.get(header) or "") for header in headers}
    used: dict[str, list[str]] = {}
    for column, target in cleaned.items():
        if target in targets:
            used.setdefault(target, []).append(column)
    for target, columns in used.items():
        if len(columns) > 1 and not targets[target].multiple:
            names = " and ".join(f"“{c}”" for c in columns)
            errors.append(f"{names} both go to {targets[target].label}: choose one.")
    if not errors:
        if entity == Entity.CONTACT and not set(used) & set(CONTACT_IDENTITY):
            errors.append(
                "Map at least one column to a name, email, phone or Telegram field: a contact "
                "needs one of them."
            )
        if entity == Entity.COMPANY and "name" not in used:
            errors.append("Map a column to Company name: every company needs a name.")
    if errors:
        raise ValidationError(errors[0], fields={"mapping": errors})
    return cleaned


# --- Cleaning one row ------------------------------------------------------------------------

_EMAIL_SPLIT = re.compile(r"[;,\s]+")
_LIST_SPLIT = re.compile(r"[;,]")
_SIZE_BUCKETS = ((10, "1-10"), (50, "11-50"), (200, "51-200"), (1000, "201-1000"))
_SIZE_BUCKETS += ((5000, "1001-5000"),)
_DOMAIN = re.compile(r"[a-z0-9-]+(\.[a-z0-9-]+)+")
_url_validate = URLValidator(schemes=["http", "https"])


def _limit(size: int) -> Callable[[str], str]:
    def check(value: str) -> str:
        if len(value) > size:
            raise ValueError(f"Keep it under {size} characters (this one has {len(value)}).")
        return value

    return check


def _emails(value: str) -> list[str]:
    result = []
    for part in _EMAIL_SPLIT.split(value):
        if not part:
            continue
        try:
            email = email_normalize(part)
        except DjangoValidationError:
            raise ValueError(f"“{part}” is not a valid email address.") from None
        if len(email) > 254:
            raise ValueError(f"“{part[:40]}…” is too long for an email address.")
        result.append(email)
    return result


def _phones(value: str, default_region: str | None = None) -> list[str]:
    result = []
    for part in _LIST_SPLIT.split(value):
        if not part.strip():
            continue
        try:
            result.append(phone_normalize(part, default_region))
        except DjangoValidationError as exc:
            raise ValueError(f"“{part.strip()}”: {exc.messages[0]}") from None
    return result


def _telegram_username(value: str) -> str:
    try:
        return telegram_username_normalize(value)
    except DjangoValidationError as exc:
        raise ValueError(f"“{value}”: {exc.messages[0]}") from None


def _telegram_user_id(value: str) -> int:
    digits = value.removesuffix(".0")
    if not digits.isdigit() or not 0 < int(digits) < 2**63:
        raise ValueError(f"“{value}” is not a Telegram user ID (a positive whole number).")
    return int(digits)


def _tags(value: str) -> list[str]:
    names = [name.strip() for name in _LIST_SPLIT.split(value) if name.strip()]
    for name in names:
        if len(name) > 60:
            raise ValueError(f"The tag “{name[:30]}…” is longer than 60 characters.")
    return names


def _domain(value: str) -> str:
    domain = domain_normalize(value)
    try:
        ascii_domain = domain.encode("idna").decode()
    except UnicodeError:
        ascii_domain = ""
    if len(domain) > 253 or not _DOMAIN.fullmatch(ascii_domain):
        raise ValueError(f"“{value}” is not a domain like acme.com.")
    return domain


def _website(value: str) -> str:
    url = value if "://" in value else f"https://{value}"
    try:
        _url_validate(url)
    except DjangoValidationError:
        raise ValueError(f"“{value}” is not a web address.") from None
    if len(url) > 300:
        raise ValueError("Keep the web address under 300 characters.")
    return url


def _size(value: str) -> str:
    compact = value.replace("–", "-").replace("—", "-").replace(" ", "").replace(",", "")
    if compact in Company.Size.values:
        return compact
    if compact.endswith("+") and compact[:-1].isdigit() and int(compact[:-1]) >= 5001:
        return "5001+"
    if compact.isdigit():
        count = int(compact)
        return next((bucket for top, bucket in _SIZE_BUCKETS if count <= top), "5001+")
    choices = ", ".join(Company.Size.values)
    raise ValueError(f"“{value}” is not a company size: use a headcount or one of {choices}.")


def _country(value: str) -> str:
    if len(value) != 2 or not value.isalpha() or not value.isascii():
        raise ValueError(f"“{value}” is not a two-letter country code (ISO 3166-1) like DE.")
    return value.upper()


_FIELD_PARSERS: dict[str, dict[str, Callable[[str], Any]]] = {
    Entity.CONTACT: {
        "first_name": _limit(100),
        "last_name": _limit(100),
        "full_name": _limit(201),
        "email": _emails,
        "phone": _phones,
        "telegram_username": _telegram_username,
        "telegram_user_id": _telegram_user_id,
        "title": _limit(150),
        "company": _limit(200),
        "company_domain": _domain,
        "company_role": _limit(150),
        "source": _limit(60),
        "tags": _tags,
    },
    Entity.COMPANY: {
        "name": _limit(200),
        "domain": _domain,
        "website": _website,
        "industry": _limit(100),
        "size": _size,
        "country": _country,
        "description": _limit(20000),
        "tags": _tags,
    },
}
_LIST_FIELDS = {"email": "emails", "phone": "phones", "tags": "tags"}


@dataclass
class CleanRow:
    """One row's values by target (``emails``/``phones``/``tags`` lists, ``owner_id``,
    ``custom_fields``), or its errors: column → message, ``""`` for the row as a whole."""

    values: dict[str, Any]
    errors: dict[str, str]

    @property
    def reason(self) -> str:
        return " ".join(f"{col}: {msg}" if col else msg for col, msg in self.errors.items())


class RowCleaner:
    """Cleans rows of one import. Built once per run: it holds the organization's custom field
    definitions and members, so a row costs no query."""

    def __init__(
        self,
        *,
        organization: Organization,
        entity: str,
        headers: list[str],
        mapping: dict[str, str],
        phone_region: str = "",
    ) -> None:
        self.entity = entity
        self.definitions = definitions_for(organization, entity)
        self._members = {
            email.lower(): user_id
            for email, user_id in Membership.objects.filter(organization=organization).values_list(
                "user__email", "user_id"
            )
        }
        parsers = _FIELD_PARSERS[entity]
        self.columns: list[tuple[int, str, str, Callable[[str], Any]]] = []
        for index, header in enumerate(headers):
            target = mapping.get(header) or ""
            if not target:
                continue
            if target.startswith(CUSTOM_PREFIX):
                parser = self._custom_parser(target[len(CUSTOM_PREFIX) :])
            elif target == "owner_email":
                parser = self._owner
            elif target == "phone" and phone_region:
                parser = partial(_phones, default_region=phone_region)
            else:
                parser = parsers[target]
            self.columns.append((index, header, target, parser))

    def _custom_parser(self, key: str) -> Callable[[str], Any]:
        def parse(value: str) -> Any:
            try:
                cleaned = custom_values_clean(
                    definitions=self.definitions, values={key: value}, partial=True
                )
            except ValidationError as exc:
                raise ValueError(next(iter(exc.fields.values()))[0]) from None
            return cleaned[key]

        return parse

    def _owner(self, value: str) -> int:
        user_id = self._members.get(value.strip().lower())
        if user_id is None:
            raise ValueError(f"No member of this organization has the email “{value}”.")
        return user_id

    def clean(self, cells: list[str]) -> CleanRow:
        values: dict[str, Any] = {}
        errors: dict[str, str] = {}
        custom: dict[str, Any] = {}
        for index, header, target, parse in self.columns:
            raw = cells[index].strip()
            if not raw:
                continue
            try:
                value = parse(raw)
            except ValueError as exc:
                errors[header] = str(exc)
                continue
            if target in _LIST_FIELDS:
                values.setdefault(_LIST_FIELDS[target], []).extend(value)
            elif target.startswith(CUSTOM_PREFIX):
                if value is not None:
                    custom[target[len(CUSTOM_PREFIX) :]] = value
            elif target == "owner_email":
                values["owner_id"] = value
            else:
                values[target] = value
        if custom:
            values["custom_fields"] = custom
        if self.entity == Entity.CONTACT:
            _contact_finish(values, errors)
        else:
            _company_finish(values, errors)
        return CleanRow(values=values, errors=errors)

    def required_missing(self, custom_fields: dict[str, Any]) -> list[str]:
        """Labels of required custom fields a new record would lack."""
        return [
            d.label for k, d in self.definitions.items() if d.required and k not in custom_fields
        ]


def _contact_finish(values: dict[str, Any], errors: dict[str, str]) -> None:
    full = values.pop("full_name", "")
    if full and not values.get("first_name") and not values.get("last_name"):
        if "," in full:
            last, _, first = full.partition(",")
        else:
            first, _, last = full.partition(" ")
        values["first_name"] = first.strip()[:100]
        values["last_name"] = last.strip()[:100]
    for key in ("emails", "phones", "tags"):
        if key in values:
            values[key] = list(dict.fromkeys(values[key]))
    if errors:
        return
    if not (
        values.get("first_name")
        or values.get("last_name")
        or values.get("emails")
        or values.get("phones")
        or values.get("telegram_username")
        or values.get("telegram_user_id")
    ):
        errors[""] = "This row has no name, email, phone or Telegram username."


def _company_finish(values: dict[str, Any], errors: dict[str, str]) -> None:
    if "tags" in values:
        values["tags"] = list(dict.fromkeys(values["tags"]))
    if not values.get("domain") and values.get("website"):
        values["domain"] = domain_normalize(values["website"])
    if not errors and not values.get("name"):
        errors[""] = "The company name is empty."
