"""The statements adding to the cart and placing an order cost, fixed so that a regression fails.

Counted inside the test's transaction, so each service transaction shows as a SAVEPOINT and a
RELEASE: in production those are the transaction's BEGIN and COMMIT.
"""

import pytest
from django.contrib.contenttypes.models import ContentType
from django.db import connection

from orders.models import Order
from tests.orders.conftest import add_to_cart, place

pytestmark = pytest.mark.django_db

# No user: the JWT's user id is enough (accounts.authentication). Cart, with the loyalty
# account joined; the product joined to its variants; the line made or raised in one upsert
# (no transaction, no lock of the cart: the upsert alone is atomic); the response's items,
# with each product's first image in a subquery. The cart is marked as used at most once an
# hour: not here, where it was made a moment ago.
ADD_TO_CART = 4

# No user. Reserving: cart FOR UPDATE (loyalty account and the user's names joined); the order
# with this key and any order still being paid for, in one query; items; address; payment
# method; stock levels FOR UPDATE; the stock written: on PostgreSQL one statement for the 3
# levels (locked already), the 2 variants' and the 2 products' totals; elsewhere one UPDATE of
# the levels and an UPDATE ... RETURNING per variant and per product; the order's rows: on
# PostgreSQL the order, its items, their allocations and its history in one statement;
# elsewhere INSERT order, items, allocations, history. Completing: cart FOR UPDATE; UPDATE
# order (only while it is pending: it locks and checks in one) and INSERT history, one
# statement on PostgreSQL; points (on PostgreSQL the balance and its ledger row in one
# statement; elsewhere UPDATE ... RETURNING, then INSERT); DELETE cart items (no UPDATE of the
# cart: no coupon or points to take off); INSERT the confirmation mail into the outbox (it is
# drawn and sent by a worker). Two SAVEPOINT and RELEASE pairs. Nothing is read back for the
# answer. (The mail's content type is read once per process, then cached: warmed first,
# whatever ran before.)
PLACE_ORDER = {"postgresql": 17, "sqlite": 26}


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
    ContentType.objects.get_for_model(Order)
    with django_assert_num_queries(PLACE_ORDER[connection.vendor]):
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
    # cart FOR UPDATE and the earlier order, in a SAVEPOINT; the order again with its items,
    # history and returns, for the answer
    with django_assert_num_queries(8):
        again = place(user_api, address, good_card, key="k-1")
    assert again["Idempotent-Replayed"] == "true" and again.json() == first
