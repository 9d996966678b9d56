"""The priced cart is written out by hand in CartSerializer.to_representation (every add, change
and removal answers with it): it must say what the serializer's declared fields say, which is
also what the OpenAPI schema tells clients."""

from decimal import Decimal

import pytest
from rest_framework import serializers

from cart import services
from cart.models import Cart, CartItem
from cart.serializers import CartSerializer, cart_body
from catalog.models import Product, ProductImage
from loyalty.models import Coupon
from tests.catalog import builders

pytestmark = pytest.mark.django_db


def _by_declared_fields(priced) -> dict:
    """The representation DRF builds from the declared fields, field by field."""
    return serializers.Serializer.to_representation(CartSerializer(), priced)


@pytest.fixture
def cart(user):
    shoe = builders.product(
        "Trail Runner",
        price="40.5",
        variants=[("Red", "9", 3), ("Red", "10", 20), ("Blue", "9", 0)],
    )
    ProductImage.objects.create(product=shoe, url="/static/demo/runner.svg", alt_text="Runner")
    gone = builders.product("Old Mug", price="7.00", variants=[("", "", 5)])
    cart = Cart.objects.create(user=user, points_to_redeem=500)
    variant = {(v.color, v.size): v for v in shoe.variants.all()}
    red_9, red_10, blue_9 = variant["Red", "9"], variant["Red", "10"], variant["Blue", "9"]
    CartItem.objects.create(cart=cart, variant=red_10, quantity=2)
    CartItem.objects.create(cart=cart, variant=red_9, quantity=5)  # more than the 3 left
    CartItem.objects.create(cart=cart, variant=blue_9, quantity=1)  # sold out
    CartItem.objects.create(cart=cart, variant=gone.variants.get(), quantity=1)
    Product.objects.filter(pk=gone.pk).update(is_active=False)
    return cart


def test_a_cart_with_every_kind_of_line_says_what_the_declared_fields_say(cart, user):
    coupon = Coupon.objects.create(
        code="BIG", discount_type="fixed", discount_value=Decimal(5), min_purchase=Decimal(1000)
    )
    Cart.objects.filter(pk=cart.pk).update(coupon=coupon)
    priced = services.priced_cart(services.cart_for(user=user), user=user)
    assert priced.coupon_problem is not None and priced.points_problem is not None
    body = cart_body(priced)
    assert body == _by_declared_fields(priced)
    assert [line["problem"] for line in body["items"]] == [
        None,
        "insufficient_stock",
        "out_of_stock",
        "unavailable",
    ]
    assert body["items"][0]["product_image"] == "/static/demo/runner.svg"
    assert (body["items"][0]["price"], body["items"][0]["subtotal"]) == ("40.50", "81.00")
    assert body["coupon_code"] == "BIG" and body["coupon_problem"]["code"]


def test_an_empty_unsaved_cart_says_what_the_declared_fields_say(user):
    priced = services.priced_cart(Cart(), user=user)
    assert cart_body(priced) == _by_declared_fields(priced)
    assert cart_body(priced)["id"] is None and cart_body(priced)["items"] == []
