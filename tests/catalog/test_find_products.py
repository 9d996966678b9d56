"""catalog.filters.find_products (the list's filters for callers in Python, as the sales agent
names things) and catalog.recommendations (what to show beside a product)."""

import pytest
from django.core.exceptions import ValidationError

from catalog.filters import find_products
from catalog.recommendations import similar_products
from tests.catalog import builders

pytestmark = pytest.mark.django_db


def names(products) -> list[str]:
    return [p.name for p in products]


@pytest.fixture
def shop(db):
    builders.location()
    shoes = builders.category("Shoes")
    running = builders.category("Running Shoes", parent=shoes)
    builders.product(
        "Pegasus Road Runner",
        brand_name="Nike",
        category=running,
        price="120.00",
        rating="4.8",
        variants=[("Red", "9", 5), ("Red", "10", 7), ("Blue", "9", 0)],
    )
    builders.product(
        "Ultraboost Light",
        brand_name="Adidas",
        category=running,
        price="180.00",
        rating="4.5",
        variants=[("Black", "10", 30)],
    )
    builders.product(
        "Court Classic",
        brand_name="Nike",
        category=shoes,
        price="70.00",
        rating="4.9",
        variants=[("White", "8", 0)],
    )


def test_brand_and_category_by_name_or_slug_in_any_case(shop):
    assert names(find_products(brand="nike", limit=5)) == ["Pegasus Road Runner", "Court Classic"]
    assert names(find_products(category="running shoes", limit=5)) == [
        "Pegasus Road Runner",
        "Ultraboost Light",
    ]
    assert find_products(category="running-shoes", limit=5) == find_products(
        category="Running Shoes", limit=5
    )


def test_a_brand_or_category_the_shop_lacks_finds_nothing(shop):
    assert find_products(brand="Reebok", limit=5) == []
    assert find_products(category="Hats", limit=5) == []


def test_color_size_and_price(shop):
    assert names(find_products(color="red", size="10", limit=5)) == ["Pegasus Road Runner"]
    assert names(find_products(min_price=100, max_price=150.5, limit=5)) == ["Pegasus Road Runner"]


def test_a_bad_price_bound_is_refused_by_name(shop):
    with pytest.raises(ValidationError) as refused:
        find_products(min_price=150, max_price=100, limit=5)
    assert set(refused.value.message_dict) == {"max_price"}


def test_what_can_be_bought_comes_first_then_the_best_rated(shop):
    # Court Classic is rated highest but sold out.
    assert names(find_products(category="Shoes", limit=5)) == [
        "Pegasus Road Runner",
        "Ultraboost Light",
        "Court Classic",
    ]
    assert names(find_products("ultraboost", limit=5)) == ["Ultraboost Light"]
    assert len(find_products(limit=2)) == 2


def test_similar_products_are_near_in_price_then_what_goes_with_them(db):
    builders.location()
    shoe = builders.product("Road Shoe", category_name="Running Shoes", price="100.00")
    builders.product("Near Shoe", category_name="Running Shoes", price="125.00", rating="4.1")
    builders.product("Dear Shoe", category_name="Running Shoes", price="200.00")
    builders.product(
        "Sold Out Shoe", category_name="Running Shoes", price="95.00", variants=[("", "", 0)]
    )
    builders.product("Split Shorts", category_name="Running Shorts", rating="4.5")
    builders.product("Steel Bottle", category_name="Water Bottles", rating="4.7")
    builders.product("Desk Lamp", category_name="Lamps", rating="5.0")
    assert names(similar_products(shoe)) == ["Near Shoe", "Steel Bottle", "Split Shorts"]
