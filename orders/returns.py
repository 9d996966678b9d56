"""Returns: the customer asks within RETURN_DAYS of delivery; staff approve or reject it, and
receiving the parcel restocks, refunds through the gateway and takes back the points earned."""

from datetime import timedelta
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Sum
from django.utils import timezone

from accounts.models import User
from cart import pricing
from catalog import stock
from core.errors import APIError
from loyalty import rules as loyalty_rules
from loyalty import services as loyalty
from orders import emails
from orders.errors import InvalidTransition, NotAllowed, OrderNotFound
from orders.fulfilment import record_history
from orders.models import RETURN_DAYS, Order, Refund, Return, ReturnItem
from orders.payments import get_gateway
from orders.signals import order_status_changed, return_refunded

Status = Order.Status


def _returned_so_far(order: Order, *, exclude: Return | None = None) -> dict[int, int]:
    rows = ReturnItem.objects.filter(return_request__order=order).exclude(
        return_request__status=Return.Status.REJECTED
    )
    if exclude is not None:
        rows = rows.exclude(return_request=exclude)
    return dict(
        rows.values("order_item").annotate(n=Sum("quantity")).values_list("order_item", "n")
    )


def why_not_returnable(order: Order) -> str | None:
    """Why the order can't be returned, in words for its owner; None when it can."""
    if order.status != Status.DELIVERED or order.delivered_at is None:
        return (
            f"Order {order.number} hasn't been delivered yet (it's "
            f"{order.get_status_display().lower()}); once it's delivered you can return it "
            f"within {RETURN_DAYS} days."
        )
    if timezone.now() > order.delivered_at + timedelta(days=RETURN_DAYS):
        return (
            f"Order {order.number} was delivered on {order.delivered_at:%B %-d}; returns are "
            f"accepted within {RETURN_DAYS} days of delivery."
        )
    return None


@transaction.atomic
def request_return(*, user: User, order_id: int, reason: str, items: list[dict]) -> Return:
    order = Order.objects.select_for_update().filter(pk=order_id, user=user).first()
    if order is None:
        raise OrderNotFound()
    if order.status != Status.DELIVERED or order.delivered_at is None:
        raise NotAllowed("Only delivered orders can be returned.", status=order.status)
    if why_not_returnable(order):
        raise NotAllowed(f"Returns are accepted within {RETURN_DAYS} days of delivery.")
    bought = {item.pk: item for item in order.items.all()}
    already = _returned_so_far(order)
    wanted: dict[int, int] = {}
    for entry in items:
        wanted[entry["order_item_id"]] = wanted.get(entry["order_item_id"], 0) + entry["quantity"]
    errors = []
    for item_id, quantity in wanted.items():
        item = bought.get(item_id)
        if item is None:
            errors.append(f"Item {item_id} is not part of this order.")
        elif quantity > item.quantity - already.get(item_id, 0):
            errors.append(
                f"At most {item.quantity - already.get(item_id, 0)} of {item.product_name} can be returned."
            )
    if errors:
        raise ValidationError({"items": errors})
    request = Return.objects.create(order=order, reason=reason.strip())
    ReturnItem.objects.bulk_create(
        [
            ReturnItem(return_request=request, order_item=bought[i], quantity=q)
            for i, q in wanted.items()
        ]
    )
    request.refund_amount, request.points_reversed = refund_for(order, request)
    request.save(update_fields=["refund_amount", "points_reversed"])
    return request


def refund_for(order: Order, request: Return) -> tuple[Decimal, int]:
    """Money (cart.pricing.refund) and points (loyalty.rules.points_reversed) a return gives
    back, in proportion to the value of the returned units; the return that completes the
    order gets what is left of both."""
    others = (
        Return.objects.filter(order=order)
        .exclude(pk=request.pk)
        .exclude(status=Return.Status.REJECTED)
    )
    refunded = others.aggregate(total=Sum("refund_amount"))["total"] or Decimal("0.00")
    points_back = others.aggregate(total=Sum("points_reversed"))["total"] or 0
    value = sum(
        (
            pricing.line_total(ri.order_item.price, ri.quantity)
            for ri in request.items.select_related("order_item")
        ),
        Decimal(0),
    )
    returned = _returned_so_far(order)
    everything = all(returned.get(item.pk, 0) >= item.quantity for item in order.items.all())
    money = pricing.refund(
        paid_for_goods=order.merchandise + order.tax,
        subtotal=order.subtotal,
        returned_value=value,
        refunded_so_far=refunded,
        completes_order=everything,
    )
    points = loyalty_rules.points_reversed(
        earned=order.points_earned,
        reversed_so_far=points_back,
        returned_value=value,
        subtotal=order.subtotal,
        completes_order=everything,
    )
    return money, points


def _staff_return(return_id: int) -> Return:
    request = (
        Return.objects.select_for_update().select_related("order").filter(pk=return_id).first()
    )
    if request is None:
        raise APIError("No such return.", code="not_found")
    return request


def _step(request: Return, allowed: set, to: str) -> None:
    if request.status not in allowed:
        raise InvalidTransition(
            f"A return that is {request.status} can't be {to}.", status=request.status
        )


@transaction.atomic
def approve_return(*, return_id: int, by: User | None = None) -> Return:
    request = _staff_return(return_id)
    _step(request, {Return.Status.REQUESTED}, "approved")
    request.status = Return.Status.APPROVED
    request.save(update_fields=["status", "updated_at"])
    record_history(
        order=request.order,
        status=request.order.status,
        note=f"Return {request.pk} approved.",
        by=by,
    )
    emails.queue("return_approved", request.order, once=request.pk, return_id=request.pk)
    return request


@transaction.atomic
def reject_return(*, return_id: int, note: str, by: User | None = None) -> Return:
    request = _staff_return(return_id)
    _step(request, {Return.Status.REQUESTED, Return.Status.APPROVED}, "rejected")
    request.status, request.note = Return.Status.REJECTED, note[:300]
    request.save(update_fields=["status", "note", "updated_at"])
    record_history(
        order=request.order,
        status=request.order.status,
        note=f"Return {request.pk} rejected: {note}",
        by=by,
    )
    emails.queue("return_rejected", request.order, once=request.pk, return_id=request.pk)
    return request


@transaction.atomic
def receive_return(*, return_id: int, by: User | None = None) -> Return:
    """The parcel is back: restock, refund through the gateway, take back the points."""
    request = _staff_return(return_id)
    _step(request, {Return.Status.APPROVED}, "received")
    order = Order.objects.select_for_update().get(pk=request.order_id)
    request.refund_amount, request.points_reversed = refund_for(order, request)
    request.status = Return.Status.RECEIVED
    stock.release(_return_allocations(request))
    refund = get_gateway().refund(
        payment_id=order.payment_id, amount=request.refund_amount, reference=f"return-{request.pk}"
    )
    Refund.objects.create(
        order=order,
        return_request=request,
        amount=request.refund_amount,
        refund_id=refund.refund_id,
        status=refund.status,
    )
    if request.points_reversed:
        loyalty.reverse_points(
            user=order.user,
            points=-request.points_reversed,
            order_id=order.pk,
            reason=f"Return {request.pk}",
        )
    request.status, request.refund_id = Return.Status.REFUNDED, refund.refund_id
    request.save()
    order.refunded_total += request.refund_amount
    previous = order.status
    returned = _returned_so_far(order)
    refunded_all = (
        not Return.objects.filter(order=order)
        .exclude(pk=request.pk)
        .exclude(status__in=[Return.Status.REFUNDED, Return.Status.REJECTED])
        .exists()
    )
    if refunded_all and all(
        returned.get(item.pk, 0) >= item.quantity for item in order.items.all()
    ):
        order.status = Status.RETURNED
        record_history(
            order=order, status=Status.RETURNED, note="Every item returned and refunded.", by=by
        )
    else:
        record_history(
            order=order,
            status=order.status,
            note=f"Return {request.pk} received; ${request.refund_amount} refunded.",
            by=by,
        )
    order.save(update_fields=["status", "refunded_total"])
    emails.queue(
        "return_refunded",
        order,
        once=request.pk,
        return_id=request.pk,
        amount=str(request.refund_amount),
    )
    return_refunded.send(sender=Return, return_request=request, order=order)
    if order.status != previous:
        order_status_changed.send(sender=Order, order=order, previous=previous)
    return request


def _return_allocations(request: Return) -> list[stock.Allocation]:
    """Returned units go back to where they were taken from, first location first."""
    back = []
    for return_item in request.items.select_related("order_item"):
        remaining = return_item.quantity
        for allocation in return_item.order_item.allocations.order_by("id"):
            if remaining == 0 or return_item.order_item.variant_id is None:
                break
            units = min(remaining, allocation.quantity)
            back.append(
                stock.Allocation(return_item.order_item.variant_id, allocation.location_id, units)
            )
            remaining -= units
    return back
