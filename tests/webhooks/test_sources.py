"""Where events come from: an order's life through the real API (paid, each step, cancelled,
a return refunded), stock changes and product edits; and a change that rolls back sends
nothing."""

import pytest
from django.db import transaction

from accounts import services as accounts
from catalog import stock
from orders import fulfilment
from orders.models import Order
from orders.signals import order_status_changed
from tests.catalog import builders
from tests.conftest import bearer_client
from tests.orders.conftest import DECLINED, add_to_cart, card, place
from tests.webhooks.conftest import verify
from webhooks import services
from webhooks.models import Delivery, Event

pytestmark = pytest.mark.django_db

ORDER_EVENTS = ["order.paid", "order.status_changed", "order.cancelled", "return.refunded"]


@pytest.fixture
def socks(db):
    return builders.product(
        "Wool Socks", price="12.50", variants=[("", "", {builders.location(): 100})]
    )


@pytest.fixture
def address(user):
    return accounts.add_address(
        user=user, street="1 Main St", city="Springfield", zip_code="62701", country="US"
    )


@pytest.fixture
def good_card(user):
    return card(user)


@pytest.fixture
def staff_api(staff_user):
    return bearer_client(staff_user)


@pytest.fixture
def paid(user_api, socks, address, good_card, committed):
    """Places an order for two pairs of socks through the API, its after-commit work done."""

    def paid():
        add_to_cart(user_api, socks, 2)
        response = committed(lambda: place(user_api, address, good_card))
        assert response.status_code == 201, response.content
        return response.json()

    return paid


def data_of(receiver, event: str) -> list[dict]:
    return [r.json["data"] for r in receiver.received if r.json["event"] == event]


def test_a_paid_order_through_the_api_delivers_order_paid(subscribe, receiver, paid, socks):
    _, secret = subscribe(["order.paid"])
    body = paid()

    [got] = receiver.received
    assert verify(got, secret) and got.json["event"] == "order.paid"
    order = got.json["data"]["order"]
    assert (order["id"], order["number"], order["status"]) == (
        body["id"],
        body["order_number"],
        "paid",
    )
    assert (order["total"], order["currency"]) == (body["totals"]["total"], "USD")
    assert order["payment_status"] == "succeeded" and order["paid_at"]
    assert got.json["data"]["previous_status"] == "pending_payment"
    [item] = order["items"]
    assert (item["product_id"], item["quantity"], item["price"]) == (socks.pk, 2, "12.50")
    assert order["ship_to"]["city"] == "Springfield"
    assert Delivery.objects.get().status == "succeeded"


def test_each_step_of_an_order_is_told_and_a_cancellation_once(
    subscribe, receiver, paid, user_api, staff_api, committed
):
    subscribe(ORDER_EVENTS)
    first, second = paid(), paid()
    committed(
        lambda: staff_api.post(
            f"/api/staff/orders/{first['id']}/status", {"status": "processing"}, format="json"
        )
    )
    assert committed(lambda: user_api.post(f"/api/orders/{second['id']}/cancel")).status_code == 200

    assert receiver.events() == [
        "order.status_changed",
        "order.paid",
        "order.status_changed",
        "order.paid",
        "order.status_changed",
        "order.status_changed",
        "order.cancelled",
    ]
    changes = [
        (d["order"]["number"], d["previous_status"], d["order"]["status"])
        for d in data_of(receiver, "order.status_changed")
    ]
    assert changes[2:] == [
        (first["order_number"], "paid", "processing"),
        (second["order_number"], "paid", "cancelled"),
    ]
    [cancelled] = data_of(receiver, "order.cancelled")
    assert cancelled["order"]["refunded_total"] == second["totals"]["total"]


def test_a_refunded_return_is_told_with_its_amount(
    subscribe, receiver, paid, user_api, staff_api, committed
):
    body = paid()
    for step in ("processing", "shipped", "out_for_delivery", "delivered"):
        staff_api.post(f"/api/staff/orders/{body['id']}/status", {"status": step}, format="json")
    subscribe(["return.refunded", "order.status_changed"])
    [item] = body["items"]
    made = user_api.post(
        f"/api/orders/{body['id']}/return",
        {"reason": "Too small", "items": [{"order_item_id": item["id"], "quantity": 2}]},
        format="json",
    ).json()
    staff_api.post(f"/api/staff/returns/{made['id']}/approve")
    assert (
        committed(lambda: staff_api.post(f"/api/staff/returns/{made['id']}/receive")).status_code
        == 200
    )

    [refunded] = data_of(receiver, "return.refunded")
    assert refunded["return"]["id"] == made["id"]
    assert refunded["return"]["refund_amount"] == made["refund_amount"]
    assert refunded["return"]["items"] == [{"sku": item["sku"], "quantity": 2}]
    [returned] = data_of(receiver, "order.status_changed")  # every item back: returned
    assert (returned["previous_status"], returned["order"]["status"]) == ("delivered", "returned")


def test_a_declined_order_sends_nothing(
    subscribe, receiver, user, user_api, socks, address, committed
):
    subscribe(ORDER_EVENTS)
    add_to_cart(user_api, socks)
    assert committed(lambda: place(user_api, address, card(user, DECLINED))).status_code == 402
    assert receiver.received == [] and not Event.objects.exists()


def test_an_order_whose_payment_rolls_back_sends_nothing(
    subscribe, receiver, user_api, socks, address, good_card, committed
):
    """The paying transaction fails after the events were written: they go with it."""
    subscribe(ORDER_EVENTS)

    def fail(sender, **kwargs):
        raise RuntimeError("disk full")

    order_status_changed.connect(fail, dispatch_uid="test-fail")  # after the webhooks' receiver
    try:
        add_to_cart(user_api, socks)
        response = committed(lambda: place(user_api, address, good_card))
    finally:
        order_status_changed.disconnect(dispatch_uid="test-fail")
    assert response.status_code == 500
    assert Order.objects.get().status == "pending_payment"  # the release job settles it
    assert not Event.objects.exists()
    committed(services.send_due)
    assert receiver.received == []


def test_a_step_rolled_back_by_its_caller_sends_nothing(subscribe, receiver, paid, committed):
    body = paid()
    subscribe(ORDER_EVENTS)

    def step_then_fail():
        with transaction.atomic():
            fulfilment.advance(order_id=body["id"], status="processing")
            raise RuntimeError("the caller's next step failed")

    with pytest.raises(RuntimeError):
        committed(step_then_fail)
    assert receiver.received == [] and not Event.objects.exists()
    assert Order.objects.get().status == "paid"


def test_stock_changes_and_product_edits_are_told(subscribe, receiver, socks, committed):
    subscribe(["stock.changed", "product.updated"])
    variant = socks.variants.get()
    committed(
        lambda: stock.set_stock_level(
            sku=variant.sku, location_id=builders.location().pk, quantity=0
        )
    )
    socks.refresh_from_db()
    socks.price = "11.00"
    committed(socks.save)
    committed(lambda: socks.save(update_fields=["stock"]))  # the shop's own bookkeeping: not told

    assert receiver.events() == ["stock.changed", "product.updated"]
    [change] = data_of(receiver, "stock.changed")
    assert (change["sku"], change["quantity"], change["stock_status"]) == (
        variant.sku,
        0,
        "out_of_stock",
    )
    [edited] = data_of(receiver, "product.updated")
    assert edited["product"] | {"updated_at": None} == {
        "id": socks.pk,
        "name": "Wool Socks",
        "slug": socks.slug,
        "category": "Gadgets",
        "brand": "Acme",
        "price": "11.00",
        "is_active": True,
        "stock": 0,
        "updated_at": None,
    }
    assert edited["created"] is False
