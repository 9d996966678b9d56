"""A product card is written out by hand in ProductSerializer.to_representation (it is built for
every product a list or search shows): it must say what the serializer's declared fields say,
which is also what the OpenAPI schema tells clients."""

from decimal import Decimal

import pytest
from rest_framework import serializers

from catalog.cards import cards
from catalog.models import Product, ProductImage
from catalog.queries import active_products
from catalog.serializers import ProductDetailSerializer, ProductSerializer, SearchResultSerializer
from tests.catalog import builders

pytestmark = pytest.mark.django_db


def _by_declared_fields(serializer_class, product) -> dict:
    """The representation DRF builds from the declared fields, field by field."""
    return serializers.Serializer.to_representation(serializer_class(), product)


@pytest.fixture
def products():
    rated = builders.product(
        "Trail Runner 2",
        brand_name="Salomon",
        category_name="Shoes",
        price="129.5",
        variants=(("Black", "42", 3), ("Black", "43", 0), ("Blue", "42", 40)),
    )
    ProductImage.objects.create(product=rated, url="/static/demo/runner.svg", alt_text="Runner")
    # An uploaded photo (its renditions made) shows instead of the drawn picture; another
    # still waits for its renditions: its original shows.
    ProductImage.objects.create(
        product=rated,
        file="products/1/ab12.jpg",
        renditions={"card": "products/1/ab12-400.webp"},
        position=2,
    )
    ProductImage.objects.create(product=rated, file="products/1/cd34.png", position=3)
    unrated = builders.product("Plain Mug", price="7.00", variants=(("", "", 0),))
    Product.objects.filter(pk=unrated.pk).update(rating=None, reviews_count=0)
    return list(active_products().filter(pk__in=[rated.pk, unrated.pk]).order_by("id"))


def test_a_card_says_what_the_declared_fields_say(products):
    for product in products:
        assert ProductSerializer(product).data == _by_declared_fields(ProductSerializer, product)
    rated, unrated = (ProductSerializer(p).data for p in products)
    assert rated["price"] == "129.50" and rated["colors"] == ["Black", "Blue"]
    assert rated["images"] == ["/media/products/1/ab12-400.webp", "/media/products/1/cd34.png"]
    assert unrated["rating"] is None and unrated["stock_status"] == "out_of_stock"


def test_detail_and_search_result_add_their_own_fields(products):
    for product in products:
        expected = _by_declared_fields(ProductDetailSerializer, product)
        assert ProductDetailSerializer(product).data == expected
        assert [v["stock"] for v in expected["variants"]] == [
            v.stock for v in product.variants.all()
        ]
        product.search_score = 1.25
        expected = _by_declared_fields(SearchResultSerializer, product)
        assert SearchResultSerializer(product).data == expected
        assert expected["score"] == 1.25


def test_a_price_with_more_places_is_rounded_as_the_field_rounds_it(products):
    product = products[0]
    product.price = Decimal("19.999")
    assert (
        ProductSerializer(product).data["price"]
        == _by_declared_fields(ProductSerializer, product)["price"]
    )


def test_cards_read_from_plain_rows_are_the_serializers_cards(products):
    """catalog.cards builds the cards of a page of search results from plain rows."""
    expected = {product.pk: ProductSerializer(product).data for product in products}
    assert cards(list(expected)) == expected
    assert cards(list(expected)) == expected  # read back from the cache


def test_cards_leave_out_products_not_for_sale(products):
    rated, unrated = products
    Product.objects.filter(pk=unrated.pk).update(is_active=False)
    assert list(cards([unrated.pk, rated.pk, 10**9])) == [rated.pk]
