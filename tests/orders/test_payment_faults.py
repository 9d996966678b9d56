"""The gateway timing out or raising, and a crash between its approval and the order being
marked paid: the order always ends consistent (paid and charged once, or cancelled with stock,
cart and points as they were and nothing charged), and the cleanup job settles what a request
could not, by the gateway's own records."""

from datetime import timedelta

import pytest
from django.utils import timezone

from loyalty import services as loyalty
from orders import placing
from orders.models import Order, Refund
from tests.orders.conftest import add_to_cart, place


def cart_quantities(client) -> list[int]:
    return [item["quantity"] for item in client.get("/api/cart").json()["items"]]


def age(order_id: int) -> None:
    Order.objects.filter(pk=order_id).update(created_at=timezone.now() - timedelta(hours=1))


def test_a_gateway_timing_out_before_charging_cancels_and_charges_nothing(
    gateway, user_api, socks, address, good_card
):
    add_to_cart(user_api, socks, 3)
    gateway.fail = "before"
    response = place(user_api, address, good_card, key="k1")
    assert response.status_code == 502 and response.json()["error"]["code"] == "payment_unavailable"
    order = Order.objects.get()
    socks.refresh_from_db()
    assert (order.status, socks.stock, cart_quantities(user_api)) == ("cancelled", 100, [3])
    assert gateway.net_charged() == 0
    gateway.fail = None  # a retry with the same key says what happened; a new key can buy
    assert place(user_api, address, good_card, key="k1").status_code == 502
    assert place(user_api, address, good_card, key="k2").status_code == 201


def test_a_timeout_after_the_gateway_approved_completes_the_order(
    gateway, user_api, socks, address, good_card
):
    add_to_cart(user_api, socks, 2)
    gateway.fail = "after"
    response = place(user_api, address, good_card)
    assert response.status_code == 201, response.content
    assert response.json()["status"] == "paid" and response.json()["points_earned"] == 25
    assert gateway.net_charged() == Order.objects.get().total
    assert cart_quantities(user_api) == []


def test_an_unknown_outcome_holds_the_order_until_the_records_tell(
    gateway, user_api, socks, address, good_card
):
    add_to_cart(user_api, socks, 2)
    gateway.fail, gateway.records_down = "after", True
    response = place(user_api, address, good_card, key="k1")
    assert response.status_code == 502 and response.json()["error"]["code"] == "payment_unconfirmed"
    order = Order.objects.get()
    socks.refresh_from_db()
    assert order.status == "pending_payment" and socks.stock == 98  # held: it may be paid
    assert (
        place(user_api, address, good_card, key="k1").json()["error"]["code"]
        == "request_in_progress"
    )
    age(order.pk)
    assert placing.release_stale_orders() == 0  # still unknown: neither cancelled nor charged twice
    gateway.records_down = False
    assert placing.release_stale_orders() == 1
    order.refresh_from_db()
    assert order.status == "paid" and gateway.net_charged() == order.total
    assert (
        place(user_api, address, good_card, key="k1").status_code == 201
    )  # the replay now finds it


def test_a_crash_after_approval_is_completed_by_the_cleanup(
    gateway, monkeypatch, user, user_api, socks, address, good_card
):
    add_to_cart(user_api, socks, 4)

    def crash(order, result):
        raise RuntimeError("process died")

    monkeypatch.setattr(placing, "_complete", crash)
    with pytest.raises(RuntimeError):
        placing.place_order(user=user, address_id=address.pk, payment_method_id=good_card.pk)
    monkeypatch.undo()
    order = Order.objects.get()
    assert order.status == "pending_payment" and gateway.net_charged() == order.total
    age(order.pk)
    assert placing.release_stale_orders() == 1
    assert placing.release_stale_orders() == 0  # a rerun (a worker killed mid-job) changes nothing
    order.refresh_from_db()
    socks.refresh_from_db()
    assert (order.status, order.points_earned, socks.stock) == ("paid", 50, 96)
    assert loyalty.profile(user)["points"] == 50 and cart_quantities(user_api) == []
    assert gateway.net_charged() == order.total


def test_a_crash_after_approval_is_refunded_when_the_order_cannot_stand(
    gateway, monkeypatch, user, user_api, socks, address, good_card
):
    loyalty.earn_points(user=user, points=200)
    add_to_cart(user_api, socks, 4)
    user_api.post("/api/loyalty/redeem-points", {"points": 200}, format="json")
    monkeypatch.setattr(
        placing, "_complete", lambda order, result: (_ for _ in ()).throw(RuntimeError("died"))
    )
    with pytest.raises(RuntimeError):
        placing.place_order(user=user, address_id=address.pk, payment_method_id=good_card.pk)
    monkeypatch.undo()
    loyalty.spend_points(user=user, points=200)  # spent elsewhere before the cleanup ran
    order = Order.objects.get()
    age(order.pk)
    assert placing.release_stale_orders() == 1
    order.refresh_from_db()
    socks.refresh_from_db()
    assert (order.status, order.payment_status, socks.stock) == ("cancelled", "refunded", 100)
    assert gateway.net_charged() == 0 and Refund.objects.get(order=order).amount == order.total
    assert loyalty.profile(user)["points"] == 0


def test_an_order_never_paid_is_released_as_before(
    gateway, user, user_api, socks, address, good_card
):
    add_to_cart(user_api, socks, 4)
    order, _ = placing._reserve(
        user=user,
        address_id=address.pk,
        payment_method_id=good_card.pk,
        checkout_id=None,
        idempotency_key=None,
    )
    age(order.pk)
    assert placing.release_stale_orders() == 1
    order.refresh_from_db()
    assert (
        order.status == "cancelled"
        and order.payment_status == "expired"
        and gateway.net_charged() == 0
    )
