"""GET /api/products by rating: `min_rating`, and orderings that put unrated products last,
each read off an index."""

import pytest
from django.db import connection

from catalog.filters import ProductFilter
from catalog.models import Product
from catalog.queries import active_products
from reviews import services
from tests.catalog import builders
from tests.conftest import full_mode_only
from tests.reviews.conftest import buyer

pytestmark = pytest.mark.django_db


@pytest.fixture
def rated(warehouse):
    """Three products rated by reviews (4.5, 3.0, 5.0) and two without any."""
    made = {}
    for name, ratings in (
        ("Good Jacket", [4, 5]),
        ("Fine Hoodie", [3]),
        ("Best Shorts", [5]),
        ("New Socks", []),
        ("New Cap", []),
    ):
        product = builders.product(name, variants=[("", "", 50)])
        Product.objects.filter(pk=product.pk).update(rating=None)
        for n, rating in enumerate(ratings):
            services.write_review(
                user=buyer(product, username=f"{product.pk}-{n}"),
                product_id=product.pk,
                rating=rating,
                title="Review",
            )
        made[name] = product
    return made


def names(response) -> list[str]:
    assert response.status_code == 200, response.content
    return [p["name"] for p in response.json()["results"]]


@pytest.mark.parametrize(
    "params, expected",
    [
        (
            {"ordering": "-rating"},
            ["Best Shorts", "Good Jacket", "Fine Hoodie", "New Cap", "New Socks"],
        ),
        (
            {"ordering": "rating"},
            ["Fine Hoodie", "Good Jacket", "Best Shorts", "New Cap", "New Socks"],
        ),
        ({"min_rating": "4.5", "ordering": "-rating"}, ["Best Shorts", "Good Jacket"]),
        ({"min_rating": "3", "ordering": "price"}, ["Best Shorts", "Fine Hoodie", "Good Jacket"]),
        ({"min_rating": "0", "ordering": "rating"}, ["Fine Hoodie", "Good Jacket", "Best Shorts"]),
    ],
)
def test_rating_order_and_filter(api, rated, params, expected):
    if params.get("ordering") == "price":  # same price: the tie-break, newest id first
        expected = sorted(expected, key=lambda name: -rated[name].pk)
    assert names(api.get("/api/products", params)) == expected


@pytest.mark.parametrize("value", ["abc", "-1", "5.5"])
def test_a_bad_min_rating_is_a_400_naming_it(api, rated, value):
    response = api.get("/api/products", {"min_rating": value})
    assert response.status_code == 400
    assert set(response.json()["error"]["details"]) == {"min_rating"}


def test_unrated_products_show_a_null_rating(api, rated):
    listed = {p["name"]: p for p in api.get("/api/products").json()["results"]}
    assert (listed["New Cap"]["rating"], listed["New Cap"]["reviews_count"]) == (None, 0)
    assert (listed["Good Jacket"]["rating"], listed["Good Jacket"]["reviews_count"]) == (4.5, 2)


def test_the_home_page_features_the_best_rated_first(client, rated):
    page = client.get("/").content.decode()
    assert page.index("Best Shorts") < page.index("Good Jacket") < page.index("New Cap")


def _plan(queryset) -> str:
    sql, params = queryset.query.sql_with_params()
    with connection.cursor() as cursor:
        # The tables are tiny: without these the planner would rather scan and sort. With them
        # it still sorts when no index gives the order.
        cursor.execute("SET LOCAL enable_seqscan = off")
        cursor.execute("SET LOCAL enable_sort = off")
        cursor.execute(f"EXPLAIN {sql}", params)
        return "\n".join(row[0] for row in cursor.fetchall())


@full_mode_only
@pytest.mark.parametrize(
    "params, index",
    [
        ({"ordering": "-rating"}, "catalog_product_active_rating"),
        ({"ordering": "rating"}, "catalog_product_rating_asc"),
        ({"ordering": "-rating", "min_rating": "4"}, "catalog_product_active_rating"),
    ],
)
def test_rating_orderings_are_read_off_an_index(rated, params, index):
    page = ProductFilter(params, queryset=active_products()).qs[:20]
    plan = _plan(page)
    assert index in plan, plan
    assert "Sort" not in plan, plan  # read in order
