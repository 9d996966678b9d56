"""Statements the ORM can't write in one round trip."""

import json

from django.db import connection, models
from django.db.models import BooleanField
from django.db.models.expressions import RawSQL


def add_returning(
    model: type[models.Model],
    *,
    where: dict[str, object],
    add: dict[str, int],
    returning: tuple[str, ...],
) -> tuple | None:
    """``UPDATE ... SET f = f + n WHERE ... RETURNING ...``: the ORM's update() followed by a
    SELECT of the new values, in one statement (PostgreSQL; SQLite 3.35+). ``where`` holds
    ``field=value`` and ``field__gte=value`` conditions. None when no row matched."""
    quote = connection.ops.quote_name

    def column(name: str) -> str:
        return quote(model._meta.get_field(name).column)

    conditions, params = [], []
    sets = [f"{column(name)} = {column(name)} + %s" for name in add]
    params += list(add.values())
    for key, value in where.items():
        name, _, lookup = key.partition("__")
        conditions.append(f"{column(name)} {'>=' if lookup == 'gte' else '='} %s")
        params.append(value)
    sql = (
        f"UPDATE {quote(model._meta.db_table)} SET {', '.join(sets)} WHERE {' AND '.join(conditions)} "
        f"RETURNING {', '.join(column(name) for name in returning)}"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchone()


class ForIds:
    """A values_list() query narrowed to rows whose ``column`` is one of a list of ids, compiled
    to SQL once and run for any list with the list as one parameter. For small reads made on
    every request: compiling a queryset takes longer than running such a query. Rows come
    through the fields' converters, as the ORM gives them (a Decimal on SQLite too)."""

    _SENTINEL = object()

    def __init__(self, make_queryset, column: str):
        self._make_queryset, self._column = make_queryset, column
        self._compiled: dict[str, tuple] = {}  # by database vendor

    def rows(self, ids: list[int]) -> list[tuple]:
        if not ids:
            return []
        sql, params, at, compiler, converters = self._compiled.get(connection.vendor) or (
            self._compile()
        )
        params = list(params)
        params[at] = list(ids) if connection.vendor == "postgresql" else json.dumps(list(ids))
        with connection.cursor() as cursor:
            cursor.execute(sql, params)
            rows = cursor.fetchall()
        if converters:
            rows = compiler.apply_converters(rows, converters)
        return [tuple(row) for row in rows]

    def _compile(self) -> tuple:
        queryset = self._make_queryset()
        table = connection.ops.quote_name(queryset.model._meta.db_table)
        column = f"{table}.{connection.ops.quote_name(self._column)}"
        if connection.vendor == "postgresql":
            narrow = RawSQL(f"{column} = ANY(%s)", (self._SENTINEL,), BooleanField())
        else:
            narrow = RawSQL(
                f"{column} IN (SELECT value FROM json_each(%s))", (self._SENTINEL,), BooleanField()
            )
        queryset = queryset.alias(for_ids=narrow).filter(for_ids=True)
        compiler = queryset.query.get_compiler(connection=connection)
        sql, params = compiler.as_sql()
        at = next(i for i, param in enumerate(params) if param is self._SENTINEL)
        fields = [selected[0] for selected in compiler.select[: compiler.col_count]]
        compiled = (sql, tuple(params), at, compiler, compiler.get_converters(fields))
        self._compiled[connection.vendor] = compiled
        return compiled
