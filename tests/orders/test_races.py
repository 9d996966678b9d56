"""Races on PostgreSQL: many buyers, few units; one coupon, two orders; one key, two requests;
one cart submitted twice without a key; points spent elsewhere while an order is paid."""

from decimal import Decimal

import pytest

from accounts import services as accounts
from cart import services as cart_services
from catalog.models import Product, StockLevel
from loyalty import services as loyalty
from loyalty.models import Coupon, CouponRedemption, LoyaltyAccount, PointsEntry
from orders import placing
from orders.models import Order
from tests.catalog import builders
from tests.conftest import full_mode_only
from tests.factories import UserFactory
from tests.helpers import together

pytestmark = [full_mode_only, pytest.mark.django_db(transaction=True)]


def buyer_with(product, quantity=1, coupon_code=None):
    user = UserFactory()
    address = accounts.add_address(
        user=user, street="1 Main St", city="X", zip_code="1", country="US"
    )
    method = accounts.add_payment_method(
        user=user, type="card", card_number="4242424242424242", exp_month=12, exp_year=2031
    )
    cart = cart_services.cart_for(user=user)
    cart_services.add_item(cart=cart, product_id=product.pk, quantity=quantity)
    if coupon_code:
        cart_services.apply_coupon(cart=cart, user=user, code=coupon_code)
    return user, address, method


def test_twenty_buyers_racing_for_five_units_buy_exactly_five():
    warehouse = builders.location()
    store = builders.location("Downtown Store", "store", "San Francisco")
    scarce = builders.product(
        "Limited Sneaker", price="90.00", variants=[("", "", {warehouse: 3, store: 2})]
    )
    buyers = [buyer_with(scarce) for _ in range(20)]
    outcomes = together(
        [
            (
                lambda u=u, a=a, m=m: placing.place_order(
                    user=u, address_id=a.pk, payment_method_id=m.pk
                )
            )
            for u, a, m in buyers
        ]
    )
    placed = [o for o in outcomes if isinstance(o, placing.Placed)]
    refused = [o for o in outcomes if not isinstance(o, placing.Placed)]
    assert len(placed) == 5, outcomes
    assert all(getattr(o, "code", "") == "insufficient_stock" for o in refused), refused
    assert list(
        StockLevel.objects.filter(variant__product=scarce).values_list("quantity", flat=True)
    ) == [0, 0]
    assert Product.objects.get(pk=scarce.pk).stock == 0
    assert Order.objects.filter(status="paid").count() == 5


def test_a_single_use_coupon_raced_by_two_orders_is_used_once():
    builders.location()
    item = builders.product("Hoodie", price="50.00", variants=[("", "", 50)])
    Coupon.objects.create(
        code="ONLYONE", discount_type="fixed", discount_value=Decimal(10), usage_limit=1
    )
    buyers = [buyer_with(item, coupon_code="ONLYONE") for _ in range(2)]
    outcomes = together(
        [
            (
                lambda u=u, a=a, m=m: placing.place_order(
                    user=u, address_id=a.pk, payment_method_id=m.pk
                )
            )
            for u, a, m in buyers
        ]
    )
    assert sum(isinstance(o, placing.Placed) for o in outcomes) == 1, outcomes
    assert [getattr(o, "code", None) for o in outcomes if not isinstance(o, placing.Placed)] == [
        "coupon_used_up"
    ]
    assert Coupon.objects.get(code="ONLYONE").times_used == 1 == CouponRedemption.objects.count()


def test_one_key_sent_twice_at_once_makes_one_order_and_one_charge():
    builders.location()
    item = builders.product("Cap", price="20.00", variants=[("", "", 50)])
    user, address, method = buyer_with(item, quantity=2)
    outcomes = together(
        [
            lambda: placing.place_order(
                user=user,
                address_id=address.pk,
                payment_method_id=method.pk,
                idempotency_key="twice",
            )
            for _ in range(2)
        ]
    )
    assert Order.objects.count() == 1
    kinds = sorted(type(o).__name__ for o in outcomes)
    # The second either waits its turn and replays the order, or is told the first is in progress.
    assert kinds in (["Placed", "Placed"], ["Placed", "RequestInProgress"]), outcomes
    assert Product.objects.get(pk=item.pk).stock == 48


def test_one_cart_submitted_twice_at_once_without_a_key_is_charged_once(gateway):
    builders.location()
    item = builders.product("Scarf", price="30.00", variants=[("", "", 50)])
    user, address, method = buyer_with(item, quantity=3)
    outcomes = together(
        [
            lambda: placing.place_order(
                user=user, address_id=address.pk, payment_method_id=method.pk
            )
            for _ in range(4)
        ]
    )
    placed = [o for o in outcomes if isinstance(o, placing.Placed)]
    assert len(placed) == 1, outcomes
    # The others arrive while it is being paid for, or after the cart was emptied by it.
    assert {getattr(o, "code", None) for o in outcomes if o not in placed} <= {
        "request_in_progress",
        "empty_cart",
    }, outcomes
    assert Order.objects.exclude(status="cancelled").count() == 1
    assert gateway.net_charged() == placed[0].order.total
    assert Product.objects.get(pk=item.pk).stock == 47


def test_points_spent_elsewhere_while_an_order_is_paid_never_go_below_zero(gateway):
    builders.location()
    item = builders.product("Beanie", price="40.00", variants=[("", "", 50)])
    for _ in range(5):  # the interleaving differs from run to run: try several
        user, address, method = buyer_with(item, quantity=1)
        loyalty.earn_points(user=user, points=300)
        cart_services.redeem_points(cart=cart_services.cart_for(user=user), user=user, points=300)
        ordered, adjusted = together(
            [
                lambda user=user, address=address, method=method: placing.place_order(
                    user=user, address_id=address.pk, payment_method_id=method.pk
                ),
                lambda user=user: loyalty.adjust_points(
                    user=user, points=-200, reason="Correction"
                ),
            ]
        )
        account = LoyaltyAccount.objects.get(user=user)
        entries = PointsEntry.objects.filter(account=account)
        assert account.points >= 0 and account.points == sum(
            entries.values_list("points", flat=True)
        )
        order = Order.objects.get(user=user)
        spent_on_order = -sum(entries.filter(kind="redeem").values_list("points", flat=True))
        if order.status == "paid":
            assert isinstance(ordered, placing.Placed) and spent_on_order == order.points_redeemed
        else:  # refused or refunded: the points stay, the money comes back
            assert (
                getattr(ordered, "code", None) == "insufficient_points" and spent_on_order == 0
            ), ordered
        assert (
            isinstance(adjusted, PointsEntry)
            or getattr(adjusted, "code", None) == "insufficient_points"
        ), adjusted
    assert gateway.net_charged() == sum(
        Order.objects.filter(status="paid").values_list("total", flat=True)
    )
