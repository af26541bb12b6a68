"""Keyset cursor pagination for lists sorted by any unique ``(sort key, …, id)`` ordering.

DRF's ``CursorPagination`` keys pages on the first ordering field alone and steps over ties by
offset, which degrades on long runs of equal values (contacts without a name, never contacted)
and turns a NULL position into a broken cursor. Here the cursor holds the values of *every*
ordering field of the last row, and the next page is ``ROW(fields) > ROW(values)``: one index
range scan, however deep the page. The queryset's own ``order_by`` (set by the selector for the
requested sort) decides the ordering; its fields must all go the same direction and end with a
unique one.
"""

from __future__ import annotations

import base64
import binascii
import datetime
import json
from typing import Any

from django.core.exceptions import ImproperlyConfigured
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import models
from django.db.models import F, Func, QuerySet, Value
from django.db.models.lookups import GreaterThan, LessThan
from rest_framework.request import Request
from rest_framework.utils.urls import remove_query_param, replace_query_param

from accounts.errors import ValidationError
from accounts.pagination import CursorPagination

INVALID_CURSOR = "This cursor is not valid for this list: start again from the first page."


class _Row(Func):
    function = "ROW"
    output_field = models.Field()


def _exact(value: Any) -> str:
    """JSON for cursor values, keeping datetimes to the microsecond (DjangoJSONEncoder rounds
    them to milliseconds, which would skip or repeat rows)."""
    if isinstance(value, datetime.date | datetime.time):
        return value.isoformat()
    return str(value)


class KeysetCursorPagination(CursorPagination):
    ordering = "-id"  # only used when the queryset is not ordered

    def paginate_queryset(
        self, queryset: QuerySet, request: Request, view: Any = None
    ) -> list[Any] | None:
        self.request = request
        self.base_url = request.build_absolute_uri()
        self.page_size = self.get_page_size(request)
        if not self.page_size:
            return None
        if not queryset.query.order_by:
            queryset = queryset.order_by(self.ordering)
        self.fields, descending = self._ordering(queryset)
        position, self.reverse = self._decode(request, queryset)
        # Walking backwards: flip the order, take the rows before the position, flip back.
        backwards = descending != self.reverse
        if position is not None:
            compare = LessThan if backwards else GreaterThan
            row = _Row(*(F(name) for name in self.fields))
            queryset = queryset.filter(compare(row, _Row(*position)))
        if self.reverse:
            queryset = queryset.reverse()
        rows = list(queryset[: self.page_size + 1])
        more = len(rows) > self.page_size
        rows = rows[: self.page_size]
        if self.reverse:
            rows.reverse()
        self.has_next = more if not self.reverse else True
        self.has_previous = more if self.reverse else position is not None
        self.first_position = self._position(rows[0]) if rows else None
        self.last_position = self._position(rows[-1]) if rows else None
        if not rows and position is not None:  # an empty page still links back
            self.first_position = self.last_position = [v.value for v in position]
        self.page = rows
        self.display_page_controls = self.has_next or self.has_previous
        return rows

    def _ordering(self, queryset: QuerySet) -> tuple[list[str], bool]:
        names = [str(item) for item in queryset.query.order_by]
        if not all(isinstance(item, str) for item in queryset.query.order_by):
            raise ImproperlyConfigured("Keyset pagination needs the ordering as field names.")
        directions = {name.startswith("-") for name in names}
        if len(directions) != 1:
            raise ImproperlyConfigured("Keyset pagination needs one direction for all fields.")
        return [name.lstrip("-") for name in names], directions.pop()

    def _output_field(self, queryset: QuerySet, name: str) -> models.Field:
        annotation = queryset.query.annotations.get(name)
        if annotation is not None:
            return annotation.output_field
        return queryset.model._meta.get_field(name)

    def _decode(self, request: Request, queryset: QuerySet) -> tuple[list[Value] | None, bool]:
        encoded = request.query_params.get(self.cursor_query_param)
        if not encoded:
            return None, False
        try:
            data = json.loads(base64.urlsafe_b64decode(encoded.encode()).decode())
            values, reverse = data["p"], bool(data.get("r"))
            if not isinstance(values, list) or len(values) != len(self.fields):
                raise ValueError
            position = []
            for name, raw in zip(self.fields, values, strict=True):
                field = self._output_field(queryset, name)
                position.append(Value(field.to_python(raw), output_field=field))
        except (ValueError, TypeError, KeyError, binascii.Error, DjangoValidationError) as error:
            raise ValidationError(INVALID_CURSOR, fields={"cursor": [INVALID_CURSOR]}) from error
        return position, reverse

    def _position(self, row: Any) -> list[Any]:
        return [getattr(row, name) for name in self.fields]

    def _link(self, position: list[Any] | None, reverse: bool) -> str | None:
        if position is None:
            return None
        payload = json.dumps({"p": position, "r": int(reverse)}, default=_exact)
        token = base64.urlsafe_b64encode(payload.encode()).decode()
        return replace_query_param(self.base_url, self.cursor_query_param, token)

    def get_next_link(self) -> str | None:
        return self._link(self.last_position, False) if self.has_next else None

    def get_previous_link(self) -> str | None:
        if not self.has_previous:
            return None
        if not self.reverse and self.first_position is None:
            return remove_query_param(self.base_url, self.cursor_query_param)
        return self._link(self.first_position, True)
