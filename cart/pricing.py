"""The one place totals are computed: cart, cart page, checkout, orders and the sales agent.

API.md's rules, in order, each amount rounded half up to the cent:
1. subtotal = sum of unit price x quantity
2. coupon_discount: percent of subtotal capped at max_discount, or a fixed amount; never above
   the subtotal (whether the coupon applies at all is loyalty.services.check_coupon's call)
3. loyalty_discount = (subtotal - coupon_discount) x tier rate
4. points_discount = points / 100 dollars, at most what is left
5. merchandise = subtotal - the three discounts; discount = their sum
6. tax = 8% of merchandise; shipping = 0.00 when merchandise >= 50.00, else 5.99
7. total = merchandise + tax + shipping
"""

from dataclasses import dataclass, fields
from decimal import ROUND_HALF_UP, Decimal

from loyalty.rules import POINTS_PER_DOLLAR

CENT = Decimal("0.01")
ZERO = Decimal("0.00")
TAX_RATE = Decimal("0.08")
FREE_SHIPPING_FROM = Decimal("50.00")
SHIPPING = Decimal("5.99")
CURRENCY = "USD"


def points_value(points: int) -> Decimal:
    """What points are worth off an order, before any cap."""
    return cents(Decimal(max(points, 0)) / POINTS_PER_DOLLAR)


def cents(amount: Decimal) -> Decimal:
    return amount.quantize(CENT, rounding=ROUND_HALF_UP)


def money_text(amount: Decimal) -> str:
    """An amount as the API writes it: two places ("12.50")."""
    return f"{amount:.2f}"


def line_total(unit_price: Decimal, quantity: int) -> Decimal:
    """One line of a cart or an order: unit price x quantity, to the cent."""
    return cents(unit_price * quantity)


@dataclass(frozen=True)
class Line:
    unit_price: Decimal
    quantity: int


@dataclass(frozen=True)
class CouponTerms:
    discount_type: str  # "percent" or "fixed"
    discount_value: Decimal
    max_discount: Decimal | None = None


@dataclass(frozen=True)
class Totals:
    subtotal: Decimal
    coupon_discount: Decimal
    loyalty_discount: Decimal
    points_discount: Decimal
    discount: Decimal
    merchandise: Decimal
    tax: Decimal
    shipping: Decimal
    total: Decimal
    points_used: int
    currency: str = CURRENCY

    def as_dict(self) -> dict:
        """Money as two-place strings, as the API sends it."""
        values = ((field.name, getattr(self, field.name)) for field in fields(self))
        return {
            key: (money_text(value) if isinstance(value, Decimal) else value)
            for key, value in values
        }


def compute(
    lines: list[Line],
    *,
    coupon: CouponTerms | None = None,
    tier_rate: Decimal = ZERO,
    points: int = 0,
) -> Totals:
    subtotal = sum((line_total(line.unit_price, line.quantity) for line in lines), ZERO)
    if subtotal <= 0:
        return Totals(ZERO, ZERO, ZERO, ZERO, ZERO, ZERO, ZERO, ZERO, ZERO, 0)

    coupon_discount = ZERO
    if coupon is not None:
        if coupon.discount_type == "percent":
            coupon_discount = cents(subtotal * coupon.discount_value / 100)
            if coupon.max_discount is not None:
                coupon_discount = min(coupon_discount, cents(coupon.max_discount))
        else:
            coupon_discount = cents(coupon.discount_value)
        coupon_discount = min(coupon_discount, subtotal)

    loyalty_discount = cents((subtotal - coupon_discount) * tier_rate)
    left = subtotal - coupon_discount - loyalty_discount
    points_discount = min(points_value(points), left)
    discount = coupon_discount + loyalty_discount + points_discount
    merchandise = subtotal - discount
    tax = cents(merchandise * TAX_RATE)
    shipping = ZERO if merchandise >= FREE_SHIPPING_FROM else SHIPPING
    return Totals(
        subtotal=subtotal,
        coupon_discount=coupon_discount,
        loyalty_discount=loyalty_discount,
        points_discount=points_discount,
        discount=discount,
        merchandise=merchandise,
        tax=tax,
        shipping=shipping,
        total=merchandise + tax + shipping,
        points_used=int(points_discount * POINTS_PER_DOLLAR),
    )


def refund(
    *,
    paid_for_goods: Decimal,
    subtotal: Decimal,
    returned_value: Decimal,
    refunded_so_far: Decimal,
    completes_order: bool,
) -> Decimal:
    """What a return gives back: the returned units' share of what was paid for goods and tax
    (the order's own discounts followed; shipping is not refunded). The return that completes
    the order gets exactly what is left, so the refunds add up to the cent."""
    left = paid_for_goods - refunded_so_far
    if completes_order or subtotal == 0:
        return left
    return min(cents(paid_for_goods * returned_value / subtotal), left)
