"""Deal filters, parsed from query parameters — the API, the board page and the list all read
the same ones::

    q=<title text>  owner=me|none|<user id>  tag=<name or id> (repeatable: all must match)
    pipeline=<id>  stage=<id>  value_min=<amount>  value_max=<amount>
    close_after=YYYY-MM-DD  close_before=YYYY-MM-DD  stale=true|false

Blank values mean "not filtered". Bad values raise one ``ValidationError`` with a message per
parameter (API: 400 with field errors; page: message next to the filter). Ranges include both
ends. The parameter parser is crm's, so both apps answer bad filters the same way.
"""

from __future__ import annotations

import datetime
from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from accounts.models import Organization, User
from crm.filters import _Parser
from crm.models import Tag
from crm.services.records import Errors
from pipelines.models import Pipeline, Stage
from pipelines.services.deal_fields import value_clean

_TRUE = ("1", "true", "yes", "on")
_FALSE = ("0", "false", "no", "off")


@dataclass(frozen=True)
class DealFilters:
    q: str = ""
    owner: str = ""  # "", "me", "none" or a user id, as given
    owner_user: User | None = None
    tags: tuple[Tag, ...] = ()
    pipeline: Pipeline | None = None
    stage: Stage | None = None
    value_min: Decimal | None = None
    value_max: Decimal | None = None
    close_after: datetime.date | None = None
    close_before: datetime.date | None = None
    stale: bool | None = None

    @classmethod
    def from_params(
        cls, params: Mapping[str, Any], *, organization: Organization, user: User | None = None
    ) -> DealFilters:
        parser = _Parser(params, organization)
        owner, owner_user = parser.owner("owner", user)
        close_after = parser.date("close_after")
        close_before = parser.date("close_before")
        parser.range_order("close_before", close_after, close_before)
        values = {
            "q": parser.text("q", max_length=200),
            "owner": owner,
            "owner_user": owner_user,
            "tags": parser.tags("tag"),
            "pipeline": _object(parser, "pipeline", Pipeline),
            "stage": _object(parser, "stage", Stage),
            "value_min": _amount(parser, "value_min"),
            "value_max": _amount(parser, "value_max"),
            "close_after": close_after,
            "close_before": close_before,
            "stale": _boolean(parser, "stale"),
        }
        low, high = values["value_min"], values["value_max"]
        if low is not None and high is not None and high < low:
            parser.error("value_max", "The maximum is below the minimum.")
        parser.raise_errors()
        return cls(**values)

    @property
    def is_filtered(self) -> bool:
        return any(value for value in self.to_params().values())

    def to_params(self) -> dict[str, Any]:
        """The query parameters that parse back to these filters (links, filter forms)."""
        params: dict[str, Any] = {}
        if self.q:
            params["q"] = self.q
        if self.owner:
            params["owner"] = self.owner
        if self.tags:
            params["tag"] = [tag.name for tag in self.tags]
        for name in ("pipeline", "stage"):
            if getattr(self, name) is not None:
                params[name] = str(getattr(self, name).pk)
        for name in ("value_min", "value_max"):
            if getattr(self, name) is not None:
                params[name] = str(getattr(self, name))
        for name in ("close_after", "close_before"):
            if getattr(self, name) is not None:
                params[name] = getattr(self, name).isoformat()
        if self.stale is not None:
            params["stale"] = "true" if self.stale else "false"
        return params


def _object(parser: _Parser, name: str, model: type[Pipeline] | type[Stage]) -> Any:
    value = parser.value(name)
    if not value:
        return None
    found = None
    if value.isdigit():
        found = model.objects.filter(organization=parser.organization, pk=int(value)).first()
    if found is None:
        parser.error(name, f"No such {name}.")
    return found


def _amount(parser: _Parser, name: str) -> Decimal | None:
    value = parser.value(name)
    if not value:
        return None
    errors = Errors()
    amount = value_clean(value, errors)
    for message in errors.get("value", []):
        parser.error(name, message)
    return amount


def _boolean(parser: _Parser, name: str) -> bool | None:
    value = parser.value(name).lower()
    if not value:
        return None
    if value in _TRUE:
        return True
    if value in _FALSE:
        return False
    parser.error(name, "Use true or false.")
    return None
