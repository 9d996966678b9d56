"""The statements adding to the cart and placing an order cost, fixed so that a regression fails.

Counted inside the test's transaction, so each service transaction shows as a SAVEPOINT and a
RELEASE: in production those are the transaction's BEGIN and COMMIT.
"""

import pytest

from tests.orders.conftest import add_to_cart, place

pytestmark = pytest.mark.django_db

# user; cart; product; its variants; UPDATE cart (locks it); item; INSERT item; the response's
# items, images and loyalty account; SAVEPOINT and RELEASE
ADD_TO_CART = 12

# user; reserving: cart FOR UPDATE, earlier order with the key, an order still being paid for, items, loyalty account, address,
# payment method, INSERT order, INSERT items, stock levels FOR UPDATE, 3 levels, 2 variants,
# 2 products (UPDATE ... RETURNING), INSERT allocations, INSERT history; completing: cart and
# order FOR UPDATE, points (UPDATE ... RETURNING, INSERT entry), UPDATE order, DELETE cart items,
# UPDATE cart, INSERT history; two SAVEPOINT and RELEASE pairs. Nothing is read back for the answer.
PLACE_ORDER = 32


def test_adding_to_the_cart(user_api, jacket, socks, django_assert_num_queries):
    add_to_cart(user_api, socks, 2)
    with django_assert_num_queries(ADD_TO_CART):
        add_to_cart(user_api, jacket, 1, color="Navy", size="M")


def test_placing_an_order_two_products_three_stock_levels(
    user_api, jacket, socks, address, good_card, django_assert_num_queries
):
    add_to_cart(user_api, socks, 2)
    add_to_cart(
        user_api, jacket, 3, color="Navy", size="M"
    )  # 2 from the warehouse, 1 from the store
    with django_assert_num_queries(PLACE_ORDER):
        response = place(user_api, address, good_card, key="k-1")
    assert response.status_code == 201, response.content
    body = response.json()
    assert [(item["product_name"], item["quantity"]) for item in body["items"]] == [
        ("Wool Socks", 2),
        ("Rain Jacket", 3),
    ]
    assert body["returns"] == [] and body["status"] == "paid"


def test_a_replayed_order_reads_the_order_once(
    user_api, socks, address, good_card, django_assert_num_queries
):
    add_to_cart(user_api, socks, 1)
    first = place(user_api, address, good_card, key="k-1").json()
    # user; cart FOR UPDATE and the earlier order, in a SAVEPOINT; the order again with its items,
    # history and returns, for the answer
    with django_assert_num_queries(9):
        again = place(user_api, address, good_card, key="k-1")
    assert again["Idempotent-Replayed"] == "true" and again.json() == first
