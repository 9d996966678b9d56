"""Concurrent updates to one cart (two tabs, a double click, the chat agent beside the page) on
PostgreSQL: no update lost, one row per variant, never more than is in stock."""

import pytest

from cart import services
from cart.models import CartItem
from tests.catalog import builders
from tests.conftest import full_mode_only
from tests.helpers import together

pytestmark = [full_mode_only, pytest.mark.django_db(transaction=True)]


def test_concurrent_adds_of_one_item_all_count(user):
    builders.location()
    socks = builders.product("Wool Socks", price="12.50", variants=[("", "", 50)])
    cart = services.cart_for(user=user)
    outcomes = together(
        [lambda: services.add_item(cart=cart, product_id=socks.pk, quantity=1) for _ in range(8)]
    )
    assert all(isinstance(o, CartItem) for o in outcomes), outcomes
    assert list(CartItem.objects.filter(cart=cart).values_list("quantity", flat=True)) == [8]


def test_concurrent_adds_never_put_more_in_the_cart_than_is_in_stock(user):
    builders.location()
    scarce = builders.product("Last Lamp", price="80.00", variants=[("", "", 5)])
    cart = services.cart_for(user=user)
    outcomes = together(
        [lambda: services.add_item(cart=cart, product_id=scarce.pk, quantity=1) for _ in range(8)]
    )
    refused = [getattr(o, "code", None) for o in outcomes if not isinstance(o, CartItem)]
    assert refused == ["insufficient_stock"] * 3, outcomes
    assert list(CartItem.objects.filter(cart=cart).values_list("quantity", flat=True)) == [5]


def test_a_quantity_change_racing_a_removal_leaves_one_or_the_other(user):
    builders.location()
    socks = builders.product("Wool Socks", price="12.50", variants=[("", "", 50)])
    cart = services.cart_for(user=user)
    item = services.add_item(cart=cart, product_id=socks.pk, quantity=2)
    outcomes = together(
        [
            lambda: services.set_quantity(cart=cart, item_id=item.pk, quantity=6),
            lambda: services.remove_item(cart=cart, item_id=item.pk),
        ]
    )
    left = list(CartItem.objects.filter(cart=cart).values_list("quantity", flat=True))
    assert left in ([], [6]), (left, outcomes)
    assert left == [] or getattr(outcomes[1], "code", None) == "not_found"
