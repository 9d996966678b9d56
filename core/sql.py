"""Statements the ORM can't write in one round trip, and reads compiled once (ForIds)."""

import functools
import itertools
import json
import re
from dataclasses import dataclass

from django.db import connection, models
from django.db.models import BooleanField
from django.db.models.expressions import RawSQL
from django.db.models.query import get_related_populators


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


def insert_fields(model: type[models.Model], *, leave_out: tuple[str, ...] = ()) -> list:
    """The fields an INSERT of ``model`` writes, as the ORM's: every concrete field but those
    the database fills in (the auto primary key), less ``leave_out``."""
    return [
        field
        for field in model._meta.local_concrete_fields
        if not field.db_returning and field.name not in leave_out
    ]


def insert_params(obj: models.Model, fields: list) -> list:
    """``obj``'s values for ``fields`` as the ORM sends them in an INSERT (pre_save first, so
    auto_now fields are set on ``obj`` too)."""
    return [field.get_db_prep_save(field.pre_save(obj, True), connection) for field in fields]


def insert_or_ignore(obj: models.Model) -> None:
    """``bulk_create([obj], ignore_conflicts=True)``: INSERT ``obj`` unless a row with one of
    its unique values exists, with the statement built once per model (and prepared on
    PostgreSQL) rather than by the ORM each time. ``obj`` gets no primary key."""
    sql, fields = _insert_or_ignore(type(obj))
    with preparing_cursor() as cursor:
        cursor.execute(sql, insert_params(obj, fields))


@functools.cache
def _insert_or_ignore(model: type[models.Model]) -> tuple[str, list]:
    """insert_or_ignore's statement for ``model`` and the fields it writes, built once."""
    quote = connection.ops.quote_name
    fields = insert_fields(model)
    sql = (
        f"INSERT INTO {quote(model._meta.db_table)} "
        f"({', '.join(quote(field.column) for field in fields)}) "
        f"VALUES ({', '.join(['%s'] * len(fields))}) ON CONFLICT DO NOTHING"
    )
    return sql, fields


def saved(obj: models.Model, pk) -> None:
    """Mark ``obj`` as written by hand with primary key ``pk``, as save() leaves it."""
    obj.pk = pk
    obj._state.adding, obj._state.db = False, connection.alias


_SMALLEST_ID, _LARGEST_ID = -(2**63), 2**63 - 1


class ForIds:
    """A query narrowed to rows whose ``column`` is one of a list of ids, compiled to SQL once
    and run for any list with the list as one parameter. For small reads made on every request,
    where compiling the queryset (its joins, annotations and subqueries) takes longer than
    running it. ``rows()`` for a values_list() query: tuples through the fields' converters, as
    the ORM gives them (a Decimal on SQLite too); ``objects()`` for a model query: instances,
    select_related() and annotations included, built as the ORM builds them."""

    _SENTINEL = object()

    def __init__(self, make_queryset, column: str):
        self._make_queryset, self._column = make_queryset, column
        self._compiled: dict[str, _Compiled] = {}  # by database vendor

    def rows(self, ids: list[int]) -> list[tuple]:
        compiled, rows = self._run(ids)
        return [tuple(row) for row in rows] if compiled else []

    def objects(self, ids: list[int]) -> list:
        compiled, rows = self._run(ids)
        if not compiled:
            return []
        info, db = compiled.compiler.klass_info, connection.alias
        start, end = info["select_fields"][0], info["select_fields"][-1] + 1
        related = get_related_populators(info, compiled.compiler.select, db)
        annotations = compiled.compiler.annotation_col_map.items()
        made = []
        for row in rows:
            obj = info["model"].from_db(db, compiled.init_list, row[start:end])
            for populator in related:
                populator.populate(row, obj)
            for name, position in annotations:
                setattr(obj, name, row[position])
            made.append(obj)
        return made

    def _run(self, ids: list[int]) -> tuple["_Compiled | None", list]:
        # An id past a 64-bit column's range matches no row; as a parameter it would fail.
        ids = [pk for pk in ids if _SMALLEST_ID <= pk <= _LARGEST_ID]
        if not ids:
            return None, []
        compiled = self._compiled.get(connection.vendor) or self._compile()
        params = list(compiled.params)
        params[compiled.at] = (
            list(ids) if connection.vendor == "postgresql" else json.dumps(list(ids))
        )
        with preparing_cursor() as cursor:
            cursor.execute(compiled.sql, params)
            rows = cursor.fetchall()
        if compiled.converters:
            rows = list(compiled.compiler.apply_converters(rows, compiled.converters))
        return compiled, rows

    def _compile(self) -> "_Compiled":
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
        selected = compiler.select
        if compiler.klass_info:  # a model query: the columns of its own fields
            start, end = (
                compiler.klass_info["select_fields"][0],
                compiler.klass_info["select_fields"][-1] + 1,
            )
            init_list = [select[0].target.attname for select in selected[start:end]]
        else:
            init_list = []
        fields = [select[0] for select in selected[: compiler.col_count]]
        compiled = _Compiled(
            sql=sql,
            params=tuple(params),
            at=next(i for i, param in enumerate(params) if param is self._SENTINEL),
            compiler=compiler,
            converters=compiler.get_converters(fields),
            init_list=init_list,
        )
        self._compiled[connection.vendor] = compiled
        return compiled


def preparing_cursor():
    """On PostgreSQL, a cursor that binds its parameters on the server, so that psycopg prepares
    a statement once it has run a few times on a connection (prepare_threshold) and PostgreSQL
    stops planning it anew each time: for SQL that is the same every time and takes longer to
    plan than to run (ForIds' reads; stock's and points' writes of several tables at once).
    Django's cursors bind on the client, which the ORM's SQL at large needs (#20516); this one
    is for SQL known to bind.
    Wrapped as Django wraps its own: logged, counted, execute wrappers and errors as usual."""
    if connection.vendor != "postgresql":
        return connection.cursor()
    from django.db.backends.postgresql.base import ServerBindingCursor

    connection.ensure_connection()
    cursor = ServerBindingCursor(connection.connection)
    if connection.queries_logged:
        return connection.make_debug_cursor(cursor)
    return connection.make_cursor(cursor)


def numbered(sql: str) -> str:
    """``sql`` (PostgreSQL) with its %s placeholders as $1, $2, ...: for numbered_cursor()."""
    count = itertools.count(1)
    return re.sub(r"%s", lambda _: f"${next(count)}", sql)


def numbered_cursor():
    """preparing_cursor() for SQL whose placeholders are numbered already (numbered()). psycopg
    turns %s into $n itself, and keeps what it made only for statements of up to 50
    parameters: an order's insert (insert_placed: 53 and up) was converted again each time,
    a quarter of a millisecond."""
    connection.ensure_connection()
    cursor = _numbered_cursor_class()(connection.connection)
    if connection.queries_logged:
        return connection.make_debug_cursor(cursor)
    return connection.make_cursor(cursor)


@functools.cache
def _numbered_cursor_class():
    """psycopg's RawCursor as Django makes its own cursors (callproc); made on first use, as
    the PostgreSQL backend is imported only when it is the database."""
    from django.db.backends.postgresql.base import CursorMixin
    from psycopg import RawCursor

    return type("NumberedCursor", (CursorMixin, RawCursor), {})


@dataclass(frozen=True)
class _Compiled:
    sql: str
    params: tuple
    at: int  # the position of the ids among the parameters
    compiler: object
    converters: dict
    init_list: list[str]
