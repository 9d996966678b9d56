"""Demo order history: four months of the shop's orders by demo customers (who can't sign in),
so that the staff dashboard and the admin's order lists have something to show.

Orders come more often as the weeks go by (the shop is growing), more of them on weekends and
on a sale weekend six weeks ago, mostly in the afternoon and evening. Each is where it would be
now: paid, processing, shipped or out for delivery when recent, delivered (most); some were
cancelled before they shipped (refunded then), and some delivered ones came back in part or
whole (refunded when the parcel was received), with a few returns still with staff and a few
rejected. Totals come from cart.pricing and points from loyalty.rules, as the shop's own.

Rows go in as plain tuples with their ids given here (catalog.demo.insert_rows), orders in the
order they were placed; the same seed draws the same history (relative to today).
"""

import random
import time
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from decimal import Decimal

from django.contrib.auth.hashers import make_password
from django.db import connection, transaction
from django.utils import timezone

from accounts.demo import CITIES, FIRST_NAMES, LAST_NAMES
from accounts.models import User
from cart import pricing
from catalog.demo import RowIds, insert_rows, reset_sequences, unreported_stage
from catalog.models import Product, ProductVariant
from loyalty import rules as loyalty_rules
from orders.fulfilment import CARRIER, DELIVERY_BUSINESS_DAYS, add_business_days
from orders.models import Order, OrderItem, Refund, Return, ReturnItem, StatusChange

DAYS = 120
ORDERS_A_DAY = (4.0, 16.0)  # on a weekday, four months ago and now
PAYMENT_SECONDS = (5, 40)  # from placing an order to its payment's approval
WEEKEND = 1.3  # more orders on Saturdays and Sundays
SALE_DAYS_AGO = (44, 43, 42)  # a sale weekend: twice the orders
CUSTOMERS = 400
USERNAME = "customer{:04d}"
POPULAR = 300  # the products that sell, some far more than others
LINES = ((1, 2, 3, 4), (55, 28, 12, 5))  # products in an order, and how often
CANCELLED = 0.04  # of orders, those cancelled before shipping
RETURNED = 0.09  # of delivered orders, those with a return
# Hours of the day orders are placed at (shop time), by weight.
HOURS = (1, 1, 1, 1, 1, 2, 3, 4, 5, 6, 7, 8, 9, 9, 8, 8, 8, 9, 10, 11, 11, 9, 6, 3)
REASONS = (
    "Too small",
    "Too big",
    "Not as pictured",
    "Changed my mind",
    "Arrived damaged",
    "Ordered two sizes to try",
)

USER_FIELDS = ("id", "username", "email", "full_name", "password", "date_joined")
ORDER_FIELDS = (
    "id",
    "user_id",
    "number",
    "status",
    "ship_name",
    "ship_street",
    "ship_city",
    "ship_state",
    "ship_zip_code",
    "ship_country",
    "payment_label",
    "payment_status",
    "payment_id",
    "transaction_id",
    "subtotal",
    "merchandise",
    "tax",
    "shipping",
    "total",
    "points_earned",
    "refunded_total",
    "carrier",
    "tracking_number",
    "estimated_delivery",
    "created_at",
    "paid_at",
    "delivered_at",
)
ITEM_FIELDS = (
    "id",
    "order_id",
    "variant_id",
    "product_id",
    "sku",
    "product_name",
    "color",
    "size",
    "quantity",
    "price",
    "subtotal",
)
HISTORY_FIELDS = ("id", "order_id", "status", "note", "at")
RETURN_FIELDS = (
    "id",
    "order_id",
    "status",
    "reason",
    "refund_amount",
    "points_reversed",
    "refund_id",
    "note",
    "created_at",
    "updated_at",
)
RETURN_ITEM_FIELDS = ("id", "return_request_id", "order_item_id", "quantity")
REFUND_FIELDS = (
    "id",
    "order_id",
    "return_request_id",
    "amount",
    "refund_id",
    "status",
    "created_at",
)
LOADED_MODELS = (User, Order, OrderItem, StatusChange, Return, ReturnItem, Refund)

Status = Order.Status


@dataclass
class _Rows:
    users: list[tuple] = field(default_factory=list)
    orders: list[tuple] = field(default_factory=list)
    items: list[tuple] = field(default_factory=list)
    history: list[tuple] = field(default_factory=list)
    returns: list[tuple] = field(default_factory=list)
    return_items: list[tuple] = field(default_factory=list)
    refunds: list[tuple] = field(default_factory=list)


class _History:
    """The orders drawn, placed one after another, with everything that happened to them."""

    def __init__(self, rng: random.Random, now: datetime, ids: RowIds, goods: list[tuple]):
        self.rng, self.now, self.ids, self.goods = rng, now, ids, goods
        # The first products sell most (the n-th about 1/n as often), and cheap ones more.
        self.weights = [
            1 / ((n + 2) * float(variants[0][-1]) ** 0.8)
            for n, (_, _, variants) in enumerate(goods)
        ]
        self.rows = _Rows()
        self.customers: list[tuple[int, str]] = []

    def add_customers(self) -> None:
        rng, password = self.rng, make_password(None)  # can't sign in
        for n in range(1, CUSTOMERS + 1):
            user_id, username = self.ids.take(User), USERNAME.format(n)
            full_name = f"{rng.choice(FIRST_NAMES)} {rng.choice(LAST_NAMES)}"
            joined = self.now - timedelta(days=DAYS + rng.randint(1, 900))
            self.rows.users.append(
                (user_id, username, f"{username}@example.com", full_name, password, joined)
            )
            self.customers.append((user_id, full_name))

    def placed_times(self) -> list[datetime]:
        """When each order was placed, in order: more as the weeks go by, on weekends and in
        the sale; none so recent that its payment would come after now."""
        rng, today = self.rng, timezone.localdate(self.now)
        low, high = ORDERS_A_DAY
        times = []
        for days_ago in range(DAYS, -1, -1):
            day = today - timedelta(days=days_ago)
            rate = low + (high - low) * (DAYS - days_ago) / DAYS
            rate *= WEEKEND if day.weekday() >= 5 else 1
            rate *= 2 if days_ago in SALE_DAYS_AGO else 1
            midnight = timezone.make_aware(datetime.combine(day, datetime.min.time()))
            for _ in range(max(0, round(rng.gauss(rate, rate**0.5)))):
                hour = rng.choices(range(24), HOURS)[0]
                placed = midnight + timedelta(hours=hour, seconds=rng.randint(0, 3599))
                if placed + timedelta(seconds=PAYMENT_SECONDS[1]) < self.now:
                    times.append(placed)
        return sorted(times)

    def order(self, placed: datetime) -> None:
        rng, ids, rows = self.rng, self.ids, self.rows
        order_id = ids.take(Order)
        user_id, name = rng.choice(self.customers)
        lines, items = [], []
        size = rng.choices(*LINES)[0]
        for index in dict.fromkeys(rng.choices(range(len(self.goods)), self.weights, k=size)):
            product_id, product_name, variants = self.goods[index]
            variant_id, sku, color, size_label, price = rng.choice(variants)
            quantity = 2 if rng.random() < 0.1 else 1
            line_total = pricing.line_total(price, quantity)
            item_id = ids.take(OrderItem)
            items.append((item_id, price, quantity))
            rows.items.append(
                (
                    item_id,
                    order_id,
                    variant_id,
                    product_id,
                    sku,
                    product_name,
                    color,
                    size_label,
                    quantity,
                    price,
                    line_total,
                )
            )
            lines.append(pricing.Line(unit_price=price, quantity=quantity))
        totals = pricing.compute(lines)  # the one place money is computed
        earned = loyalty_rules.points_earned(merchandise=totals.merchandise)

        paid = placed + timedelta(seconds=rng.randint(*PAYMENT_SECONDS))
        steps = [(Status.PAID, "Payment approved", paid)]
        delivered = paid + timedelta(days=rng.randint(2, 6), hours=rng.randint(1, 9))
        cancelled = None
        if rng.random() < CANCELLED:
            cancelled = paid + timedelta(hours=rng.randint(1, 20))
        steps += [
            (Status.PROCESSING, "", paid + timedelta(hours=rng.randint(2, 8))),
            (Status.SHIPPED, f"Handed to {CARRIER}", paid + timedelta(hours=rng.randint(22, 30))),
            (Status.OUT_FOR_DELIVERY, "", delivered - timedelta(hours=rng.randint(3, 6))),
            (Status.DELIVERED, "Delivered", delivered),
        ]
        if cancelled and cancelled < self.now:
            steps = [step for step in steps if step[2] < cancelled][:2]
            note = f"Cancelled by the customer; ${totals.total} refunded."
            steps.append((Status.CANCELLED, note, cancelled))
            self._refund(order_id, None, totals.total, cancelled)
        steps = [step for step in steps if step[2] < self.now]
        status = steps[-1][0]
        refunded = totals.total if status == Status.CANCELLED else Decimal("0.00")
        if status == Status.DELIVERED and rng.random() < RETURNED:
            status, refunded = self._return(order_id, items, totals, earned, delivered, steps)
        for step_status, note, at in steps:
            rows.history.append((ids.take(StatusChange), order_id, step_status, note, at))

        city, state, zip_code = CITIES[order_id % len(CITIES)]
        rows.orders.append(
            (
                order_id,
                user_id,
                f"ORD-{paid:%Y%m%d}-{order_id:06d}",
                status,
                name,
                f"{order_id % 997 + 1} Main Street",
                city,
                state,
                zip_code,
                "US",
                "Visa •••• 4242",
                Order.PaymentStatus.SUCCEEDED,
                f"pay_demo{order_id:016d}",
                f"txn_demo{order_id:016d}",
                totals.subtotal,
                totals.merchandise,
                totals.tax,
                totals.shipping,
                totals.total,
                earned,
                refunded,
                CARRIER,
                f"1ZDEMO{order_id:010d}",
                add_business_days(paid.date(), DELIVERY_BUSINESS_DAYS),
                placed,
                paid,
                delivered if any(step[0] == Status.DELIVERED for step in steps) else None,
            )
        )

    def _return(
        self, order_id: int, items: list[tuple], totals, earned: int, delivered, steps: list
    ) -> tuple[str, Decimal]:
        """A return of part of the order or all of it, asked for after delivery and, once the
        parcel is back, refunded (as orders.returns.refund_for shares out money and points);
        the order's status and refunded total after it."""
        rng, ids, rows = self.rng, self.ids, self.rows
        asked = delivered + timedelta(days=rng.randint(1, 14), hours=rng.randint(0, 12))
        if asked >= self.now:
            return Status.DELIVERED, Decimal("0.00")
        whole = len(items) == 1 or rng.random() < 0.4
        back = items if whole else [rng.choice(items)]
        back = [(item_id, price, quantity if whole else 1) for item_id, price, quantity in back]
        completes = whole
        value = sum(
            (pricing.line_total(price, quantity) for _, price, quantity in back), Decimal(0)
        )
        money = pricing.refund(
            paid_for_goods=totals.merchandise + totals.tax,
            subtotal=totals.subtotal,
            returned_value=value,
            refunded_so_far=Decimal("0.00"),
            completes_order=completes,
        )
        points = loyalty_rules.points_reversed(
            earned=earned,
            reversed_so_far=0,
            returned_value=value,
            subtotal=totals.subtotal,
            completes_order=completes,
        )
        return_id = ids.take(Return)
        rows.return_items += [
            (ids.take(ReturnItem), return_id, item_id, quantity) for item_id, _, quantity in back
        ]
        decided = asked + timedelta(days=rng.randint(1, 2), hours=rng.randint(0, 6))
        received = decided + timedelta(days=rng.randint(3, 7), hours=rng.randint(0, 6))
        status, note, refund_id, updated = Return.Status.REQUESTED, "", "", asked
        order_status, refunded = Status.DELIVERED, Decimal("0.00")
        if decided < self.now and rng.random() < 0.1:
            status, note, updated = Return.Status.REJECTED, "Worn: not returnable.", decided
            steps.append((Status.DELIVERED, f"Return {return_id} rejected: {note}", decided))
        elif received < self.now:
            status, updated = Return.Status.REFUNDED, received
            refund_id = self._refund(order_id, return_id, money, received)
            order_status = Status.RETURNED if completes else Status.DELIVERED
            refunded = money
            steps += [
                (Status.DELIVERED, f"Return {return_id} approved.", decided),
                (
                    order_status,
                    "Every item returned and refunded."
                    if completes
                    else f"Return {return_id} received; ${money} refunded.",
                    received,
                ),
            ]
        elif decided < self.now:
            status, updated = Return.Status.APPROVED, decided
            steps.append((Status.DELIVERED, f"Return {return_id} approved.", decided))
        rows.returns.append(
            (
                return_id,
                order_id,
                status,
                rng.choice(REASONS),
                money,
                points,
                refund_id,
                note,
                asked,
                updated,
            )
        )
        return order_status, refunded

    def _refund(self, order_id: int, return_id: int | None, amount: Decimal, at) -> str:
        refund_pk = self.ids.take(Refund)
        refund_id = f"re_demo{refund_pk:016d}"
        self.rows.refunds.append(
            (refund_pk, order_id, return_id, amount, refund_id, "succeeded", at)
        )
        return refund_id


def _goods(rng: random.Random) -> list[tuple]:
    """POPULAR products on sale, best sellers first: (id, name, variants), each variant
    (id, sku, color, size, price)."""
    ids = list(Product.objects.active().order_by("id").values_list("id", flat=True))
    chosen = rng.sample(ids, min(POPULAR, len(ids)))
    products = dict(Product.objects.filter(pk__in=chosen).values_list("id", "name"))
    prices = dict(Product.objects.filter(pk__in=chosen).values_list("id", "price"))
    variants: dict[int, list[tuple]] = {}
    rows = ProductVariant.objects.filter(product_id__in=chosen).order_by(
        "product_id", "position", "id"
    )
    for product_id, *variant, override in rows.values_list(
        "product_id", "id", "sku", "color", "size", "price_override"
    ):
        price = override if override is not None else prices[product_id]
        variants.setdefault(product_id, []).append((*variant, price))
    return [(pk, products[pk], variants[pk]) for pk in chosen if pk in variants]


def seed_orders(*, seed: int = 42, stage=unreported_stage) -> int:
    """Four months of demo orders; returns how many."""
    rng = random.Random(seed)
    with transaction.atomic():
        goods = _goods(rng)
        if not goods:
            return 0
        history = _History(rng, timezone.now(), RowIds(LOADED_MODELS), goods)
        history.add_customers()
        placed = history.placed_times()
        with stage("Demo orders", total=len(placed), unit="orders") as advance:
            for moment in placed:
                history.order(moment)
            advance(len(placed))
        rows = history.rows
        with connection.cursor() as cursor:
            for model, fields, loaded in (
                (User, USER_FIELDS, rows.users),
                (Order, ORDER_FIELDS, rows.orders),
                (OrderItem, ITEM_FIELDS, rows.items),
                (StatusChange, HISTORY_FIELDS, rows.history),
                (Return, RETURN_FIELDS, rows.returns),
                (ReturnItem, RETURN_ITEM_FIELDS, rows.return_items),
                (Refund, REFUND_FIELDS, rows.refunds),
            ):
                insert_rows(cursor, model, fields, loaded)
            reset_sequences(cursor, LOADED_MODELS)
    return len(rows.orders)


def load_demo(*, seed: int, stage=unreported_stage, **options) -> list[str]:
    """seed_demo's part, after the catalog's and the logins': the order history, unless the
    shop has orders already."""
    if Order.objects.exists():
        return ["The demo already has orders; none added."]
    if not Product.objects.exists():
        return []
    started = time.perf_counter()
    made = seed_orders(seed=seed, stage=stage)
    return [
        f"Demo orders: {made} over the last {DAYS} days in {time.perf_counter() - started:.1f} s."
    ]
