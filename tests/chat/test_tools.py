"""The agent's tools act as the shopper only."""

import pytest

from chat.tools import ShopTools
from tests.orders.conftest import add_to_cart, place

pytestmark = pytest.mark.django_db


def test_another_users_orders_never_appear(user_api, other_user, socks, address, good_card):
    add_to_cart(user_api, socks)
    number = place(user_api, address, good_card).json()["order_number"]
    theirs = ShopTools(other_user)
    assert theirs.order_status(order_number=number) == {
        "error": f"I can't find an order {number} among your orders."
    }
    assert theirs.order_status() == {"error": "You have no orders yet."}
    assert "error" in theirs.cancel_order(order_number=number, confirmed=True)
    assert "error" in theirs.start_return(order_number=number, confirmed=True)


def test_cancelling_asks_first(user, user_api, socks, address, good_card):
    add_to_cart(user_api, socks)
    number = place(user_api, address, good_card).json()["order_number"]
    tools = ShopTools(user)
    question = tools.cancel_order()
    assert question["confirm"].startswith(f"Cancel order {number}")
    assert question["pending"] == {
        "tool": "cancel_order",
        "args": {"order_number": number, "confirmed": True},
    }
    assert tools.order_status()["status"] == "paid"
    assert tools.cancel_order(**question["pending"]["args"])["cancelled"] == number
