"""Reads of orders that more than one caller needs (the API, pages, the sales agent and the
flows themselves), with what they load alongside so that no caller can forget it."""

import functools

from django.db import connection
from django.db.models import Q

from accounts.models import User
from catalog import stock
from core.sql import preparing_cursor
from orders.errors import OrderNotFound
from orders.models import Allocation, Order


def orders_of(user: User):
    """The user's orders, newest first, with their items, history and returns."""
    return Order.objects.filter(user=user).prefetch_related("items", "history", "returns")


def order_for_shopper(user: User, *, number: str = "", prefer: set[str] = frozenset()):
    """The user's order with this number (any case), else their newest order in a ``prefer``
    status, else their newest; None when there is none."""
    mine = orders_of(user)
    if number:
        return mine.filter(number__iexact=number.strip()).first()
    return mine.filter(status__in=prefer).first() or mine.first()


def order_of(user: User, order_id) -> Order:
    """One of the user's orders, as orders_of loads it; OrderNotFound when it isn't theirs."""
    order = orders_of(user).filter(pk=order_id).first()
    if order is None:
        raise OrderNotFound()
    return order


def allocations_of(order: Order) -> list[stock.Allocation]:
    """Where the order's units were taken from, to give them back there (a variant deleted
    since has nowhere to go back to)."""
    rows = Allocation.objects.filter(item__order=order).select_related("item")
    return [
        stock.Allocation(row.item.variant_id, row.location_id, row.quantity)
        for row in rows
        if row.item.variant_id
    ]


def paying_or_keyed(*, user_id: int, key: str | None, fields: tuple[str, ...]) -> list[Order]:
    """The user's orders still being paid for, and the one placed with the Idempotency-Key
    ``key``, with ``fields`` (and the key) loaded: what placing an order asks on every order.
    On PostgreSQL a statement built once (and prepared); the ORM's query elsewhere."""
    if connection.vendor != "postgresql":
        matches = Q(status=Order.Status.PENDING_PAYMENT)
        if key:
            matches |= Q(idempotency_key=key)
        return list(
            Order.objects.filter(matches, user_id=user_id)
            .order_by()
            .only("idempotency_key", *fields)
        )
    sql, attnames = _paying_or_keyed(fields)
    with preparing_cursor() as cursor:
        cursor.execute(sql, [user_id, Order.Status.PENDING_PAYMENT, key or None])
        rows = cursor.fetchall()
    return [Order.from_db(connection.alias, attnames, row) for row in rows]


@functools.cache
def _paying_or_keyed(fields: tuple[str, ...]) -> tuple[str, list[str]]:
    """paying_or_keyed's statement (PostgreSQL) and the columns it reads, built once."""
    quote, meta = connection.ops.quote_name, Order._meta
    wanted = {"id", "idempotency_key", *fields}
    # In the model's field order, as from_db() takes the values.
    read = [field for field in meta.concrete_fields if field.name in wanted]

    def column(name: str) -> str:
        return quote(meta.get_field(name).column)

    # With no key, "= NULL" matches nothing: one statement either way.
    sql = (
        f"SELECT {', '.join(quote(field.column) for field in read)} FROM {quote(meta.db_table)} "
        f"WHERE {column('user')} = %s AND ({column('status')} = %s "
        f"OR {column('idempotency_key')} = %s)"
    )
    return sql, [field.attname for field in read]
