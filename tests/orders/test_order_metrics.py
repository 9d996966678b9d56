"""The orders' figures on /metrics: placed and declined, counted once each."""

import pytest

from tests.conftest import bearer_client
from tests.orders.conftest import DECLINED, add_to_cart, card, place
from tests.test_metrics import scrape, value

pytestmark = pytest.mark.django_db


def test_orders_placed_and_declined_are_counted(client, user, address, good_card, socks):
    shopper = bearer_client(user)
    before = scrape(client)
    add_to_cart(shopper, socks)
    assert place(shopper, address, good_card).status_code == 201
    add_to_cart(shopper, socks)
    assert place(shopper, address, card(user, DECLINED)).status_code == 402
    after = scrape(client)
    for name in ("shop_orders_placed_total", "shop_orders_declined_total"):
        assert value(after, name) - value(before, name) == 1, name
