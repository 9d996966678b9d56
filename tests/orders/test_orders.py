"""Placing orders: payment, stock, points, coupons, idempotency; tracking, cancel, returns."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from catalog.models import StockLevel
from loyalty import services as loyalty
from loyalty.models import Coupon, LoyaltyAccount, PointsEntry
from orders import placing
from orders.models import Order
from tests.orders.conftest import add_to_cart, card, place

pytestmark = pytest.mark.django_db


def test_placing_an_order(user_api, user, jacket, socks, address, good_card, warehouse, store):
    add_to_cart(user_api, jacket, 3, color="Navy", size="M")
    add_to_cart(user_api, socks, 2)
    response = place(user_api, address, good_card, key="k-1")
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["status"] == "paid" and body["order_number"].startswith("ORD-")
    assert body["payment"]["status"] == "succeeded" and body["payment"][
        "transaction_id"
    ].startswith("txn_")
    assert body["tracking_number"].startswith("1Z") and body["estimated_delivery"]
    # 180 + 25 = 205.00, tax 16.40, free shipping
    assert body["totals"]["subtotal"] == "205.00" and body["totals"]["total"] == "221.40"
    assert body["points_earned"] == 205
    assert [
        (i["product_name"], i["quantity"], i["price"], i["subtotal"]) for i in body["items"]
    ] == [
        ("Rain Jacket", 3, "60.00", "180.00"),
        ("Wool Socks", 2, "12.50", "25.00"),
    ]
    # Warehouse first, then the store.
    levels = {
        lv.location_id: lv.quantity for lv in StockLevel.objects.filter(variant__product=jacket)
    }
    assert levels == {warehouse.pk: 0, store.pk: 2}
    jacket.refresh_from_db()
    assert jacket.stock == 2
    assert user_api.get("/api/cart").json()["items"] == []
    assert LoyaltyAccount.objects.get(user=user).points == 205


def test_coupon_and_points_are_used_when_paid(user_api, user, socks, address, good_card):
    Coupon.objects.create(code="SAVE5", discount_type="fixed", discount_value=Decimal(5))
    loyalty.earn_points(user=user, points=600)  # silver
    add_to_cart(user_api, socks, 8)  # 100.00
    user_api.post("/api/loyalty/apply-coupon", {"code": "SAVE5"}, format="json")
    user_api.post("/api/loyalty/redeem-points", {"points": 500}, format="json")
    body = place(user_api, address, good_card).json()
    # 100 - 5 coupon - 4.75 silver - 5 points = 85.25
    totals = body["totals"]
    assert (
        totals["coupon_discount"],
        totals["loyalty_discount"],
        totals["points_discount"],
        totals["merchandise"],
    ) == ("5.00", "4.75", "5.00", "85.25")
    assert (
        body["coupon_code"] == "SAVE5"
        and body["points_redeemed"] == 500
        and body["points_earned"] == 85
    )
    account = LoyaltyAccount.objects.get(user=user)
    assert account.points == 600 - 500 + 85
    assert Coupon.objects.get(code="SAVE5").times_used == 1


def test_a_declined_card_keeps_cart_points_and_stock(user_api, user, jacket, address, bad_card):
    loyalty.earn_points(user=user, points=300)
    add_to_cart(user_api, jacket, 2, color="Navy", size="M")
    user_api.post("/api/loyalty/redeem-points", {"points": 300}, format="json")
    response = place(user_api, address, bad_card)
    assert response.status_code == 402
    error = response.json()["error"]
    assert error["code"] == "payment_declined" and error["message"] == "Your card was declined."
    jacket.refresh_from_db()
    assert jacket.stock == 5
    cart = user_api.get("/api/cart").json()
    assert cart["item_count"] == 2 and cart["points_redeemed"] == 300
    assert LoyaltyAccount.objects.get(user=user).points == 300
    assert Order.objects.get().status == "cancelled"


@pytest.mark.parametrize(
    "kind, fields, message",
    [
        ("upi", {"upi_id": "ann@fail"}, "UPI"),
        ("gift_card", {"code": "EMPTY-0000-1111-2222"}, "gift card"),
    ],
)
def test_every_decline_path(user_api, user, socks, address, kind, fields, message):
    from accounts import services as accounts

    method = accounts.add_payment_method(user=user, type=kind, **fields)
    add_to_cart(user_api, socks)
    response = place(user_api, address, method)
    assert response.status_code == 402 and message in response.json()["error"]["message"]


def test_random_failures_at_the_configured_rate(user_api, user, socks, address, settings):
    settings.PAYMENT_FAILURE_RATE = 1.0
    method = card(user, "5555555555554444")
    add_to_cart(user_api, socks)
    assert place(user_api, address, method).status_code == 402
    settings.PAYMENT_FAILURE_RATE = 0.0
    assert place(user_api, address, method).status_code == 201


def test_the_same_idempotency_key_returns_the_same_order_and_charges_once(
    user_api, socks, address, good_card
):
    add_to_cart(user_api, socks, 2)
    first = place(user_api, address, good_card, key="same-key")
    add_to_cart(user_api, socks, 1)  # the retry must not order this
    again = place(user_api, address, good_card, key="same-key")
    assert again.status_code == 201 and again["Idempotent-Replayed"] == "true"
    assert again.json()["id"] == first.json()["id"]
    assert again.json()["payment"]["payment_id"] == first.json()["payment"]["payment_id"]
    assert Order.objects.count() == 1


def test_a_declined_key_stays_declined(user_api, socks, address, bad_card):
    add_to_cart(user_api, socks)
    assert place(user_api, address, bad_card, key="k").status_code == 402
    assert place(user_api, address, bad_card, key="k").status_code == 402
    assert Order.objects.count() == 1


def test_placing_needs_a_cart_and_the_users_own_address_and_card(
    user_api, other_user, socks, address, good_card
):
    empty = place(user_api, address, good_card)
    assert empty.status_code == 400 and empty.json()["error"]["code"] == "empty_cart"
    add_to_cart(user_api, socks)
    from accounts import services as accounts

    theirs = accounts.add_address(
        user=other_user, street="9 Elm", city="X", zip_code="1", country="US"
    )
    assert place(user_api, theirs, good_card).json()["error"]["code"] == "address_not_found"
    their_card = card(other_user)
    assert place(user_api, address, their_card).status_code == 404
    huge = user_api.post(
        "/api/orders", {"address_id": 2**70, "payment_method_id": good_card.pk}, format="json"
    )
    assert huge.status_code == 404 and huge.json()["error"]["code"] == "address_not_found"
    bad = user_api.post("/api/orders", {"address_id": "x"}, format="json")
    assert bad.status_code == 400 and set(bad.json()["error"]["details"]) == {
        "address_id",
        "payment_method_id",
    }


def test_stock_gone_since_the_cart_is_a_409(user_api, socks, address, good_card, warehouse):
    add_to_cart(user_api, socks, 5)
    from catalog import stock

    stock.set_stock_level(sku=socks.variants.get().sku, location_id=warehouse.pk, quantity=2)
    response = place(user_api, address, good_card)
    assert response.status_code == 409 and response.json()["error"]["code"] == "insufficient_stock"


def test_checkout_id_must_still_match(user_api, socks, address, good_card):
    add_to_cart(user_api, socks, 2)
    checkout_id = user_api.post("/api/cart/checkout").json()["checkout_id"]
    add_to_cart(user_api, socks, 1)
    stale = place(user_api, address, good_card, checkout_id=checkout_id)
    assert stale.status_code == 409 and stale.json()["error"]["code"] == "checkout_expired"
    fresh = user_api.post("/api/cart/checkout").json()["checkout_id"]
    assert place(user_api, address, good_card, checkout_id=fresh).status_code == 201


def test_a_crash_before_payment_is_released_by_the_cleanup(
    user, socks, address, good_card, user_api
):
    add_to_cart(user_api, socks, 4)
    order, _ = placing._reserve(
        user=user,
        address_id=address.pk,
        payment_method_id=good_card.pk,
        checkout_id=None,
        idempotency_key=None,
    )
    socks.refresh_from_db()
    assert socks.stock == 96
    assert placing.release_stale_orders(older_than_minutes=15) == 0
    Order.objects.filter(pk=order.pk).update(created_at=timezone.now() - timedelta(minutes=16))
    assert placing.release_stale_orders(older_than_minutes=15) == 1
    socks.refresh_from_db()
    order.refresh_from_db()
    assert socks.stock == 100 and order.status == "cancelled"


def test_list_detail_and_tracking_are_the_users_own(user_api, other_api, socks, address, good_card):
    add_to_cart(user_api, socks)
    order_id = place(user_api, address, good_card).json()["id"]
    listed = user_api.get("/api/orders").json()
    assert listed["count"] == 1 and listed["results"][0]["id"] == order_id
    tracking = user_api.get(f"/api/orders/{order_id}/tracking").json()
    assert tracking["carrier"] == "UPS" and [h["status"] for h in tracking["history"]] == [
        "pending_payment",
        "paid",
    ]
    for path in (f"/api/orders/{order_id}", f"/api/orders/{order_id}/tracking"):
        assert other_api.get(path).status_code == 404
    assert other_api.post(f"/api/orders/{order_id}/cancel").status_code == 404
    assert other_api.get("/api/orders").json()["count"] == 0


# Fulfilment, cancel, returns


def test_staff_move_orders_one_step_at_a_time(user_api, staff_api, socks, address, good_card):
    add_to_cart(user_api, socks)
    order_id = place(user_api, address, good_card).json()["id"]
    jump = staff_api.post(
        f"/api/staff/orders/{order_id}/status", {"status": "delivered"}, format="json"
    )
    assert jump.status_code == 409 and jump.json()["error"]["code"] == "invalid_transition"
    for step in ("processing", "shipped", "out_for_delivery", "delivered"):
        response = staff_api.post(
            f"/api/staff/orders/{order_id}/status",
            {"status": step, "note": f"now {step}"},
            format="json",
        )
        assert response.status_code == 200 and response.json()["status"] == step
    history = user_api.get(f"/api/orders/{order_id}/tracking").json()["history"]
    assert [h["status"] for h in history][-4:] == [
        "processing",
        "shipped",
        "out_for_delivery",
        "delivered",
    ]
    assert (
        user_api.post(
            f"/api/staff/orders/{order_id}/status", {"status": "shipped"}, format="json"
        ).status_code
        == 403
    )


def test_cancel_before_shipping_refunds_restocks_and_reverses_points(
    user_api, user, staff_api, jacket, address, good_card
):
    loyalty.earn_points(user=user, points=400)
    add_to_cart(user_api, jacket, 2, color="Navy", size="M")
    user_api.post("/api/loyalty/redeem-points", {"points": 400}, format="json")
    order = place(user_api, address, good_card).json()
    assert LoyaltyAccount.objects.get(user=user).points == order["points_earned"]
    cancelled = user_api.post(f"/api/orders/{order['id']}/cancel").json()
    assert (
        cancelled["status"] == "cancelled"
        and cancelled["refunded_total"] == order["totals"]["total"]
    )
    jacket.refresh_from_db()
    assert jacket.stock == 5
    account = LoyaltyAccount.objects.get(user=user)
    assert account.points == 400
    assert account.points == sum(
        PointsEntry.objects.filter(account=account).values_list("points", flat=True)
    )
    again = user_api.post(f"/api/orders/{order['id']}/cancel")
    assert again.status_code == 409


def test_a_shipped_order_cannot_be_cancelled(user_api, staff_api, socks, address, good_card):
    add_to_cart(user_api, socks)
    order_id = place(user_api, address, good_card).json()["id"]
    for step in ("processing", "shipped"):
        staff_api.post(f"/api/staff/orders/{order_id}/status", {"status": step}, format="json")
    response = user_api.post(f"/api/orders/{order_id}/cancel")
    assert response.status_code == 409 and response.json()["error"]["code"] == "not_allowed"


def deliver(staff_api, order_id):
    for step in ("processing", "shipped", "out_for_delivery", "delivered"):
        staff_api.post(f"/api/staff/orders/{order_id}/status", {"status": step}, format="json")


def test_returns_refund_what_was_paid_for_them_to_the_cent(
    user_api, user, staff_api, socks, jacket, address, good_card
):
    Coupon.objects.create(code="TEN", discount_type="percent", discount_value=Decimal(10))
    add_to_cart(user_api, socks, 3)  # 37.50
    add_to_cart(user_api, jacket, 1, color="Navy", size="M")  # 60.00
    user_api.post("/api/loyalty/apply-coupon", {"code": "TEN"}, format="json")
    order = place(user_api, address, good_card).json()
    # subtotal 97.50, coupon 9.75, merchandise 87.75, tax 7.02 -> paid for goods 94.77
    assert (order["totals"]["merchandise"], order["totals"]["tax"]) == ("87.75", "7.02")
    deliver(staff_api, order["id"])
    items = {i["product_name"]: i["id"] for i in order["items"]}

    first = user_api.post(
        f"/api/orders/{order['id']}/return",
        {"reason": "Too small", "items": [{"order_item_id": items["Wool Socks"], "quantity": 1}]},
        format="json",
    )
    assert first.status_code == 201, first.content
    # 12.50 / 97.50 of 94.77 = 12.15
    assert (first.json()["status"], first.json()["refund_amount"]) == ("requested", "12.15")
    too_many = user_api.post(
        f"/api/orders/{order['id']}/return",
        {"reason": "x", "items": [{"order_item_id": items["Wool Socks"], "quantity": 3}]},
        format="json",
    )
    assert too_many.status_code == 400 and "items" in too_many.json()["error"]["details"]

    rest = user_api.post(
        f"/api/orders/{order['id']}/return",
        {
            "reason": "Changed my mind",
            "items": [
                {"order_item_id": items["Wool Socks"], "quantity": 2},
                {"order_item_id": items["Rain Jacket"], "quantity": 1},
            ],
        },
        format="json",
    ).json()
    assert rest["refund_amount"] == "82.62"  # what is left: 94.77 - 12.15

    for made in (first.json(), rest):
        assert (
            staff_api.post(f"/api/staff/returns/{made['id']}/receive").status_code == 409
        )  # not approved yet
        assert (
            staff_api.post(f"/api/staff/returns/{made['id']}/approve").json()["status"]
            == "approved"
        )
        assert (
            staff_api.post(f"/api/staff/returns/{made['id']}/receive").json()["status"]
            == "refunded"
        )
    final = user_api.get(f"/api/orders/{order['id']}").json()
    assert final["status"] == "returned" and final["refunded_total"] == "94.77"
    socks.refresh_from_db()
    jacket.refresh_from_db()
    assert (socks.stock, jacket.stock) == (100, 5)
    account = LoyaltyAccount.objects.get(user=user)
    assert account.points == 0 and account.lifetime_points == 0


def test_returns_only_for_delivered_orders_within_30_days(
    user_api, staff_api, socks, address, good_card
):
    add_to_cart(user_api, socks)
    order = place(user_api, address, good_card).json()
    body = {"reason": "x", "items": [{"order_item_id": order["items"][0]["id"], "quantity": 1}]}
    assert (
        user_api.post(f"/api/orders/{order['id']}/return", body, format="json").status_code == 409
    )
    deliver(staff_api, order["id"])
    Order.objects.filter(pk=order["id"]).update(delivered_at=timezone.now() - timedelta(days=31))
    late = user_api.post(f"/api/orders/{order['id']}/return", body, format="json")
    assert late.status_code == 409 and "30 days" in late.json()["error"]["message"]


def test_staff_reject_a_return(user_api, staff_api, socks, address, good_card):
    add_to_cart(user_api, socks)
    order = place(user_api, address, good_card).json()
    deliver(staff_api, order["id"])
    made = user_api.post(
        f"/api/orders/{order['id']}/return",
        {"reason": "x", "items": [{"order_item_id": order["items"][0]["id"], "quantity": 1}]},
        format="json",
    ).json()
    assert (
        staff_api.post(f"/api/staff/returns/{made['id']}/reject", {}, format="json").status_code
        == 400
    )
    rejected = staff_api.post(
        f"/api/staff/returns/{made['id']}/reject", {"note": "Worn"}, format="json"
    ).json()
    assert (rejected["status"], rejected["note"]) == ("rejected", "Worn")
    # The units can be asked for again.
    assert (
        user_api.post(
            f"/api/orders/{order['id']}/return",
            {"reason": "y", "items": [{"order_item_id": order["items"][0]["id"], "quantity": 1}]},
            format="json",
        ).status_code
        == 201
    )


def test_order_list_runs_a_fixed_number_of_queries(
    user_api, socks, address, good_card, django_assert_max_num_queries
):
    for _ in range(6):
        add_to_cart(user_api, socks)
        assert place(user_api, address, good_card).status_code == 201
    with django_assert_max_num_queries(6):  # user, count, orders, items, history, returns
        assert user_api.get("/api/orders").json()["count"] == 6
