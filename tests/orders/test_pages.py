"""Checkout, confirmation, history, detail with tracking, cancel and return on the storefront."""

import pytest

from orders.models import Order
from tests.orders.conftest import add_to_cart

pytestmark = pytest.mark.django_db


@pytest.fixture
def shopper(client, user):
    client.force_login(user)
    return client


def add(client, product, quantity=1):
    response = client.post("/cart/add/", {"product_id": product.pk, "quantity": quantity})
    assert response.status_code == 302


def test_checkout_page_places_the_order(shopper, socks, address, good_card):
    add(shopper, socks, 2)
    page = shopper.get("/checkout/").content.decode()
    assert "1 Main St" in page and "Visa •••• 4242" in page and "Place order · $32.99" in page
    key = page.split('name="idempotency_key" value="')[1].split('"')[0]
    response = shopper.post(
        "/checkout/",
        {"address_id": address.pk, "payment_method_id": good_card.pk, "idempotency_key": key},
    )
    order = Order.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/orders/{order.pk}/"
    detail = shopper.get(response["Location"]).content.decode()
    assert f"Order {order.number}" in detail and "is confirmed" in detail
    assert "UPS" in detail and "Awaiting payment" in detail and "Payment approved" in detail
    # A double submit of the same form does not order twice.
    again = shopper.post(
        "/checkout/",
        {"address_id": address.pk, "payment_method_id": good_card.pk, "idempotency_key": key},
    )
    assert again.status_code == 302 and Order.objects.count() == 1
    assert order.number in shopper.get("/account/orders/").content.decode()


NEW_ADDRESS = {
    "address_id": "new",
    "address-street": "9 Pier Rd",
    "address-city": "Salem",
    "address-zip_code": "97301",
    "address-country": "US",
}


def test_checkout_saves_a_new_address_and_card_then_places_the_order(shopper, user, socks):
    add(shopper, socks)
    page = shopper.get("/checkout/").content.decode()
    assert (
        'value="new" checked> A new address' in page and 'value="new" checked> A new card' in page
    )
    response = shopper.post(
        "/checkout/",
        {
            **NEW_ADDRESS,
            "payment_method_id": "new",
            "card-card_number": "4242 4242 4242 4242",
            "card-exp_month": "4",
            "card-exp_year": "2031",
            "idempotency_key": "k-new",
        },
    )
    order = Order.objects.get()
    assert response.status_code == 302 and order.ship_street == "9 Pier Rd"
    assert [str(a) for a in user.addresses.all()] == ["9 Pier Rd, Salem, 97301, US"]
    assert [m.label for m in user.payment_methods.all()] == ["Visa •••• 4242"]


def test_a_bad_new_card_is_named_and_nothing_typed_is_lost(shopper, user, socks):
    add(shopper, socks)
    response = shopper.post(
        "/checkout/",
        {
            **NEW_ADDRESS,
            "payment_method_id": "new",
            "card-card_number": "4242 4242 4242 4241",
            "card-exp_month": "4",
            "card-exp_year": "2031",
        },
    )
    html = response.content.decode()
    assert response.status_code == 400 and "Please check the details below." in html
    assert "This card number is not valid" in html and 'value="4242 4242 4242 4241"' in html
    # The address was good: it is saved and chosen, so only the card needs fixing.
    saved = user.addresses.get()
    assert f'value="{saved.pk}" checked' in html
    assert not Order.objects.exists() and shopper.get("/api/cart").json()["item_count"] == 1


def test_a_decline_shows_the_reason_and_keeps_the_cart(shopper, socks, address, bad_card):
    add(shopper, socks)
    response = shopper.post(
        "/checkout/",
        {"address_id": address.pk, "payment_method_id": bad_card.pk, "idempotency_key": "x1"},
    )
    assert response.status_code == 402
    html = response.content.decode()
    assert "Your card was declined." in html and "Your cart is unchanged" in html
    assert shopper.get("/api/cart").json()["item_count"] == 1


def test_cancel_and_return_from_the_order_page(
    shopper, user, socks, address, good_card, django_user_model
):
    from orders import fulfilment

    add(shopper, socks, 2)
    shopper.post(
        "/checkout/",
        {"address_id": address.pk, "payment_method_id": good_card.pk, "idempotency_key": "a"},
    )
    order = Order.objects.get()
    assert "Cancel order" in shopper.get(f"/orders/{order.pk}/").content.decode()
    shopper.post(f"/orders/{order.pk}/cancel/")
    order.refresh_from_db()
    assert order.status == "cancelled"

    add(shopper, socks, 2)
    shopper.post(
        "/checkout/",
        {"address_id": address.pk, "payment_method_id": good_card.pk, "idempotency_key": "b"},
    )
    second = Order.objects.exclude(pk=order.pk).get()
    for step in ("processing", "shipped", "out_for_delivery", "delivered"):
        fulfilment.advance(order_id=second.pk, status=step)
    page = shopper.get(f"/orders/{second.pk}/").content.decode()
    assert "Request a return" in page and "Cancel order" not in page
    item = second.items.get()
    shopper.post(f"/orders/{second.pk}/return/", {f"qty-{item.pk}": "1", "reason": "Too warm"})
    assert second.returns.get().status == "requested"
    assert "Return requested" in shopper.get(f"/orders/{second.pk}/").content.decode()


def test_another_users_order_page_is_a_404(client, other_user, user_api, socks, address, good_card):
    add_to_cart(user_api, socks)
    order_id = user_api.post(
        "/api/orders", {"address_id": address.pk, "payment_method_id": good_card.pk}, format="json"
    ).json()["id"]
    client.force_login(other_user)
    assert client.get(f"/orders/{order_id}/").status_code == 404


def test_staff_ship_orders_from_the_admin(
    client, user_api, socks, address, good_card, django_user_model
):
    add_to_cart(user_api, socks)
    order_id = user_api.post(
        "/api/orders", {"address_id": address.pk, "payment_method_id": good_card.pk}, format="json"
    ).json()["id"]
    client.force_login(
        django_user_model.objects.create_superuser("boss", "boss@example.com", "pw-boss-2026")
    )
    for action in ("mark_processing", "mark_shipped"):
        response = client.post(
            "/admin/orders/order/", {"action": action, "_selected_action": [order_id]}
        )
        assert response.status_code == 302
    assert Order.objects.get(pk=order_id).status == "shipped"
    skipped = client.post(
        "/admin/orders/order/",
        {"action": "mark_processing", "_selected_action": [order_id]},
        follow=True,
    )
    assert "can&#x27;t become processing" in skipped.content.decode()
