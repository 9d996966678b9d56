"""orders.writes: a new order's rows, written at once (one statement on PostgreSQL), read back
as the ORM saw them: each item with its allocations, nullable columns left empty, primary keys
set on the objects; and nothing written when it is refused."""

from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from catalog import stock
from orders import writes
from orders.models import Allocation, Order, OrderItem, StatusChange

pytestmark = pytest.mark.django_db


def new_rows(user, *variants):
    order = Order(
        user=user,
        ship_street="1 Main St",
        ship_city="Springfield",
        ship_zip_code="62701",
        ship_country="US",
        subtotal=Decimal("72.50"),
        total=Decimal("78.30"),
        payment_status=Order.PaymentStatus.PENDING,
    )
    items = [
        OrderItem(
            order=order,
            variant=variant,
            product_id=variant.product_id,
            sku=variant.sku,
            product_name=variant.product.name,
            color=variant.color,
            size=variant.size,
            quantity=quantity,
            price=Decimal(price),
            subtotal=Decimal(price) * quantity,
        )
        for variant, quantity, price in variants
    ]
    history = StatusChange(order=order, status=Order.Status.PENDING_PAYMENT, note="Placed.")
    return order, items, history


def test_the_order_its_items_allocations_and_history_are_saved_together(
    user, jacket, socks, warehouse, store
):
    navy, wool = jacket.variants.get(), socks.variants.get()
    order, items, history = new_rows(user, (wool, 2, "12.50"), (navy, 3, "60.00"))
    allocations = stock.reserve([(navy.pk, 3), (wool.pk, 2)])
    with CaptureQueriesContext(connection) as written:
        writes.insert_placed(order=order, items=items, allocations=allocations, history=history)
    assert len(written) == (1 if connection.vendor == "postgresql" else 4)

    assert all(row.pk and not row._state.adding for row in (order, *items, history))
    saved = Order.objects.get(pk=order.pk)
    assert (saved.user_id, saved.total, saved.coupon_id, saved.number, saved.paid_at) == (
        user.pk,
        Decimal("78.30"),
        None,
        None,
        None,
    )
    assert saved.created_at == order.created_at
    assert [
        (item.pk, item.variant_id, item.quantity, item.price, item.subtotal)
        for item in saved.items.order_by("pk")
    ] == [(item.pk, item.variant_id, item.quantity, item.price, item.subtotal) for item in items]
    assert sorted(
        Allocation.objects.filter(item__order=saved).values_list(
            "item__variant_id", "location_id", "quantity"
        )
    ) == sorted([(navy.pk, warehouse.pk, 2), (navy.pk, store.pk, 1), (wool.pk, warehouse.pk, 2)])
    change = StatusChange.objects.get(order=saved)
    assert (change.pk, change.status, change.note, change.by_id) == (
        history.pk,
        "pending_payment",
        "Placed.",
        None,
    )


def test_two_items_of_one_variant_are_refused_and_nothing_is_written(user, socks):
    wool = socks.variants.get()
    order, items, history = new_rows(user, (wool, 1, "12.50"), (wool, 1, "12.50"))
    with pytest.raises(ValueError):
        writes.insert_placed(order=order, items=items, allocations=[], history=history)
    assert not Order.objects.exists() and not OrderItem.objects.exists()


def paid_rows(order):
    order.status, order.number = Order.Status.PAID, f"ORD-T-{order.pk}"
    order.payment_status, order.payment_id = Order.PaymentStatus.SUCCEEDED, "pay-1"
    return StatusChange(order=order, status=Order.Status.PAID, note="Payment approved.")


@pytest.mark.parametrize("still_pending", [True, False])
def test_marking_paid_writes_the_fields_and_history_only_while_pending(user, socks, still_pending):
    order, items, history = new_rows(user, (socks.variants.get(), 1, "12.50"))
    writes.insert_placed(order=order, items=items, allocations=[], history=history)
    if not still_pending:  # released meanwhile (release_stale_orders)
        Order.objects.filter(pk=order.pk).update(status=Order.Status.CANCELLED)
    paid = paid_rows(order)
    with CaptureQueriesContext(connection) as written:
        done = writes.mark_paid(
            order=order, fields=("status", "number", "payment_status", "payment_id"), history=paid
        )
    assert done is still_pending
    saved = Order.objects.get(pk=order.pk)
    history_rows = list(StatusChange.objects.filter(order=saved).values_list("status", flat=True))
    if still_pending:
        assert len(written) == (1 if connection.vendor == "postgresql" else 2)
        assert (saved.status, saved.number, saved.payment_id) == ("paid", order.number, "pay-1")
        assert history_rows == ["pending_payment", "paid"] and paid.pk and not paid._state.adding
    else:
        assert (saved.status, saved.number, saved.payment_id) == ("cancelled", None, "")
        assert history_rows == ["pending_payment"] and paid.pk is None
