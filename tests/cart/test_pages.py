"""The cart page, add to cart from the product page, the header count, the rewards page."""

from decimal import Decimal

import pytest

from catalog.models import ProductImage
from loyalty import services as loyalty
from loyalty.models import Coupon
from tests.catalog import builders
from tests.factories import DEFAULT_PASSWORD

pytestmark = pytest.mark.django_db


@pytest.fixture
def shoe(db):
    return builders.product(
        "Trail Runner", price="40.00", variants=[("Red", "9", 3), ("Red", "10", 8)]
    )


def add(client, product, **fields):
    return client.post("/cart/add/", {"product_id": product.pk, "quantity": 1, **fields})


def test_add_from_the_product_page_then_see_the_cart(client, shoe):
    page = client.get(f"/p/{shoe.slug}/").content.decode()
    assert 'action="/cart/add/"' in page and "Add to cart" in page
    response = add(client, shoe, color="Red", size="10", quantity=2)
    assert response.status_code == 302 and response["Location"] == "/cart/"
    cart = client.get("/cart/").content.decode()
    assert "Trail Runner" in cart and "$80.00" in cart
    assert 'data-cart-count aria-label="2 items">2<' in cart
    assert "Total" in cart and "$86.40" in cart


def test_a_refused_add_goes_back_with_the_reason(client, shoe):
    response = add(client, shoe, color="Red", size="9", quantity=5, next=f"/p/{shoe.slug}/")
    assert response.status_code == 302 and response["Location"] == f"/p/{shoe.slug}/"
    page = client.get(response["Location"]).content.decode()
    assert "Only 3 left of Trail Runner (Red, 9)." in page
    response = add(client, shoe, color="Red", next=f"/p/{shoe.slug}/")
    assert "Choose a size: 9, 10." in client.get(response["Location"]).content.decode()


def test_change_quantity_and_remove_on_the_cart_page(client, shoe):
    add(client, shoe, color="Red", size="10")
    item_id = client.get("/api/cart").json()["items"][0]["id"]
    client.post(f"/cart/items/{item_id}/", {"quantity": "4"})
    assert client.get("/api/cart").json()["item_count"] == 4
    page = client.get(
        client.post(f"/cart/items/{item_id}/", {"quantity": "9"})["Location"]
    ).content.decode()
    assert "Only 8 left" in page
    client.post(f"/cart/items/{item_id}/remove/")
    assert "Your cart is empty" in client.get("/cart/").content.decode()


def test_coupon_and_points_on_the_cart_page(client, user, shoe):
    Coupon.objects.create(
        code="SAVE5", discount_type="fixed", discount_value=Decimal(5), min_purchase=Decimal(40)
    )
    loyalty.earn_points(user=user, points=600)
    client.force_login(user)
    add(client, shoe, color="Red", size="10", quantity=2)
    client.post("/cart/coupon/", {"code": "save5"})
    client.post("/cart/points/", {"points": "300"})
    page = client.get("/cart/").content.decode()
    # 80.00 - 5.00 coupon - 3.75 silver (5% of 75) - 3.00 points = 68.25; tax 5.46
    assert "Coupon SAVE5" in page and "−$5.00" in page
    assert "Member discount" in page and "−$3.75" in page
    assert "Points (300)" in page and "−$3.00" in page
    assert "$73.71" in page
    assert client.get("/api/cart/total").json()["total"] == "73.71"
    client.post("/cart/coupon/", {"remove": "1"})
    bad = client.get(client.post("/cart/coupon/", {"code": "NOPE"})["Location"]).content.decode()
    assert "There is no coupon with this code." in bad


def test_a_visitors_cart_is_kept_when_they_sign_in(client, user, shoe):
    add(client, shoe, color="Red", size="10", quantity=2)
    client.post("/accounts/signin/", {"login": "ann", "password": DEFAULT_PASSWORD})
    body = client.get("/api/cart").json()
    assert body["item_count"] == 2 and body["items"][0]["size"] == "10"
    from cart.models import Cart

    assert Cart.objects.filter(user=None).count() == 0


def test_rewards_page(client, user):
    Coupon.objects.create(
        code="WELCOME10",
        description="10% off",
        discount_type="percent",
        discount_value=Decimal(10),
    )
    loyalty.earn_points(user=user, points=2600, reason="Orders")
    client.force_login(user)
    page = client.get("/account/loyalty/").content.decode()
    assert "Gold member" in page and "2600" in page
    assert "2400 points to Platinum" in page
    assert "WELCOME10" in page and "Orders" in page
    assert client.get("/account/loyalty/").status_code == 200


def test_cart_page_runs_a_fixed_number_of_queries(
    client, user, shoe, django_assert_max_num_queries
):
    client.force_login(user)
    for n in range(10):
        item = builders.product(f"Filler {n}", variants=[("", "", 5)])
        add(client, item)
    client.get("/cart/")
    with django_assert_max_num_queries(10):
        client.get("/cart/")


def test_the_cart_page_shows_each_products_first_image(client, shoe):
    ProductImage.objects.create(product=shoe, url="/media/runner-sole.jpg", position=3)
    ProductImage.objects.create(product=shoe, url="/media/runner.jpg", position=0)
    add(client, shoe, color="Red", size="10")
    page = client.get("/cart/").content.decode()
    assert '<img src="/media/runner.jpg"' in page and "runner-sole" not in page
