"""ORM reads compiled once per process, for the board's hottest write (a deal move).

Compiling a queryset into SQL costs about as much CPU as the database takes to answer a locked
single-row read; a move makes three or four such reads whose SQL only differs in the values
(ids, a rank). A ``Statement`` builds its queryset once, with placeholder values, keeps the SQL
the ORM made of it and, on each run, sends that SQL with the real values in the placeholders'
positions. Rows become model instances (``select_related`` ones included) exactly as iterating
the queryset would make them, with Django's own converters and populators.

Only for querysets whose SQL does not depend on the values: no ``None`` (``IS NULL``), no
lists (``IN``), no slices taken from them. Values of the wrong type are refused.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.db import connections
from django.db.models import Model, QuerySet
from django.db.models.query import get_related_populators
from django.db.transaction import TransactionManagementError

_SENTINEL_INT = -2_000_000_000  # negative: no row has it; within 32 bits: no range check


@dataclass(frozen=True)
class _Compiled:
    alias: str
    sql: str
    params: tuple[Any, ...]
    slots: tuple[tuple[int, str], ...]
    compiler: Any
    init_list: list[str]
    start: int
    end: int
    populators: list[Any]
    locks: bool


class Statement:
    """``Statement(build, pk=int, rank=str)``; ``run(pk=…, rank=…)`` answers the model instances
    ``build(pk=…, rank=…)`` would, from SQL compiled once."""

    def __init__(self, build: Callable[..., QuerySet], **kinds: type) -> None:
        if any(kind not in (int, str) for kind in kinds.values()):
            raise TypeError("Statement values are ints or strings")
        self._build = build
        self._kinds = kinds
        self._compiled: _Compiled | None = None  # one database (the project has one)

    def _sentinels(self) -> dict[str, Any]:
        return {
            name: _SENTINEL_INT - n if kind is int else f"\x1f{name}-placeholder-{n}\x1f"
            for n, (name, kind) in enumerate(self._kinds.items())
        }

    def _compile(self) -> _Compiled:
        sentinels = self._sentinels()
        queryset = self._build(**sentinels)
        if queryset._known_related_objects or queryset._prefetch_related_lookups:
            raise ValueError("A Statement cannot come from a related manager or prefetch")
        alias = queryset.db
        compiler = queryset.query.get_compiler(using=alias)
        sql, params = compiler.as_sql()
        slots = tuple(
            (index, name)
            for index, value in enumerate(params)
            for name, sentinel in sentinels.items()
            if type(value) is type(sentinel) and value == sentinel
        )
        filled = {index for index, _ in slots}
        if {name for _, name in slots} != set(sentinels) or any(
            isinstance(value, str) and "\x1f" in value and index not in filled
            for index, value in enumerate(params)
        ):
            raise ValueError("A Statement's values must each be a whole parameter of its SQL")
        if compiler.annotation_col_map:
            raise ValueError("A Statement cannot have annotations")
        klass_info, select = compiler.klass_info, compiler.select
        fields = klass_info["select_fields"]
        start, end = fields[0], fields[-1] + 1
        self._compiled = _Compiled(
            alias=alias,
            sql=sql,
            params=tuple(params),
            slots=slots,
            compiler=compiler,
            init_list=[column[0].target.attname for column in select[start:end]],
            start=start,
            end=end,
            populators=get_related_populators(klass_info, select, alias),
            locks=queryset.query.select_for_update,
        )
        return self._compiled

    def run(self, **values: Any) -> list[Model]:
        for name, kind in self._kinds.items():
            if type(values[name]) is not kind:
                raise TypeError(f"{name} must be {kind.__name__}, not {values[name]!r}")
        compiled = self._compiled or self._compile()
        alias = compiled.alias
        connection = connections[alias]
        if compiled.locks and connection.get_autocommit():
            raise TransactionManagementError(
                "select_for_update cannot be used outside of a transaction."
            )
        params = list(compiled.params)
        for index, name in compiled.slots:
            params[index] = values[name]
        with connection.cursor() as cursor:
            cursor.execute(compiled.sql, params)
            rows = cursor.fetchall()
        compiler = compiled.compiler
        model_cls = compiler.klass_info["model"]
        objects = []
        for row in compiler.results_iter([rows]):
            obj = model_cls.from_db(alias, compiled.init_list, row[compiled.start : compiled.end])
            for populator in compiled.populators:
                populator.populate(row, obj)
            objects.append(obj)
        return objects
