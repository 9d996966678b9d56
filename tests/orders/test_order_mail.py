"""The mail an order's life sends: confirmation when paid, shipped with its tracking number,
delivered, cancelled and the steps of a return; each once, after commit, in text and HTML."""

import pytest
from django.core import mail as django_mail

from mail.models import Email
from orders.models import Order
from tests.orders.conftest import add_to_cart, place
from tests.orders.test_orders import deliver

pytestmark = pytest.mark.django_db


@pytest.fixture
def committed(django_capture_on_commit_callbacks):
    def run(call):
        with django_capture_on_commit_callbacks(execute=True):
            return call()

    return run


def sent(event: str) -> list:
    subjects = {e.subject for e in Email.objects.filter(event=event, status="sent")}
    return [m for m in django_mail.outbox if m.subject in subjects]


@pytest.fixture
def paid_order(user_api, committed, socks, jacket, address, good_card):
    add_to_cart(user_api, socks, 2)
    add_to_cart(user_api, jacket, 1, color="Navy", size="M")
    response = committed(lambda: place(user_api, address, good_card))
    assert response.status_code == 201, response.content
    return response.json()


def test_a_paid_order_is_confirmed_once_with_its_items_totals_and_address(paid_order, user):
    [message] = django_mail.outbox
    number = paid_order["order_number"]
    assert message.to == [user.email]
    assert message.subject == f"Order {number} confirmed"
    html, mime = message.alternatives[0]
    assert mime == "text/html"
    for part in (message.body, html):
        assert number in part
        assert "Wool Socks" in part and "Rain Jacket" in part
        assert paid_order["totals"]["total"] in part
        assert "1 Main St" in part and "Springfield" in part
        assert f"/orders/{paid_order['id']}/" in part
    assert "<img" not in html and "<link" not in html and "@import" not in html
    row = Email.objects.get(event="order_confirmation")
    assert (row.status, row.about) == ("sent", Order.objects.get(pk=paid_order["id"]))


def test_a_declined_order_sends_nothing(user_api, committed, socks, address, bad_card):
    add_to_cart(user_api, socks)
    assert committed(lambda: place(user_api, address, bad_card)).status_code == 402
    assert django_mail.outbox == []
    assert not Email.objects.exists()


def test_the_same_idempotency_key_confirms_once(user_api, committed, socks, address, good_card):
    add_to_cart(user_api, socks)
    for _ in range(2):
        assert committed(lambda: place(user_api, address, good_card, key="k-1")).status_code in (
            200,
            201,
        )
    assert len(django_mail.outbox) == 1


def test_shipping_and_delivery_are_mailed_with_the_tracking_number(
    paid_order, staff_api, committed
):
    committed(lambda: deliver(staff_api, paid_order["id"]))
    order = Order.objects.get(pk=paid_order["id"])
    [shipped] = sent("order_shipped")
    assert shipped.subject == f"Order {order.number} has shipped"
    assert order.tracking_number in shipped.body and order.carrier in shipped.body
    assert order.tracking_number in shipped.alternatives[0][0]
    [delivered] = sent("order_delivered")
    assert delivered.subject == f"Order {order.number} was delivered"
    # Processing and out-for-delivery are not mailed: four mails in all.
    assert len(django_mail.outbox) == 3


def test_cancelling_mails_the_refunded_amount(paid_order, user_api, committed):
    committed(lambda: user_api.post(f"/api/orders/{paid_order['id']}/cancel"))
    [cancelled] = sent("order_cancelled")
    assert cancelled.subject == f"Order {paid_order['order_number']} is cancelled and refunded"
    assert f"${paid_order['totals']['total']}" in cancelled.body


def test_each_step_of_a_return_is_mailed(paid_order, user_api, staff_api, committed):
    committed(lambda: deliver(staff_api, paid_order["id"]))
    item = paid_order["items"][0]

    def ask():
        return user_api.post(
            f"/api/orders/{paid_order['id']}/return",
            {"reason": "Too small", "items": [{"order_item_id": item["id"], "quantity": 1}]},
            format="json",
        ).json()

    first = committed(ask)
    committed(lambda: staff_api.post(f"/api/staff/returns/{first['id']}/reject", {"note": "Worn"}))
    second = committed(ask)
    committed(lambda: staff_api.post(f"/api/staff/returns/{second['id']}/approve"))
    refund = committed(lambda: staff_api.post(f"/api/staff/returns/{second['id']}/receive"))
    number = paid_order["order_number"]
    [rejected] = sent("return_rejected")
    assert rejected.subject == f"Your return for order {number} was not accepted"
    assert "Worn" in rejected.body
    [approved] = sent("return_approved")
    assert item["product_name"] in approved.body
    [refunded] = sent("return_refunded")
    assert refunded.subject == f"Your refund for order {number}"
    assert f"${refund.json()['refund_amount']}" in refunded.body
    # One mail per return and step, though both returns are about the same order.
    assert Email.objects.filter(event__startswith="return_").count() == 3


def test_order_updates_can_be_turned_off_but_confirmations_always_go(
    user_api, staff_api, committed, socks, address, good_card
):
    response = user_api.put("/api/users/notifications", {"order_updates": False}, format="json")
    assert response.json() == {"order_updates": False, "back_in_stock": True, "marketing": False}
    add_to_cart(user_api, socks)
    order = committed(lambda: place(user_api, address, good_card)).json()
    committed(lambda: deliver(staff_api, order["id"]))
    assert [m.subject for m in django_mail.outbox] == [f"Order {order['order_number']} confirmed"]
    assert set(Email.objects.values_list("event", "status")) == {
        ("order_confirmation", "sent"),
        ("order_shipped", "skipped"),
        ("order_delivered", "skipped"),
    }


def test_staff_see_an_orders_mail_on_its_admin_page(paid_order, client, django_user_model):
    client.force_login(django_user_model.objects.create_superuser("boss", "boss@example.com", "x"))
    page = client.get(f"/admin/orders/order/{paid_order['id']}/change/")
    assert page.status_code == 200
    text = page.content.decode()
    assert "Mail sent" in text
    assert f"Order {paid_order['order_number']} confirmed" in text
    assert "order_confirmation" in text and "ann@example.com" in text
