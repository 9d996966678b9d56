"""An order's rows written at once, on PostgreSQL in one statement where the ORM takes several
round trips: a new order with its items, their stock allocations and its first history row;
the payment's fields with the history row that records it."""

import functools

from django.db import connection

from catalog import stock
from core.sql import (
    insert_fields,
    insert_params,
    numbered,
    numbered_cursor,
    preparing_cursor,
    saved,
)
from orders.models import Allocation, Order, OrderItem, StatusChange


def insert_placed(
    *,
    order: Order,
    items: list[OrderItem],
    allocations: list[stock.Allocation],
    history: StatusChange,
) -> None:
    """Save the unsaved ``order``, its ``items`` (one per variant), the stock ``allocations``
    stock.reserve made for them and its ``history`` row; each gets its primary key, as save()
    gives it."""
    if not items or len({item.variant_id for item in items}) != len(items):
        raise ValueError("An order has at least one item, and one per variant.")
    if connection.vendor != "postgresql":
        order.save(force_insert=True)
        OrderItem.objects.bulk_create(items)
        item_by_variant = {item.variant_id: item for item in items}
        Allocation.objects.bulk_create(
            [
                Allocation(
                    item=item_by_variant[a.variant_id],
                    location_id=a.location_id,
                    quantity=a.quantity,
                )
                for a in allocations
            ]
        )
        history.save(force_insert=True)
        return
    params = insert_params(order, _fields(Order))
    for item in items:
        params += insert_params(item, _fields(OrderItem))
    for allocation in allocations:
        params += [allocation.variant_id, allocation.location_id, allocation.quantity]
    params += insert_params(history, _fields(StatusChange))
    with numbered_cursor() as cursor:
        cursor.execute(_placed_sql(len(items), len(allocations)), params)
        rows = cursor.fetchall()
    item_by_variant = {item.variant_id: item for item in items}
    for kind, pk, variant_id in rows:
        if kind == _ORDER:
            saved(order, pk)
        elif kind == _ITEM:
            saved(item_by_variant[variant_id], pk)
        else:
            saved(history, pk)
    for row in (*items, history):
        row.order = order  # its order_id, now that the order has one


def mark_paid(*, order: Order, fields: tuple[str, ...], history: StatusChange) -> bool:
    """Write ``order``'s ``fields`` and save ``history``, only while the order is still
    pending payment (the UPDATE locks the row and checks in one). False, with nothing written,
    when it was settled or released meanwhile."""
    if connection.vendor != "postgresql":
        changed = Order.objects.filter(pk=order.pk, status=Order.Status.PENDING_PAYMENT).update(
            **{name: getattr(order, name) for name in fields}
        )
        if changed:
            history.save(force_insert=True)
        return bool(changed)
    updated = [Order._meta.get_field(name) for name in fields]
    params = [
        field.get_db_prep_save(getattr(order, field.attname), connection) for field in updated
    ]
    params += [order.pk, Order.Status.PENDING_PAYMENT]
    params += insert_params(history, _fields(StatusChange))
    with preparing_cursor() as cursor:
        cursor.execute(_paid_sql(fields), params)
        row = cursor.fetchone()
    if row is None:
        return False
    saved(history, row[0])
    return True


_ORDER, _ITEM, _HISTORY = 0, 1, 2


@functools.cache
def _fields(model) -> list:
    """The columns written from ``model``'s instance; an item's and a history row's order comes
    from the order's INSERT."""
    return insert_fields(model, leave_out=() if model is Order else ("order",))


@functools.cache
def _placed_sql(item_count: int, allocation_count: int) -> str:
    """insert_placed's statement for that many items and allocations (PostgreSQL), built once,
    its placeholders numbered (numbered_cursor).
    The items' and the history's values are cast to their columns' types: in a SELECT, unlike
    in INSERT ... VALUES, a parameter whose type the driver leaves open (a None) would be text."""
    quote = connection.ops.quote_name

    def table(model) -> str:
        return quote(model._meta.db_table)

    def column(model, name: str) -> str:
        return quote(model._meta.get_field(name).column)

    def columns(model) -> str:
        return ", ".join(quote(field.column) for field in _fields(model))

    def rows(model, count: int) -> str:
        row = ", ".join(f"%s::{field.db_type(connection)}" for field in _fields(model))
        return ", ".join([f"({row})"] * count)

    def pk(model) -> str:
        return quote(model._meta.pk.column)

    plain = ", ".join(["%s"] * len(_fields(Order)))
    allocations = ", ".join(["(%s::bigint, %s::bigint, %s::integer)"] * allocation_count)
    order_id, item_id, history_id = pk(Order), pk(OrderItem), pk(StatusChange)
    variant = column(OrderItem, "variant")
    new_order = (
        f"new_order AS (INSERT INTO {table(Order)} ({columns(Order)}) VALUES ({plain}) "
        f"RETURNING {order_id} AS id)"
    )
    new_items = (
        f"items AS (INSERT INTO {table(OrderItem)} ({column(OrderItem, 'order')}, "
        f"{columns(OrderItem)}) SELECT new_order.id, v.* FROM new_order, "
        f"(VALUES {rows(OrderItem, item_count)}) AS v "
        f"RETURNING {item_id} AS id, {variant} AS variant_id)"
    )
    ctes = [new_order, new_items]
    if allocation_count:
        ctes.append(
            f"allocations AS (INSERT INTO {table(Allocation)} ({column(Allocation, 'item')}, "
            f"{column(Allocation, 'location')}, {column(Allocation, 'quantity')}) "
            "SELECT items.id, v.location_id, v.quantity FROM items "
            f"JOIN (VALUES {allocations}) AS v(variant_id, location_id, quantity) "
            "ON v.variant_id = items.variant_id)"
        )
    ctes.append(
        f"history AS (INSERT INTO {table(StatusChange)} ({column(StatusChange, 'order')}, "
        f"{columns(StatusChange)}) SELECT new_order.id, v.* FROM new_order, "
        f"(VALUES {rows(StatusChange, 1)}) AS v RETURNING {history_id} AS id)"
    )
    return numbered(
        f"WITH {', '.join(ctes)} "
        f"SELECT {_ORDER}, id, NULL::bigint FROM new_order "
        f"UNION ALL SELECT {_ITEM}, id, variant_id FROM items "
        f"UNION ALL SELECT {_HISTORY}, id, NULL FROM history"
    )


@functools.cache
def _paid_sql(fields: tuple[str, ...]) -> str:
    """mark_paid's statement for those fields (PostgreSQL), built once."""
    quote = connection.ops.quote_name
    order, history = Order._meta, StatusChange._meta
    sets = ", ".join(f"{quote(order.get_field(name).column)} = %s" for name in fields)
    pk = quote(order.pk.column)
    values = ", ".join(f"%s::{field.db_type(connection)}" for field in _fields(StatusChange))
    columns = ", ".join(quote(field.column) for field in _fields(StatusChange))
    return (
        f"WITH paid AS (UPDATE {quote(order.db_table)} SET {sets} "
        f"WHERE {pk} = %s AND {quote(order.get_field('status').column)} = %s RETURNING {pk} AS id) "
        f"INSERT INTO {quote(history.db_table)} ({quote(history.get_field('order').column)}, "
        f"{columns}) SELECT paid.id, {values} FROM paid RETURNING {quote(history.pk.column)}"
    )
