import pytest

from accounts import services as accounts
from cart import services as cart_services
from orders import placing
from tests.catalog import builders


@pytest.fixture
def catalog(db):
    """Three products in two categories and brands, stock at a warehouse and a store."""
    warehouse = builders.location("Central Warehouse", "warehouse", "Reno")
    store = builders.location("Downtown Store", "store", "San Francisco")
    shoes = builders.category("Shoes")
    running = builders.category("Running Shoes", parent=shoes)
    return {
        "runner": builders.product(
            "Pegasus Road Runner",
            brand_name="Nike",
            category=running,
            price="120.00",
            variants=[("Red", "9", {warehouse: 5, store: 2}), ("Blue", "10", {warehouse: 7})],
        ),
        "court": builders.product(
            "Court Classic",
            brand_name="Nike",
            category=shoes,
            price="70.00",
            variants=[("White", "8", {store: 3})],
        ),
        "headphones": builders.product(
            "Studio Headphones",
            brand_name="Sony",
            category_name="Headphones",
            price="99.99",
            variants=[("", "", {warehouse: 20})],
        ),
    }


@pytest.fixture
def shopper(user, catalog):
    """``user`` with an address, a card, a paid order and an item in the cart."""
    address = accounts.add_address(
        user=user, street="1 Main St", city="Springfield", zip_code="62701", country="US"
    )
    card = accounts.add_payment_method(
        user=user, type="card", card_number="4242424242424242", exp_month=12, exp_year=2031
    )
    cart = cart_services.cart_for(user=user)
    cart_services.add_item(
        cart=cart, product_id=catalog["court"].pk, quantity=1, color="White", size="8"
    )
    order = placing.place_order(user=user, address_id=address.pk, payment_method_id=card.pk).order
    cart_services.add_item(cart=cart, product_id=catalog["headphones"].pk, quantity=2)
    return {"address": address, "card": card, "order": order}
