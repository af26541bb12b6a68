"""List filters for contacts and companies, parsed from query parameters.

The API, the list pages and saved views all read the same parameters::

    q=<search box text>  tag=<name or id> (repeatable: all must match)  owner=me|none|<user id>
    company=<id>  source=<text>  created_after=YYYY-MM-DD  created_before=YYYY-MM-DD
    last_contacted_after=YYYY-MM-DD  last_contacted_before=YYYY-MM-DD  cf.<key>=<value>
    sort=name|-name|created|-created|last_contacted|-last_contacted

Blank values mean "not filtered" (what an empty form field sends). Bad values raise one
``ValidationError`` with a message per parameter, so the API answers 400 with field errors and a
page shows the message next to the filter. Date ranges include both ends.
"""

from __future__ import annotations

import datetime
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from django.db.models.functions import Lower

from accounts.errors import ValidationError
from accounts.models import Membership, Organization, User
from crm.custom_fields import custom_values_clean, definitions_for
from crm.models import Company, CustomFieldDefinition, Entity, Tag

CONTACT_SORTS = ("name", "-name", "created", "-created", "last_contacted", "-last_contacted")
COMPANY_SORTS = ("name", "-name", "created", "-created")
CUSTOM_PREFIX = "cf."
MAX_TAGS = 10


@dataclass(frozen=True)
class CustomFieldFilter:
    """``cf.<key>=<value>``: equal to the value; for multi-select, includes it."""

    key: str
    value: Any
    field_type: str

    @property
    def param_value(self) -> str:
        if isinstance(self.value, list):
            return ";".join(self.value)
        if isinstance(self.value, bool):
            return "yes" if self.value else "no"
        return str(self.value)


@dataclass(frozen=True)
class ListFilters:
    """What contacts and companies lists share. Parse with ``from_params``."""

    q: str = ""
    tags: tuple[Tag, ...] = ()
    owner: str = ""  # "", "me", "none" or a user id, as given
    owner_user: User | None = None  # resolved "me" or id
    created_after: datetime.date | None = None
    created_before: datetime.date | None = None
    custom: tuple[CustomFieldFilter, ...] = ()
    sort: str = "-created"

    entity = ""
    sorts: tuple[str, ...] = ()

    @classmethod
    def from_params(
        cls, params: Mapping[str, Any], *, organization: Organization, user: User | None = None
    ) -> ListFilters:
        """Parse and validate ``params`` (a QueryDict, or a dict from a saved view)."""
        parser = _Parser(params, organization)
        values = cls._parse(parser, user)
        parser.raise_errors()
        return cls(**values)

    @classmethod
    def _parse(cls, parser: _Parser, user: User | None) -> dict[str, Any]:
        owner, owner_user = parser.owner("owner", user)
        created_after = parser.date("created_after")
        created_before = parser.date("created_before")
        parser.range_order("created_before", created_after, created_before)
        return {
            "q": parser.text("q", max_length=200),
            "tags": parser.tags("tag"),
            "owner": owner,
            "owner_user": owner_user,
            "created_after": created_after,
            "created_before": created_before,
            "custom": parser.custom_fields(cls.entity),
            "sort": parser.choice("sort", cls.sorts, default="-created"),
        }

    @property
    def is_filtered(self) -> bool:
        """True when anything but the sort narrows the list (for "clear filters" links)."""
        return any(
            value for key, value in self.to_params().items() if key not in ("sort",) and value
        )

    def to_params(self) -> dict[str, Any]:
        """The query parameters that parse back to these filters (links, saved views)."""
        params: dict[str, Any] = {}
        if self.q:
            params["q"] = self.q
        if self.tags:
            params["tag"] = [tag.name for tag in self.tags]
        if self.owner:
            params["owner"] = self.owner
        for name in self._date_fields():
            value = getattr(self, name)
            if value is not None:
                params[name] = value.isoformat()
        for custom in self.custom:
            params[CUSTOM_PREFIX + custom.key] = custom.param_value
        if self.sort != "-created":
            params["sort"] = self.sort
        return params

    def _date_fields(self) -> tuple[str, ...]:
        return ("created_after", "created_before")


@dataclass(frozen=True)
class ContactFilters(ListFilters):
    company: Company | None = None
    source: str = ""
    last_contacted_after: datetime.date | None = None
    last_contacted_before: datetime.date | None = None

    entity = Entity.CONTACT
    sorts = CONTACT_SORTS

    @classmethod
    def _parse(cls, parser: _Parser, user: User | None) -> dict[str, Any]:
        values = super()._parse(parser, user)
        after = parser.date("last_contacted_after")
        before = parser.date("last_contacted_before")
        parser.range_order("last_contacted_before", after, before)
        return {
            **values,
            "company": parser.company("company"),
            "source": parser.text("source", max_length=60),
            "last_contacted_after": after,
            "last_contacted_before": before,
        }

    def to_params(self) -> dict[str, Any]:
        params = super().to_params()
        if self.company is not None:
            params["company"] = str(self.company.pk)
        if self.source:
            params["source"] = self.source
        return params

    def _date_fields(self) -> tuple[str, ...]:
        return (*super()._date_fields(), "last_contacted_after", "last_contacted_before")


@dataclass(frozen=True)
class CompanyFilters(ListFilters):
    entity = Entity.COMPANY
    sorts = COMPANY_SORTS


def filters_for(entity: str) -> type[ListFilters]:
    return ContactFilters if entity == Entity.CONTACT else CompanyFilters


@dataclass
class _Parser:
    params: Mapping[str, Any]
    organization: Organization
    errors: dict[str, list[str]] = field(default_factory=dict)

    def raise_errors(self) -> None:
        if self.errors:
            first = next(iter(self.errors.values()))[0]
            raise ValidationError(f"Check the filters: {first}", fields=self.errors)

    def error(self, name: str, message: str) -> None:
        self.errors.setdefault(name, []).append(message)

    def values(self, name: str) -> list[str]:
        getlist = getattr(self.params, "getlist", None)
        raw = getlist(name) if getlist is not None else self.params.get(name, [])
        if not isinstance(raw, list | tuple):
            raw = [raw]
        return [str(value).strip() for value in raw if value is not None and str(value).strip()]

    def value(self, name: str) -> str:
        values = self.values(name)
        return values[-1] if values else ""

    def text(self, name: str, *, max_length: int) -> str:
        value = self.value(name)
        if len(value) > max_length:
            self.error(name, f"Keep it under {max_length} characters.")
            return ""
        return value

    def choice(self, name: str, choices: tuple[str, ...], *, default: str) -> str:
        value = self.value(name)
        if not value:
            return default
        if value not in choices:
            self.error(name, f"Choose one of: {', '.join(choices)}.")
            return default
        return value

    def date(self, name: str) -> datetime.date | None:
        value = self.value(name)
        if not value:
            return None
        try:
            return datetime.date.fromisoformat(value[:10] if "T" in value else value)
        except ValueError:
            self.error(name, "Enter a date as YYYY-MM-DD.")
            return None

    def range_order(
        self, name: str, start: datetime.date | None, end: datetime.date | None
    ) -> None:
        if start and end and end < start:
            self.error(name, "The end date is before the start date.")

    def tags(self, name: str) -> tuple[Tag, ...]:
        values = self.values(name)
        if len(values) > MAX_TAGS:
            self.error(name, f"Filter by at most {MAX_TAGS} tags.")
            return ()
        if not values:
            return ()
        tags = Tag.objects.filter(organization=self.organization).annotate(lower_name=Lower("name"))
        by_id = {str(tag.pk): tag for tag in tags.filter(pk__in=[v for v in values if v.isdigit()])}
        by_name = {
            tag.lower_name: tag for tag in tags.filter(lower_name__in=[v.lower() for v in values])
        }
        found: list[Tag] = []
        for value in values:
            tag = by_name.get(value.lower()) or by_id.get(value)
            if tag is None:
                self.error(name, f"No tag named “{value}”.")
            elif tag not in found:
                found.append(tag)
        return tuple(found)

    def owner(self, name: str, user: User | None) -> tuple[str, User | None]:
        value = self.value(name).lower()
        if not value or value == "none":
            return value, None
        if value == "me":
            if user is None:
                self.error(name, "“me” needs a signed-in user.")
                return "", None
            return value, user
        membership = None
        if value.isdigit():
            membership = (
                Membership.objects.filter(organization=self.organization, user_id=int(value))
                .select_related("user")
                .first()
            )
        if membership is None:
            self.error(name, "Choose a member of this organization, “me” or “none”.")
            return "", None
        return value, membership.user

    def company(self, name: str) -> Company | None:
        value = self.value(name)
        if not value:
            return None
        company = None
        if value.isdigit():
            company = Company.objects.filter(organization=self.organization, pk=int(value)).first()
        if company is None:
            self.error(name, "No such company.")
        return company

    def custom_fields(self, entity: str) -> tuple[CustomFieldFilter, ...]:
        raw = {
            key[len(CUSTOM_PREFIX) :]: self.value(key)
            for key in self.params
            if key.startswith(CUSTOM_PREFIX) and self.value(key)
        }
        if not raw:
            return ()
        definitions = definitions_for(self.organization, entity)
        filters = []
        for key, value in raw.items():
            try:
                cleaned = custom_values_clean(
                    definitions=definitions, values={key: value}, partial=True
                )
            except ValidationError as error:
                for message in error.fields.get(f"custom_fields.{key}", [error.message]):
                    self.error(CUSTOM_PREFIX + key, message)
                continue
            if key in cleaned:
                definition: CustomFieldDefinition = definitions[key]
                filters.append(CustomFieldFilter(key, cleaned[key], definition.field_type))
        return tuple(filters)
