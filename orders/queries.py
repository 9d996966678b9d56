"""Reads of orders that more than one caller needs (the API, pages, the sales agent and the
flows themselves), with what they load alongside so that no caller can forget it."""

from accounts.models import User
from catalog import stock
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
