"""Placing an order from the cart and paying for it; what happens after payment is in
orders.fulfilment and orders.returns.

Placing an order is three short steps, so that no lock is held while the gateway thinks:
  1. one transaction: price the cart, reserve stock (catalog.stock), take the coupon, write the
     order as pending_payment;
  2. authorize the payment, outside any transaction;
  3. one transaction: mark it paid, spend and earn points, clear the cart. A decline (or a
     failure in 3) gives back the stock and the coupon and leaves cart and points as they were.
A crash or a gateway timeout between the steps leaves a pending_payment order, which
release_stale_orders() settles by the gateway's records: completed if it approved, else undone.
"""

from dataclasses import dataclass
from datetime import timedelta

import structlog
from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone

from accounts.models import Address, PaymentMethod, User
from cart import services as cart_services
from cart.models import CheckoutSession
from catalog import stock
from core.errors import APIError
from core.sql import ForIds
from loyalty import rules as loyalty_rules
from loyalty import services as loyalty
from orders import emails, metrics, writes
from orders.errors import (
    AddressNotFound,
    CheckoutExpired,
    NotAllowed,
    PaymentDeclined,
    PaymentMethodNotFound,
    PaymentUnavailable,
    RequestInProgress,
)
from orders.fulfilment import announce_history, assign_tracking, record_history
from orders.models import Order, OrderItem, Refund, StatusChange
from orders.payments import get_gateway
from orders.queries import allocations_of, order_of, paying_or_keyed
from orders.signals import order_status_changed

log = structlog.get_logger(__name__)

Status = Order.Status
PaymentStatus = Order.PaymentStatus


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
                order,
                note="The payment service could not be reached.",
                payment_status=PaymentStatus.ERROR,
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
            payment_status=PaymentStatus.DECLINED,
            payment_id=result.payment_id,
            message=result.message,
        )
        metrics.orders_declined.inc()
        raise PaymentDeclined(result.message, payment_id=result.payment_id)
    try:
        completed = _complete(order, result)
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
            payment_status=PaymentStatus.REFUNDED,
            payment_id=result.payment_id,
            message=result.message,
        )
        raise
    metrics.orders_placed.inc()
    return completed


# What _replay reads of an earlier order.
REPLAYED = ("status", "payment_status", "payment_message", "payment_id", "paid_at")


def _replay(user: User, order: Order) -> Placed:
    if order.status == Status.PENDING_PAYMENT:
        raise RequestInProgress()
    if order.payment_status == PaymentStatus.DECLINED:
        raise PaymentDeclined(
            order.payment_message or "The payment was declined.", payment_id=order.payment_id
        )
    if order.payment_status in (PaymentStatus.ERROR, PaymentStatus.REFUNDED) and not order.paid_at:
        raise PaymentUnavailable()
    return Placed(order_of(user, order.pk), replayed=True)


@transaction.atomic
def _reserve(
    *, user, address_id, payment_method_id, checkout_id, idempotency_key
) -> tuple[Order, bool]:
    """The new pending order and True; or, when a request with the same key got the cart's
    lock first, that request's order and False. The key is looked up only here, under the
    cart's lock, where the answer can't change before this transaction ends."""
    cart = cart_services.lock_for_checkout(user_id=user.pk, to_order=True)
    # One query for both: the order this key placed, and any order still being paid for (the
    # cart is emptied only once its order is paid: until then the same cart sent again, a
    # double click without an Idempotency-Key, would be charged again).
    blocking = paying_or_keyed(user_id=user.pk, key=idempotency_key, fields=REPLAYED)
    if idempotency_key:
        earlier = next((o for o in blocking if o.idempotency_key == idempotency_key), None)
        if earlier is not None:
            return earlier, False
    if cart is None:
        raise cart_services.EmptyCart()
    if blocking:
        raise RequestInProgress(
            "An order from your cart is still being paid for; retry in a moment."
        )
    priced = cart_services.priced_cart(cart, user=user, with_images=False)
    try:
        cart_services.check_buyable(priced=priced)
    except cart_services.CartNeedsAttention as troubled:
        # An order has always refused a troubled line as stock.reserve refuses a shortfall
        # (same code and message; ``available`` a number), so its API answer stays as it was.
        raise stock.InsufficientStock(
            str(troubled.detail),
            available=troubled.details["available"] or 0,
            item_id=troubled.details["item_id"],
        ) from None
    if checkout_id:
        checkout = CheckoutSession.objects.filter(pk=checkout_id, cart=cart).first()
        if (
            checkout is None
            or checkout.expires_at < timezone.now()
            or checkout.totals["total"] != f"{priced.totals.total:.2f}"
        ):
            raise CheckoutExpired()
    address = _owned(_ADDRESSES, address_id, user=user)
    if address is None:
        raise AddressNotFound()
    method = _owned(_PAYMENT_METHODS, payment_method_id, user=user)
    if method is None:
        raise PaymentMethodNotFound()

    # Stock first: a shortfall refuses the order before anything is written.
    allocations = stock.reserve(
        [(line.item.variant_id, line.item.quantity) for line in priced.lines]
    )
    totals = priced.totals
    order = Order(
        user=user,
        idempotency_key=idempotency_key or None,
        # From the cart's query: the request's user may be only an id (a JWT's).
        ship_name=cart.owner_full_name or cart.owner_username,
        ship_street=address.street,
        ship_city=address.city,
        ship_state=address.state,
        ship_zip_code=address.zip_code,
        ship_country=address.country,
        payment_method=method,
        payment_label=method.label,
        payment_status=PaymentStatus.PENDING,
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
    items = [
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
    history = StatusChange(
        order=order, status=Status.PENDING_PAYMENT, note="Order placed; awaiting payment."
    )
    writes.insert_placed(order=order, items=items, allocations=allocations, history=history)
    if order.coupon_id:
        loyalty.redeem_coupon(coupon=order.coupon, user=user, order_id=order.pk)
    announce_history(history)
    _known_relations(order, items=items, returns=[])
    return order, True


# Read by every order placed: compiled once.
_ADDRESSES = ForIds(Address.objects.all, "id")
_PAYMENT_METHODS = ForIds(PaymentMethod.objects.all, "id")


def _owned(rows: ForIds, pk: int, *, user: User):
    """The row ``pk`` of ``rows`` when it is the user's, else None."""
    found = rows.objects([pk])
    return found[0] if found and found[0].user_id == user.pk else None


def _known_relations(order: Order, **related: list) -> None:
    """Give ``order`` the related rows this transaction has just written, as prefetch_related
    would (a queryset with its results filled in), so that showing the new order reads
    nothing back."""
    cache = order.__dict__.setdefault("_prefetched_objects_cache", {})
    for name, rows in related.items():
        known = getattr(order, name).all()
        known._result_cache, known._prefetch_done = list(rows), True
        cache[name] = known


# What paying for an order sets on it.
PAID_FIELDS = (
    "status",
    "paid_at",
    "number",
    "payment_status",
    "payment_id",
    "transaction_id",
    "payment_message",
    "points_earned",
    "carrier",
    "tracking_number",
    "estimated_delivery",
)


@transaction.atomic
def _complete(order: Order, result) -> Order:
    """``order`` paid (the same instance, with what _reserve loaded on it); or, when it was
    settled meanwhile with this payment, the order as the database has it."""
    # The cart before the order, as in _reserve: the same lock order everywhere, or a retry
    # holding the cart while it checks the order's Idempotency-Key could deadlock with us.
    cart = cart_services.lock_for_checkout(user_id=order.user_id)
    now = timezone.now()
    order.status = Status.PAID
    order.paid_at = now
    order.number = f"ORD-{now:%Y%m%d}-{order.pk:06d}"
    order.payment_status, order.payment_id = PaymentStatus.SUCCEEDED, result.payment_id
    order.transaction_id, order.payment_message = result.transaction_id, result.message
    order.points_earned = loyalty_rules.points_earned(merchandise=order.merchandise)
    assign_tracking(order=order, paid_on=now.date())
    # One UPDATE locks the order, checks that it is still pending and marks it paid (with the
    # history row, in one statement on PostgreSQL); it changes nothing when the order was
    # settled or released meanwhile. Points and the cart change after it, in this
    # transaction: all of it happens, or none.
    history = StatusChange(
        order=order, status=Status.PAID, note=f"Payment approved ({order.payment_label})."
    )
    if not writes.mark_paid(order=order, fields=PAID_FIELDS, history=history):
        settled = Order.objects.get(pk=order.pk)
        if settled.payment_id == result.payment_id:
            return settled  # settled already, by whoever got here first
        raise NotAllowed(
            "This order was released before its payment arrived.", status=settled.status
        )
    if order.points_redeemed:
        loyalty.spend_points(
            user=order.user,
            points=order.points_redeemed,
            order_id=order.pk,
            reason="Used on this order",
        )
    if order.points_earned:
        loyalty.earn_points(
            user=order.user,
            points=order.points_earned,
            order_id=order.pk,
            reason="Earned on this order",
        )
    cart_services.clear_ordered(
        cart=cart, variant_ids=[item.variant_id for item in order.items.all()]
    )
    announce_history(history)
    emails.queue("order_confirmation", order)
    order_status_changed.send(sender=Order, order=order, previous=Status.PENDING_PAYMENT)
    return order


@transaction.atomic
def _abandon(
    order: Order,
    *,
    note: str,
    payment_status: PaymentStatus,
    payment_id: str = "",
    message: str = "",
) -> None:
    """An order that will not be paid: stock and coupon go back; it is kept, cancelled."""
    order = Order.objects.select_for_update().get(pk=order.pk)
    if order.status != Status.PENDING_PAYMENT:
        return
    stock.release(allocations_of(order))
    if order.coupon_id:
        loyalty.release_coupon(coupon_id=order.coupon_id, user=order.user, order_id=order.pk)
    order.status = Status.CANCELLED
    order.payment_status = payment_status
    order.payment_id = payment_id or order.payment_id
    order.payment_message = message[:200]
    order.save()
    record_history(order=order, status=Status.CANCELLED, note=note)


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
                payment_status=PaymentStatus.EXPIRED,
            )
        else:
            try:
                _settle(order, result)
            except APIError:
                pass  # declined, or refunded: cancelled either way
        settled += 1
    return settled
