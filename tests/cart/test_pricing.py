"""cart.pricing, step by step, to the cent (API.md's seven steps)."""

from decimal import Decimal as D

import pytest

from cart.pricing import CouponTerms, Line, compute
from loyalty.tiers import BY_NAME

PERCENT10 = CouponTerms("percent", D(10))
PERCENT20_MAX50 = CouponTerms("percent", D(20), D("50.00"))
FIVE_OFF = CouponTerms("fixed", D("5.00"))
HUNDRED_OFF = CouponTerms("fixed", D("100.00"))


def totals(lines, **kwargs) -> dict:
    return compute([Line(D(price), qty) for price, qty in lines], **kwargs).as_dict()


@pytest.mark.parametrize(
    "lines, kwargs, expected",
    [
        # 1. subtotal, 6. tax and shipping under 50, 7. total
        (
            [("19.99", 2)],
            {},
            dict(subtotal="39.98", discount="0.00", tax="3.20", shipping="5.99", total="49.17"),
        ),
        # 2. percent coupon, rounded half up: 10% of 33.35 = 3.335 -> 3.34
        (
            [("33.35", 1)],
            dict(coupon=PERCENT10),
            dict(coupon_discount="3.34", merchandise="30.01", tax="2.40", total="38.40"),
        ),
        # 2. percent coupon capped at max_discount
        (
            [("400.00", 1)],
            dict(coupon=PERCENT20_MAX50),
            dict(coupon_discount="50.00", merchandise="350.00"),
        ),
        # 2. under the cap it is the percentage
        ([("100.00", 1)], dict(coupon=PERCENT20_MAX50), dict(coupon_discount="20.00")),
        # 2. fixed coupon
        (
            [("45.00", 1)],
            dict(coupon=FIVE_OFF),
            dict(coupon_discount="5.00", merchandise="40.00", shipping="5.99"),
        ),
        # 2. a fixed coupon is never above the subtotal
        (
            [("30.00", 1)],
            dict(coupon=HUNDRED_OFF),
            dict(coupon_discount="30.00", merchandise="0.00", tax="0.00", total="5.99"),
        ),
        # 3. loyalty discount on what the coupon left: (100 - 10) x 10% = 9.00
        (
            [("100.00", 1)],
            dict(coupon=PERCENT10, tier_rate=BY_NAME["gold"].rate),
            dict(coupon_discount="10.00", loyalty_discount="9.00", merchandise="81.00"),
        ),
        # 3. rounded half up: 10.05 x 5% = 0.5025 -> 0.50
        ([("10.05", 1)], dict(tier_rate=BY_NAME["silver"].rate), dict(loyalty_discount="0.50")),
        # 4. points: 100 points = 1 dollar
        (
            [("80.00", 1)],
            dict(points=500),
            dict(points_discount="5.00", merchandise="75.00", points_used=500),
        ),
        # 4. points never beyond what is left
        (
            [("20.00", 1)],
            dict(coupon=FIVE_OFF, points=5000),
            dict(points_discount="15.00", merchandise="0.00", points_used=1500, total="5.99"),
        ),
        # 5. discount is the sum of the three
        (
            [("200.00", 1)],
            dict(coupon=PERCENT10, tier_rate=BY_NAME["platinum"].rate, points=1000),
            dict(
                coupon_discount="20.00",
                loyalty_discount="27.00",
                points_discount="10.00",
                discount="57.00",
                merchandise="143.00",
                tax="11.44",
                shipping="0.00",
                total="154.44",
            ),
        ),
        # 6. free shipping at exactly 50.00 of merchandise...
        ([("50.00", 1)], {}, dict(merchandise="50.00", shipping="0.00", tax="4.00", total="54.00")),
        # ...and not a cent below
        ([("49.99", 1)], {}, dict(merchandise="49.99", shipping="5.99", tax="4.00", total="59.98")),
        # 6. merchandise is what counts, after discounts: 55 - 5 = 50.00 ships free
        ([("55.00", 1)], dict(coupon=FIVE_OFF), dict(merchandise="50.00", shipping="0.00")),
        ([("54.99", 1)], dict(coupon=FIVE_OFF), dict(merchandise="49.99", shipping="5.99")),
        # 6. tax rounded half up: 8% of 10.06 = 0.8048 -> 0.80; of 10.07 = 0.8056 -> 0.81
        ([("10.06", 1)], {}, dict(tax="0.80")),
        ([("10.07", 1)], {}, dict(tax="0.81")),
        # several lines
        ([("12.50", 3), ("0.99", 7)], {}, dict(subtotal="44.43", tax="3.55", total="53.97")),
        # an empty cart costs nothing, not even shipping
        (
            [],
            dict(coupon=FIVE_OFF, points=500),
            dict(subtotal="0.00", shipping="0.00", total="0.00", points_used=0),
        ),
    ],
)
def test_pricing_steps(lines, kwargs, expected):
    result = totals(lines, **kwargs)
    assert {key: result[key] for key in expected} == expected
    # The invariants hold in every case.
    money = {k: D(v) for k, v in result.items() if k not in ("currency", "points_used")}
    assert (
        money["discount"]
        == money["coupon_discount"] + money["loyalty_discount"] + money["points_discount"]
    )
    assert money["merchandise"] == money["subtotal"] - money["discount"] >= 0
    assert money["total"] == money["merchandise"] + money["tax"] + money["shipping"]
    assert result["currency"] == "USD"


@pytest.mark.parametrize(
    "tier, loyalty_discount",
    [("bronze", "0.00"), ("silver", "5.00"), ("gold", "10.00"), ("platinum", "15.00")],
)
def test_every_tier_rate(tier, loyalty_discount):
    assert (
        totals([("100.00", 1)], tier_rate=BY_NAME[tier].rate)["loyalty_discount"]
        == loyalty_discount
    )


def test_money_is_two_place_strings():
    result = totals([("3.10", 1)])
    assert result["subtotal"] == "3.10" and result["total"] == "9.34"


@pytest.mark.parametrize(
    "returned, refunded_so_far, completes, expected",
    [
        ("12.50", "0.00", False, "12.15"),  # 12.50 / 97.50 of 94.77, half up
        ("85.00", "12.15", True, "82.62"),  # the last return gets exactly what is left
        ("97.50", "0.00", True, "94.77"),
    ],
)
def test_refunds_follow_the_orders_own_discounts(returned, refunded_so_far, completes, expected):
    from cart.pricing import refund

    amount = refund(
        paid_for_goods=D("94.77"),
        subtotal=D("97.50"),
        returned_value=D(returned),
        refunded_so_far=D(refunded_so_far),
        completes_order=completes,
    )
    assert f"{amount:.2f}" == expected
