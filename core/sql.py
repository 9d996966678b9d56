"""Statements the ORM can't write in one round trip."""

from django.db import connection, models


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
