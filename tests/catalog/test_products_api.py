"""GET /api/products and /api/products/{id}: filters, ordering, pagination, errors, budget."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.db import connection
from django.utils import timezone

from catalog.queries import facets
from tests.catalog import builders

pytestmark = pytest.mark.django_db


def names(response) -> list[str]:
    assert response.status_code == 200, response.content
    return [p["name"] for p in response.json()["results"]]


def error_fields(response) -> set[str]:
    assert response.status_code == 400, response.content
    body = response.json()["error"]
    assert body["code"] == "validation_error"
    return set(body["details"])


@pytest.fixture
def shop(db):
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
        rating="3.9",
        variants=[("White", "8", 0)],
    )
    builders.product(
        "Studio Headphones",
        brand_name="Sony",
        category_name="Headphones",
        price="99.99",
        rating="4.2",
    )
    builders.product(
        "Old Model", brand_name="Nike", category=running, price="50.00", is_active=False
    )


def test_list_shape(api, shop):
    response = api.get("/api/products")
    body = response.json()
    assert set(body) == {"count", "limit", "offset", "results"}
    assert (body["count"], body["limit"], body["offset"]) == (4, 20, 0)
    pegasus = next(p for p in body["results"] if p["name"] == "Pegasus Road Runner")
    assert set(pegasus) == {
        "id",
        "name",
        "slug",
        "description",
        "category",
        "brand",
        "price",
        "images",
        "colors",
        "sizes",
        "rating",
        "reviews_count",
        "stock",
        "stock_status",
    }
    assert pegasus["price"] == "120.00"
    assert pegasus["brand"] == {"id": pegasus["brand"]["id"], "name": "Nike", "slug": "nike"}
    assert pegasus["category"]["slug"] == "running-shoes"
    assert (pegasus["colors"], pegasus["sizes"]) == (["Red", "Blue"], ["9", "10"])
    assert (pegasus["stock"], pegasus["stock_status"]) == (12, "in_stock")


def test_inactive_products_are_hidden(api, shop):
    assert "Old Model" not in names(api.get("/api/products"))
    old = api.get("/api/products", {"search": "old model"}).json()["results"]
    assert old == []


def test_category_includes_its_subcategories(api, shop):
    assert sorted(names(api.get("/api/products", {"category": "shoes"}))) == [
        "Court Classic",
        "Pegasus Road Runner",
        "Ultraboost Light",
    ]
    assert sorted(names(api.get("/api/products", {"category": "running-shoes"}))) == [
        "Pegasus Road Runner",
        "Ultraboost Light",
    ]


def test_filters_combine(api, shop):
    response = api.get(
        "/api/products",
        {"brand": "nike", "min_price": "60", "max_price": "150", "in_stock": "true"},
    )
    assert names(response) == ["Pegasus Road Runner"]
    assert names(api.get("/api/products", {"in_stock": "false"})) == ["Court Classic"]


@pytest.mark.parametrize(
    "ordering, expected",
    [
        (
            "price",
            ["Court Classic", "Studio Headphones", "Pegasus Road Runner", "Ultraboost Light"],
        ),
        (
            "-price",
            ["Ultraboost Light", "Pegasus Road Runner", "Studio Headphones", "Court Classic"],
        ),
        (
            "-rating",
            ["Pegasus Road Runner", "Ultraboost Light", "Studio Headphones", "Court Classic"],
        ),
        (
            "rating",
            ["Court Classic", "Studio Headphones", "Ultraboost Light", "Pegasus Road Runner"],
        ),
    ],
)
def test_ordering(api, shop, ordering, expected):
    assert names(api.get("/api/products", {"ordering": ordering})) == expected


def test_newest_first(api, shop):
    from catalog.models import Product

    Product.objects.filter(name="Court Classic").update(
        created_at=timezone.now() + timedelta(days=1)
    )
    assert names(api.get("/api/products", {"ordering": "-created_at"}))[0] == "Court Classic"


def test_limit_and_offset(api, shop):
    first = api.get("/api/products", {"ordering": "price", "limit": 2}).json()
    second = api.get("/api/products", {"ordering": "price", "limit": 2, "offset": 2}).json()
    assert (first["count"], first["limit"], first["offset"]) == (4, 2, 0)
    assert [p["name"] for p in first["results"] + second["results"]] == [
        "Court Classic",
        "Studio Headphones",
        "Pegasus Road Runner",
        "Ultraboost Light",
    ]
    assert api.get("/api/products", {"offset": 50}).json()["results"] == []
    assert api.get("/api/products", {"limit": 100}).status_code == 200


@pytest.mark.parametrize(
    "params, field",
    [
        ({"limit": "-1"}, "limit"),
        ({"limit": "0"}, "limit"),
        ({"limit": "101"}, "limit"),
        ({"limit": "ten"}, "limit"),
        ({"offset": "-5"}, "offset"),
        ({"min_price": "abc"}, "min_price"),
        ({"max_price": "-1"}, "max_price"),
        ({"min_price": "100", "max_price": "50"}, "max_price"),
        ({"in_stock": "perhaps"}, "in_stock"),
        ({"ordering": "name"}, "ordering"),
        ({"category": "no-such-category"}, "category"),
        ({"brand": "no-such-brand"}, "brand"),
    ],
)
def test_bad_parameters_are_a_400_naming_them(api, shop, params, field):
    assert field in error_fields(api.get("/api/products", params))


def test_detail_has_variants_with_their_own_price_and_stock(api, shop):
    from catalog.models import Product, ProductVariant

    pegasus = Product.objects.get(name="Pegasus Road Runner")
    ProductVariant.objects.filter(product=pegasus, color="Blue").update(
        price_override=Decimal("99.50")
    )
    body = api.get(f"/api/products/{pegasus.pk}").json()
    assert [(v["color"], v["size"], v["price"], v["stock"]) for v in body["variants"]] == [
        ("Red", "9", "120.00", 5),
        ("Red", "10", "120.00", 7),
        ("Blue", "9", "99.50", 0),
    ]
    assert all(v["sku"] for v in body["variants"])
    assert api.get(f"/api/products/{pegasus.pk}/").status_code == 200


def test_missing_inactive_or_malformed_ids_are_404s(api, shop):
    from catalog.models import Product

    old = Product.objects.get(name="Old Model")
    for path in [
        "/api/products/999999",
        f"/api/products/{old.pk}",
        "/api/products/abc",
        "/api/products/1.5",
    ]:
        response = api.get(path)
        assert response.status_code == 404, path
        assert response.json()["error"]["code"] == "not_found"


@pytest.mark.parametrize(
    "quantity, status", [(0, "out_of_stock"), (1, "low_stock"), (9, "low_stock"), (10, "in_stock")]
)
def test_stock_status_thresholds(api, quantity, status):
    made = builders.product("Threshold Thing", variants=[("", "", quantity)])
    body = api.get(f"/api/products/{made.pk}").json()
    assert (body["stock"], body["stock_status"]) == (quantity, status)


def test_the_list_runs_a_fixed_number_of_queries_whatever_the_page_size(
    api, shop, django_assert_max_num_queries
):
    for n in range(40):
        builders.product(
            f"Filler Sneaker {n}",
            brand_name="Nike",
            category_name="Sneakers",
            variants=[("Red", "9", 3), ("Blue", "10", 4)],
        )
    for limit in (5, 40, 100):
        # count, page, variants, images
        with django_assert_max_num_queries(4):
            assert len(api.get("/api/products", {"limit": limit}).json()["results"]) == min(
                limit, 44
            )
    facets()  # brands and categories: 2 queries once, then cached
    # + vocabulary (PostgreSQL), any-match check; on PostgreSQL the search's SET LOCAL in a savepoint
    with django_assert_max_num_queries(9 if connection.vendor == "postgresql" else 6):
        api.get("/api/products", {"limit": 100, "search": "filler sneakr", "brand": "nike"})
