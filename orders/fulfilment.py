"""Orders after payment: the fulfilment steps staff take (paid, processing, shipped, out for
delivery, delivered), the customer's cancelling before shipping, tracking, and the history row
and order_update socket event that every change of an order leaves."""

import secrets
import string
from datetime import date, timedelta

from django.db import transaction
from django.utils import timezone

from accounts.models import User
from catalog import stock
from core.realtime import send_to_user
from loyalty import services as loyalty
from orders import emails
from orders.errors import InvalidTransition, NotAllowed, OrderNotFound
from orders.models import RETURN_DAYS, Order, Refund, StatusChange
from orders.payments import get_gateway
from orders.queries import allocations_of
from orders.signals import order_status_changed

Status = Order.Status
FULFILMENT = [
    Status.PAID,
    Status.PROCESSING,
    Status.SHIPPED,
    Status.OUT_FOR_DELIVERY,
    Status.DELIVERED,
]
CANCELLABLE = {Status.PAID, Status.PROCESSING}
MAILED_STEPS = {Status.SHIPPED: "order_shipped", Status.DELIVERED: "order_delivered"}
DELIVERY_BUSINESS_DAYS = 5
CARRIER = "UPS"


# History and tracking


def record_history(*, order: Order, status: str, note: str = "", by: User | None = None) -> None:
    """A row of the order's history, and, once committed, an order_update to its owner's sockets."""
    announce_history(
        StatusChange.objects.create(order=order, status=status, note=note[:300], by=by)
    )


def announce_history(change: StatusChange) -> None:
    """Once committed, an order_update to the owner's sockets about a saved history row."""
    order = change.order
    event = {
        "type": "order_update",
        "order_id": order.pk,
        "order_number": order.number,
        "status": change.status,
        "note": change.note,
        "at": change.at.isoformat(),
    }
    transaction.on_commit(lambda: send_to_user(order.user_id, event))


def add_business_days(start: date, days: int) -> date:
    current = start
    while days:
        current += timedelta(days=1)
        if current.weekday() < 5:
            days -= 1
    return current


def assign_tracking(*, order: Order, paid_on: date) -> None:
    """Carrier, tracking number and delivery estimate for an order paid on ``paid_on``; set on
    ``order``, not saved (the caller saves the order once)."""
    order.carrier = CARRIER
    order.tracking_number = "1Z" + "".join(
        secrets.choice(string.ascii_uppercase + string.digits) for _ in range(16)
    )
    order.estimated_delivery = add_business_days(paid_on, DELIVERY_BUSINESS_DAYS)


# Fulfilment


@transaction.atomic
def advance(*, order_id: int, status: str, note: str = "", by: User | None = None) -> Order:
    """The next step on the fulfilment path, and only that: paid, processing, shipped,
    out_for_delivery, delivered."""
    order = Order.objects.select_for_update().filter(pk=order_id).first()
    if order is None:
        raise OrderNotFound()
    if (
        order.status not in FULFILMENT
        or status not in FULFILMENT
        or FULFILMENT.index(status) != FULFILMENT.index(order.status) + 1
    ):
        raise InvalidTransition(
            f"An order that is {order.get_status_display().lower()} can't become {status.replace('_', ' ')}.",
            status=order.status,
        )
    previous, order.status = order.status, status
    if status == Status.DELIVERED:
        order.delivered_at = timezone.now()
    order.save(update_fields=["status", "delivered_at"])
    record_history(order=order, status=status, note=note, by=by)
    if status in MAILED_STEPS:
        emails.queue(MAILED_STEPS[status], order)
    order_status_changed.send(sender=Order, order=order, previous=previous)
    return order


def why_not_cancellable(order: Order) -> str | None:
    """Why the order can't be cancelled any more, in words for its owner; None when it can."""
    if order.status in CANCELLABLE:
        return None
    if order.status == Status.CANCELLED:
        return f"Order {order.number} is already cancelled."
    if order.status == Status.DELIVERED:
        return (
            f"Order {order.number} was delivered, so it can't be cancelled; you can return it "
            f"within {RETURN_DAYS} days of delivery instead."
        )
    if order.status in (Status.SHIPPED, Status.OUT_FOR_DELIVERY):
        return (
            f"Order {order.number} has already shipped, so it can't be cancelled. Once it's "
            f"delivered you can return it within {RETURN_DAYS} days."
        )
    return f"Order {order.number} is {order.get_status_display().lower()} and can't be cancelled."


@transaction.atomic
def cancel(*, user: User, order_id: int) -> Order:
    """Before shipping: refund, restock, give back the points used and take back those earned."""
    order = Order.objects.select_for_update().filter(pk=order_id, user=user).first()
    if order is None:
        raise OrderNotFound()
    if order.status not in CANCELLABLE:
        raise NotAllowed(
            f"An order that is {order.get_status_display().lower()} can't be cancelled.",
            status=order.status,
        )
    refund = get_gateway().refund(
        payment_id=order.payment_id, amount=order.total, reference=f"order-{order.pk}-cancel"
    )
    Refund.objects.create(
        order=order, amount=order.total, refund_id=refund.refund_id, status=refund.status
    )
    stock.release(allocations_of(order))
    if order.points_redeemed:
        loyalty.reverse_points(
            user=user,
            points=order.points_redeemed,
            order_id=order.pk,
            reason="Order cancelled: points returned",
        )
    if order.points_earned:
        loyalty.reverse_points(
            user=user, points=-order.points_earned, order_id=order.pk, reason="Order cancelled"
        )
    if order.coupon_id:
        loyalty.release_coupon(coupon_id=order.coupon_id, user=user, order_id=order.pk)
    previous, order.status = order.status, Status.CANCELLED
    order.refunded_total = order.total
    order.save(update_fields=["status", "refunded_total"])
    record_history(
        order=order,
        status=Status.CANCELLED,
        note=f"Cancelled by the customer; ${order.total} refunded.",
        by=user,
    )
    emails.queue("order_cancelled", order, amount=str(order.total))
    order_status_changed.send(sender=Order, order=order, previous=previous)
    return order
