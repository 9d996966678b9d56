"""Orders: placing one from the cart, paying, tracking, cancelling and returning.

Placing an order is three short steps, so that no lock is held while the gateway thinks:
  1. one transaction: price the cart, reserve stock (catalog.stock), take the coupon, write the
     order as pending_payment;
  2. authorize the payment, outside any transaction;
  3. one transaction: mark it paid, spend and earn points, clear the cart. A decline (or a
     failure in 3) gives back the stock and the coupon and leaves cart and points as they were.
A crash or a gateway timeout between the steps leaves a pending_payment order, which
release_stale_orders() settles by the gateway's records: completed if it approved, else undone.
"""

import math
import secrets
import string
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

import structlog
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Sum
from django.utils import timezone

from accounts.models import Address, PaymentMethod, User
from cart import pricing
from cart import services as cart_services
from cart.models import Cart, CheckoutSession
from catalog import stock
from core.errors import APIError
from core.realtime import send_to_user
from loyalty import services as loyalty
from orders.models import Allocation, Order, OrderItem, Refund, Return, ReturnItem, StatusChange
from orders.payments import get_gateway

log = structlog.get_logger(__name__)

Status = Order.Status
FULFILMENT = [
    Status.PAID,
    Status.PROCESSING,
    Status.SHIPPED,
    Status.OUT_FOR_DELIVERY,
    Status.DELIVERED,
]
CANCELLABLE = {Status.PAID, Status.PROCESSING}
RETURN_DAYS = 30
DELIVERY_BUSINESS_DAYS = 5
CARRIER = "UPS"


class OrderNotFound(APIError):
    status_code = 404
    default_code = "not_found"
    default_detail = "No such order."


class PaymentDeclined(APIError):
    status_code = 402
    default_code = "payment_declined"


class PaymentUnavailable(APIError):
    status_code = 502
    default_code = "payment_unavailable"
    default_detail = (
        "We could not reach the payment service; you have not been charged. Please try again."
    )


class RequestInProgress(APIError):
    status_code = 409
    default_code = "request_in_progress"
    default_detail = "An order with this Idempotency-Key is still being placed; retry in a moment."


class CheckoutExpired(APIError):
    status_code = 409
    default_code = "checkout_expired"
    default_detail = "This checkout has expired or the cart has changed since; review your cart."


class InvalidTransition(APIError):
    status_code = 409
    default_code = "invalid_transition"


class NotAllowed(APIError):
    status_code = 409
    default_code = "not_allowed"


class AddressNotFound(APIError):
    status_code = 404
    default_code = "address_not_found"
    default_detail = "No such address in your account."


class PaymentMethodNotFound(APIError):
    status_code = 404
    default_code = "payment_method_not_found"
    default_detail = "No such payment method in your account."


# Placing an order


@dataclass
class Placed:
    order: Order
    replayed: bool = False  # an earlier request with the same Idempotency-Key placed it


def place_order(
    *,
    user: User,
    address_id: int,
    payment_method_id: int,
    checkout_id=None,
    idempotency_key: str | None = None,
) -> Placed:
    """The placed order, ready to show (items loaded); or an earlier one with the same key."""
    try:
        order, created = _reserve(
            user=user,
            address_id=address_id,
            payment_method_id=payment_method_id,
            checkout_id=checkout_id,
            idempotency_key=idempotency_key,
        )
        if not created:
            return _replay(user, order)
    except IntegrityError:
        # Another request with this key got there first, a moment ago.
        earlier = Order.objects.filter(user=user, idempotency_key=idempotency_key).first()
        if earlier is None:
            raise
        return _replay(user, earlier)

    try:
        result = get_gateway().authorize(
            amount=order.total,
            currency=order.currency,
            method=order.payment_method,
            reference=_reference(order),
        )
    except Exception as exc:
        # A timeout may hide an approval: the gateway's records say which.
        log.exception("payment_gateway_failed", order_id=order.pk)
        try:
            result = get_gateway().find(reference=_reference(order))
        except Exception:
            log.exception("payment_outcome_unknown", order_id=order.pk)
            raise PaymentUnavailable(
                "We could not confirm your payment. If it went through, the order will be completed; "
                "if not, nothing is charged and the items are released.",
                code="payment_unconfirmed",
            ) from exc
        if result is None:
            _abandon(
                order, note="The payment service could not be reached.", payment_status="error"
            )
            raise PaymentUnavailable() from exc
    return Placed(_settle(order, result))


def _reference(order: Order) -> str:
    return f"order-{order.pk}"


def _settle(order: Order, result) -> Order:
    """The gateway's verdict applied: paid, or cancelled with stock and coupon back (and the
    money back when it was taken but the order can't stand). Raises the refusal's APIError."""
    if not result.succeeded:
        _abandon(
            order,
            note=f"Payment declined: {result.message}",
            payment_status="declined",
            payment_id=result.payment_id,
            message=result.message,
        )
        raise PaymentDeclined(result.message, payment_id=result.payment_id)
    try:
        return _complete(order, result)
    except APIError:
        # Paid, but the order can't stand (points spent elsewhere, or it was released meanwhile).
        refund = get_gateway().refund(
            payment_id=result.payment_id, amount=order.total, reference=f"{_reference(order)}-void"
        )
        Refund.objects.create(
            order=order, amount=order.total, refund_id=refund.refund_id, status=refund.status
        )
        _abandon(
            order,
            note="The order could not be completed; the payment was refunded.",
            payment_status="refunded",
            payment_id=result.payment_id,
            message=result.message,
        )
        raise


def _replay(user: User, order: Order) -> Placed:
    if order.status == Status.PENDING_PAYMENT:
        raise RequestInProgress()
    if order.payment_status == "declined":
        raise PaymentDeclined(
            order.payment_message or "The payment was declined.", payment_id=order.payment_id
        )
    if order.payment_status in ("error", "refunded") and not order.paid_at:
        raise PaymentUnavailable()
    return Placed(order_of(user, order.pk), replayed=True)


@transaction.atomic
def _reserve(
    *, user, address_id, payment_method_id, checkout_id, idempotency_key
) -> tuple[Order, bool]:
    """The new pending order and True; or, when a request with the same key got the cart's
    lock first, that request's order and False. The key is looked up only here, under the
    cart's lock, where the answer can't change before this transaction ends."""
    cart = Cart.objects.select_for_update().filter(user=user).first()
    if idempotency_key:
        earlier = Order.objects.filter(user=user, idempotency_key=idempotency_key).first()
        if earlier is not None:
            return earlier, False
    if cart is None:
        raise cart_services.EmptyCart()
    if Order.objects.filter(user=user, status=Status.PENDING_PAYMENT).exists():
        # The cart is emptied only once its order is paid: until then the same cart sent again
        # (a double click, no Idempotency-Key) would be charged again.
        raise RequestInProgress(
            "An order from your cart is still being paid for; retry in a moment."
        )
    priced = cart_services.priced_cart(cart, user=user, with_images=False)
    if not priced.lines:
        raise cart_services.EmptyCart()
    for line in priced.lines:
        if line.problem:
            raise stock.InsufficientStock(
                f"{line.item.variant.product.name} can't be bought as it is in your cart "
                f"({line.problem.replace('_', ' ')}).",
                available=line.available or 0,
                item_id=line.item.pk,
            )
    if priced.coupon_problem is not None:
        raise priced.coupon_problem
    if checkout_id:
        checkout = CheckoutSession.objects.filter(pk=checkout_id, cart=cart).first()
        if (
            checkout is None
            or checkout.expires_at < timezone.now()
            or checkout.totals["total"] != f"{priced.totals.total:.2f}"
        ):
            raise CheckoutExpired()
    address = Address.objects.owned_by(user).filter(pk=address_id).first()
    if address is None:
        raise AddressNotFound()
    method = PaymentMethod.objects.owned_by(user).filter(pk=payment_method_id).first()
    if method is None:
        raise PaymentMethodNotFound()

    totals = priced.totals
    order = Order.objects.create(
        user=user,
        idempotency_key=idempotency_key or None,
        ship_name=user.full_name or user.username,
        ship_street=address.street,
        ship_city=address.city,
        ship_state=address.state,
        ship_zip_code=address.zip_code,
        ship_country=address.country,
        payment_method=method,
        payment_label=method.label,
        payment_status="pending",
        subtotal=totals.subtotal,
        coupon_discount=totals.coupon_discount,
        loyalty_discount=totals.loyalty_discount,
        points_discount=totals.points_discount,
        discount=totals.discount,
        merchandise=totals.merchandise,
        tax=totals.tax,
        shipping=totals.shipping,
        total=totals.total,
        currency=totals.currency,
        coupon=cart.coupon if totals.coupon_discount else None,
        coupon_code=cart.coupon.code if totals.coupon_discount else "",
        points_redeemed=totals.points_used,
    )
    items = OrderItem.objects.bulk_create(
        [
            OrderItem(
                order=order,
                variant=line.item.variant,
                product_id=line.item.variant.product_id,
                sku=line.item.variant.sku,
                product_name=line.item.variant.product.name,
                color=line.item.variant.color,
                size=line.item.variant.size,
                quantity=line.item.quantity,
                price=line.unit_price,
                subtotal=line.subtotal,
            )
            for line in priced.lines
        ]
    )
    allocations = stock.reserve([(item.variant_id, item.quantity) for item in items])
    _record_allocations(items, allocations)
    if order.coupon_id:
        loyalty.redeem_coupon(coupon=order.coupon, user=user, order_id=order.pk)
    _history(order, Status.PENDING_PAYMENT, "Order placed; awaiting payment.")
    _known_relations(order, items=items, returns=[])
    return order, True


def _known_relations(order: Order, **related: list) -> None:
    """Give ``order`` the related rows this transaction has just written, as prefetch_related
    would (a queryset with its results filled in), so that showing the new order reads
    nothing back."""
    cache = order.__dict__.setdefault("_prefetched_objects_cache", {})
    for name, rows in related.items():
        known = getattr(order, name).all()
        known._result_cache, known._prefetch_done = list(rows), True
        cache[name] = known


def _record_allocations(items: list[OrderItem], allocations: list[stock.Allocation]) -> None:
    item_by_variant = {item.variant_id: item for item in items}
    Allocation.objects.bulk_create(
        [
            Allocation(
                item=item_by_variant[a.variant_id], location_id=a.location_id, quantity=a.quantity
            )
            for a in allocations
        ]
    )


@transaction.atomic
def _complete(order: Order, result) -> Order:
    # The cart before the order, as in _reserve: the same lock order everywhere, or a retry
    # holding the cart while it checks the order's Idempotency-Key could deadlock with us.
    cart = Cart.objects.select_for_update().filter(user=order.user_id).first()
    locked = Order.objects.select_for_update().get(pk=order.pk)
    if locked.status != Status.PENDING_PAYMENT:
        if locked.payment_id == result.payment_id:
            return locked  # settled already, by whoever got here first
        raise NotAllowed(
            "This order was released before its payment arrived.", status=locked.status
        )
    locked.user = order.user  # the request's, already loaded
    if hasattr(
        order, "_prefetched_objects_cache"
    ):  # the items _reserve wrote, when it was this request
        locked._prefetched_objects_cache = order._prefetched_objects_cache
    order = locked
    if order.points_redeemed:
        loyalty.spend_points(
            user=order.user,
            points=order.points_redeemed,
            order_id=order.pk,
            reason="Used on this order",
        )
    earned = math.floor(order.merchandise)
    if earned:
        loyalty.earn_points(
            user=order.user, points=earned, order_id=order.pk, reason="Earned on this order"
        )
    now = timezone.now()
    order.status = Status.PAID
    order.paid_at = now
    order.number = f"ORD-{now:%Y%m%d}-{order.pk:06d}"
    order.payment_status, order.payment_id = "succeeded", result.payment_id
    order.transaction_id, order.payment_message = result.transaction_id, result.message
    order.points_earned = earned
    order.carrier = CARRIER
    order.tracking_number = "1Z" + "".join(
        secrets.choice(string.ascii_uppercase + string.digits) for _ in range(16)
    )
    order.estimated_delivery = add_business_days(now.date(), DELIVERY_BUSINESS_DAYS)
    order.save()
    _clear_cart(order, cart)
    _history(order, Status.PAID, f"Payment approved ({order.payment_label}).")
    return order


def _clear_cart(order: Order, cart: Cart | None) -> None:
    """What was ordered leaves the cart, with the coupon and points used on it."""
    if cart is not None:
        cart.items.filter(variant_id__in=[item.variant_id for item in order.items.all()]).delete()
        Cart.objects.filter(pk=cart.pk).update(coupon=None, points_to_redeem=0)


@transaction.atomic
def _abandon(
    order: Order, *, note: str, payment_status: str, payment_id: str = "", message: str = ""
) -> None:
    """An order that will not be paid: stock and coupon go back; it is kept, cancelled."""
    order = Order.objects.select_for_update().get(pk=order.pk)
    if order.status != Status.PENDING_PAYMENT:
        return
    stock.release(_allocations_of(order))
    if order.coupon_id:
        loyalty.release_coupon(coupon_id=order.coupon_id, user=order.user, order_id=order.pk)
    order.status = Status.CANCELLED
    order.payment_status = payment_status
    order.payment_id = payment_id or order.payment_id
    order.payment_message = message[:200]
    order.save()
    _history(order, Status.CANCELLED, note)


def release_stale_orders(*, older_than_minutes: int | None = None) -> int:
    """Settle pending_payment orders older than the reservation window (a crash or timeout
    mid-order) by the gateway's records: completed when it approved them, else cancelled.
    Those whose outcome the gateway can't tell yet wait for the next run. Safe to rerun."""
    minutes = (
        settings.ORDER_RESERVATION_MINUTES if older_than_minutes is None else older_than_minutes
    )
    cutoff = timezone.now() - timedelta(minutes=minutes)
    stale = Order.objects.filter(status=Status.PENDING_PAYMENT, created_at__lt=cutoff)
    settled = 0
    for order in stale:
        try:
            result = get_gateway().find(reference=_reference(order))
        except Exception:
            log.exception("stale_order_outcome_unknown", order_id=order.pk)
            continue
        if result is None:
            _abandon(
                order,
                note="Payment was not completed in time; the items were released.",
                payment_status="expired",
            )
        else:
            try:
                _settle(order, result)
            except APIError:
                pass  # declined, or refunded: cancelled either way
        settled += 1
    return settled


def _allocations_of(order: Order, *, items=None) -> list[stock.Allocation]:
    rows = Allocation.objects.filter(item__order=order).select_related("item")
    if items is not None:
        rows = rows.filter(item__in=items)
    return [
        stock.Allocation(row.item.variant_id, row.location_id, row.quantity)
        for row in rows
        if row.item.variant_id
    ]


def _history(order: Order, status: str, note: str = "", by: User | None = None) -> None:
    """A row of the order's history, and, once committed, an order_update to its owner's sockets."""
    change = StatusChange.objects.create(order=order, status=status, note=note[:300], by=by)
    event = {
        "type": "order_update",
        "order_id": order.pk,
        "order_number": order.number,
        "status": status,
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


# Reading


def orders_of(user: User):
    return Order.objects.filter(user=user).prefetch_related("items", "history", "returns")


def order_of(user: User, order_id) -> Order:
    order = orders_of(user).filter(pk=order_id).first()
    if order is None:
        raise OrderNotFound()
    return order


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
    order.status = status
    if status == Status.DELIVERED:
        order.delivered_at = timezone.now()
    order.save(update_fields=["status", "delivered_at"])
    _history(order, status, note, by)
    return order


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
    stock.release(_allocations_of(order))
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
    order.status = Status.CANCELLED
    order.refunded_total = order.total
    order.save(update_fields=["status", "refunded_total"])
    _history(order, Status.CANCELLED, f"Cancelled by the customer; ${order.total} refunded.", user)
    return order


# Returns


def _returned_so_far(order: Order, *, exclude: Return | None = None) -> dict[int, int]:
    rows = ReturnItem.objects.filter(return_request__order=order).exclude(
        return_request__status=Return.Status.REJECTED
    )
    if exclude is not None:
        rows = rows.exclude(return_request=exclude)
    return dict(
        rows.values("order_item").annotate(n=Sum("quantity")).values_list("order_item", "n")
    )


@transaction.atomic
def request_return(*, user: User, order_id: int, reason: str, items: list[dict]) -> Return:
    order = Order.objects.select_for_update().filter(pk=order_id, user=user).first()
    if order is None:
        raise OrderNotFound()
    if order.status != Status.DELIVERED or order.delivered_at is None:
        raise NotAllowed("Only delivered orders can be returned.", status=order.status)
    if timezone.now() > order.delivered_at + timedelta(days=RETURN_DAYS):
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
    """Money (cart.pricing.refund) and points a return gives back, in proportion to the value
    of the returned units; the return that completes the order gets what is left of both."""
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
    points_left = order.points_earned - points_back
    points = (
        points_left
        if everything or order.subtotal == 0
        else min(math.floor(order.points_earned * value / order.subtotal), points_left)
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
    _history(request.order, request.order.status, f"Return {request.pk} approved.", by)
    return request


@transaction.atomic
def reject_return(*, return_id: int, note: str, by: User | None = None) -> Return:
    request = _staff_return(return_id)
    _step(request, {Return.Status.REQUESTED, Return.Status.APPROVED}, "rejected")
    request.status, request.note = Return.Status.REJECTED, note[:300]
    request.save(update_fields=["status", "note", "updated_at"])
    _history(request.order, request.order.status, f"Return {request.pk} rejected: {note}", by)
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
        _history(order, Status.RETURNED, "Every item returned and refunded.", by)
    else:
        _history(
            order,
            order.status,
            f"Return {request.pk} received; ${request.refund_amount} refunded.",
            by,
        )
    order.save(update_fields=["status", "refunded_total"])
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
