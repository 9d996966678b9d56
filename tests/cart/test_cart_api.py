"""The cart API: add (merging), update, remove, totals, checkout; options, limits and stock."""

from datetime import UTC, timedelta

import pytest
from django.utils import timezone

from cart import services
from cart.models import Cart
from catalog import stock
from catalog.models import Product, ProductImage
from tests.catalog import builders

pytestmark = pytest.mark.django_db


@pytest.fixture
def goods(db):
    warehouse = builders.location()
    return {
        "shoe": builders.product(
            "Trail Runner",
            price="40.00",
            variants=[
                ("Red", "9", {warehouse: 3}),
                ("Red", "10", {warehouse: 20}),
                ("Blue", "9", {warehouse: 0}),
            ],
        ),
        "bottle": builders.product("Steel Bottle", price="12.50", variants=[("", "", 50)]),
        "tee": builders.product("Plain Tee", price="9.99", variants=[("White", "", 10)]),
    }


def add(client, product, status=201, **body):
    response = client.post("/api/cart/items", {"product_id": product.pk, **body}, format="json")
    assert response.status_code == status, response.content
    return response.json()


def test_an_empty_cart(user_api):
    body = user_api.get("/api/cart").json()
    assert body["items"] == [] and body["item_count"] == 0
    assert body["totals"]["total"] == "0.00"
    assert body["coupon_code"] is None and body["points_redeemed"] == 0


def test_add_returns_the_priced_cart(user_api, goods):
    body = add(user_api, goods["shoe"], quantity=2, color="red", size="10")
    [item] = body["items"]
    assert (item["product_name"], item["color"], item["size"], item["quantity"]) == (
        "Trail Runner",
        "Red",
        "10",
        2,
    )
    assert (item["price"], item["subtotal"]) == ("40.00", "80.00")
    assert item["product_id"] == goods["shoe"].pk and item["problem"] is None
    assert body["item_count"] == 2
    assert body["totals"] == {
        "subtotal": "80.00",
        "coupon_discount": "0.00",
        "loyalty_discount": "0.00",
        "points_discount": "0.00",
        "discount": "0.00",
        "merchandise": "80.00",
        "tax": "6.40",
        "shipping": "0.00",
        "total": "86.40",
        "points_used": 0,
        "currency": "USD",
    }
    assert user_api.get("/api/cart/total").json() == body["totals"]


def test_adding_the_same_variant_again_raises_its_quantity(user_api, goods):
    add(user_api, goods["bottle"], quantity=2)
    body = add(user_api, goods["bottle"], quantity=3)
    assert [(i["product_name"], i["quantity"]) for i in body["items"]] == [("Steel Bottle", 5)]


@pytest.mark.parametrize(
    "body, field",
    [
        ({"size": "10"}, "color"),
        ({"color": "Red"}, "size"),
        ({"color": "Green", "size": "9"}, "color"),
        ({"color": "Red", "size": "44"}, "size"),
        ({"color": "Blue", "size": "10"}, "size"),  # not made in that combination
        ({"color": "Red", "size": "9", "quantity": 0}, "quantity"),
        ({"color": "Red", "size": "9", "quantity": 100}, "quantity"),
        ({"color": "Red", "size": "9", "quantity": "two"}, "quantity"),
    ],
)
def test_options_and_quantity_are_checked(user_api, goods, body, field):
    error = add(user_api, goods["shoe"], status=400, **body)["error"]
    assert field in error["details"], error


def test_a_product_without_sizes_needs_only_a_color(user_api, goods):
    assert add(user_api, goods["tee"], color="White")["items"][0]["size"] == ""


def test_more_than_is_in_stock_is_a_409_with_available(user_api, goods):
    error = add(user_api, goods["shoe"], status=409, color="Red", size="9", quantity=4)["error"]
    assert error["code"] == "insufficient_stock" and error["details"] == {"available": 3}
    assert error["message"] == "Only 3 left of Trail Runner (Red, 9)."
    add(user_api, goods["shoe"], color="Red", size="9", quantity=3)
    # The cart's quantity counts: one more is too many.
    assert add(user_api, goods["shoe"], status=409, color="Red", size="9", quantity=1)["error"][
        "details"
    ] == {"available": 3}
    sold_out = add(user_api, goods["shoe"], status=409, color="Blue", size="9")["error"]
    assert sold_out["details"] == {"available": 0}


def test_at_most_99_of_one_item(user_api, goods):
    add(user_api, goods["bottle"], quantity=50)
    stock.set_stock_level(
        sku=goods["bottle"].variants.first().sku, location_id=builders.location().pk, quantity=500
    )
    assert "quantity" in add(user_api, goods["bottle"], status=400, quantity=50)["error"]["details"]


def test_unknown_or_inactive_products_are_404s(user_api, goods):
    response = user_api.post("/api/cart/items", {"product_id": 999999}, format="json")
    assert response.status_code == 404 and response.json()["error"]["code"] == "product_not_found"
    Product.objects.filter(pk=goods["bottle"].pk).update(is_active=False)
    add(user_api, goods["bottle"], status=404)


def test_update_and_remove(user_api, goods):
    item_id = add(user_api, goods["bottle"], quantity=2)["items"][0]["id"]
    body = user_api.put(f"/api/cart/items/{item_id}", {"quantity": 7}, format="json").json()
    assert body["items"][0]["quantity"] == 7
    over = user_api.put(f"/api/cart/items/{item_id}", {"quantity": 51}, format="json")
    assert over.status_code == 409 and over.json()["error"]["details"] == {"available": 50}
    assert (
        user_api.put(f"/api/cart/items/{item_id}", {"quantity": -1}, format="json").status_code
        == 400
    )
    assert (
        user_api.put(f"/api/cart/items/{item_id}", {"quantity": 0}, format="json").json()["items"]
        == []
    )

    item_id = add(user_api, goods["bottle"])["items"][0]["id"]
    assert user_api.delete(f"/api/cart/items/{item_id}").json()["items"] == []
    assert user_api.delete(f"/api/cart/items/{item_id}").status_code == 404


def test_another_users_cart_item_is_a_404(user_api, other_api, goods):
    item_id = add(user_api, goods["bottle"])["items"][0]["id"]
    assert (
        other_api.put(f"/api/cart/items/{item_id}", {"quantity": 3}, format="json").status_code
        == 404
    )
    assert other_api.delete(f"/api/cart/items/{item_id}").status_code == 404
    assert user_api.get("/api/cart").json()["items"][0]["quantity"] == 1
    assert user_api.delete("/api/cart/items/abc").status_code == 404


def test_items_that_went_inactive_or_sold_out_are_flagged_not_dropped(user_api, goods):
    add(user_api, goods["bottle"], quantity=2)
    add(user_api, goods["shoe"], color="Red", size="10", quantity=5)
    add(user_api, goods["tee"], color="White", quantity=1)
    Product.objects.filter(pk=goods["bottle"].pk).update(is_active=False)
    warehouse = builders.location()
    stock.set_stock_level(
        sku=goods["shoe"].variants.get(size="10").sku, location_id=warehouse.pk, quantity=2
    )
    stock.set_stock_level(sku=goods["tee"].variants.get().sku, location_id=warehouse.pk, quantity=0)

    body = user_api.get("/api/cart").json()
    problems = {i["product_name"]: (i["problem"], i["available"]) for i in body["items"]}
    assert problems == {
        "Steel Bottle": ("unavailable", None),
        "Trail Runner": ("insufficient_stock", 2),
        "Plain Tee": ("out_of_stock", 0),
    }
    # Only what can be bought is priced.
    assert body["totals"]["subtotal"] == "200.00"
    checkout = user_api.post("/api/cart/checkout")
    assert checkout.status_code == 409 and checkout.json()["error"]["code"] == "insufficient_stock"


def test_checkout_freezes_the_priced_cart_for_15_minutes(user_api, goods):
    add(user_api, goods["bottle"], quantity=4)
    response = user_api.post("/api/cart/checkout")
    assert response.status_code == 201
    body = response.json()
    assert body["checkout_id"]
    assert body["items"] == [
        {
            "variant_id": goods["bottle"].variants.get().pk,
            "sku": goods["bottle"].variants.get().sku,
            "quantity": 4,
            "price": "12.50",
        }
    ]
    assert body["totals"]["total"] == "54.00"
    from datetime import datetime, timedelta

    expires = datetime.fromisoformat(body["expires_at"])
    assert timedelta(minutes=14) < expires - datetime.now(UTC) <= timedelta(minutes=15)


def test_an_empty_cart_cannot_check_out(user_api):
    response = user_api.post("/api/cart/checkout")
    assert response.status_code == 400 and response.json()["error"]["code"] == "empty_cart"


def test_a_visitor_has_a_cart_in_their_session(client, goods):
    response = client.post(
        "/api/cart/items", {"product_id": goods["bottle"].pk}, content_type="application/json"
    )
    assert response.status_code == 201
    assert client.get("/api/cart").json()["item_count"] == 1


def test_adding_runs_a_fixed_number_of_queries(user_api, goods, django_assert_max_num_queries):
    add(user_api, goods["bottle"])
    for n in range(15):
        builders.product(f"Filler {n}", variants=[("Red", "M", 5), ("Blue", "L", 5)])
        add(user_api, Product.objects.get(name=f"Filler {n}"), color="Red", size="M")
    with django_assert_max_num_queries(7):  # whatever the cart holds
        add(user_api, goods["bottle"])
    with django_assert_max_num_queries(2):  # cart with the points; items with products, images
        user_api.get("/api/cart")


def test_each_line_shows_its_products_first_image(user_api, goods):
    ProductImage.objects.create(product=goods["bottle"], url="/media/bottle-side.jpg", position=2)
    ProductImage.objects.create(product=goods["bottle"], url="/media/bottle-front.jpg", position=1)
    add(user_api, goods["bottle"])
    add(user_api, goods["tee"], color="White")
    images = [line["product_image"] for line in user_api.get("/api/cart").json()["items"]]
    assert images == ["/media/bottle-front.jpg", None]


def test_adding_to_a_cart_untouched_for_days_marks_it_as_used(api, goods):
    add(api, goods["bottle"])  # a visitor's cart: the clean-up deletes it once left for days
    long_ago = timezone.now() - timedelta(days=10)
    Cart.objects.update(updated_at=long_ago)
    add(api, goods["tee"], color="White")
    assert Cart.objects.get().updated_at > timezone.now() - timedelta(minutes=1)
    services.delete_abandoned_carts(empty_days=1, anonymous_days=1)
    assert api.get("/api/cart").json()["item_count"] == 2


def test_a_paid_order_takes_its_lines_out_and_leaves_one_added_meanwhile(user, user_api, goods):
    add(user_api, goods["shoe"], quantity=2, color="red", size="10")
    add(user_api, goods["bottle"], quantity=1)
    add(user_api, goods["tee"], quantity=3, color="white")  # added while the order was paid
    cart = Cart.objects.get(user=user)
    Cart.objects.filter(pk=cart.pk).update(points_to_redeem=100)
    cart.refresh_from_db()
    ordered = [goods["shoe"].variants.get(size="10").pk, goods["bottle"].variants.get().pk]
    services.clear_ordered(cart=cart, variant_ids=ordered)
    body = user_api.get("/api/cart").json()
    assert [(item["product_name"], item["quantity"]) for item in body["items"]] == [
        ("Plain Tee", 3)
    ]
    assert Cart.objects.get(pk=cart.pk).points_to_redeem == 0
