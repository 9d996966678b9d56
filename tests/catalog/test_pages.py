"""Storefront catalog pages: home, category listing, search, product detail, images."""

import json
import re

import pytest

from tests.catalog import builders

pytestmark = pytest.mark.django_db


@pytest.fixture
def shop(db):
    shoes = builders.category("Shoes")
    running = builders.category("Running Shoes", parent=shoes)
    warehouse = builders.location("Central Warehouse", "warehouse", "Reno")
    downtown = builders.location("Downtown Store", "store", "San Francisco")
    pegasus = builders.product(
        "Nike Pegasus Running Shoes",
        brand_name="Nike",
        category=running,
        price="130.00",
        rating="4.9",
        variants=[("Red", "9", {warehouse: 3, downtown: 2}), ("Blue", "10", {warehouse: 0})],
    )
    for n in range(30):
        builders.product(
            f"Adidas Runner {n}", brand_name="Adidas", category=running, price=f"{50 + n}.00"
        )
    return {"pegasus": pegasus, "running": running}


def test_home_shows_categories_and_top_rated(client, shop):
    html = client.get("/").content.decode()
    assert 'href="/c/shoes/"' in html and 'href="/c/running-shoes/"' in html
    assert "Nike Pegasus Running Shoes" in html


def test_category_page_filters_sorts_and_pages(client, shop):
    page = client.get("/c/shoes/")
    html = page.content.decode()
    assert page.status_code == 200
    assert "31 products" in html
    assert "Page 1 of 2" in html
    filtered = client.get(
        "/c/running-shoes/", {"brand": "nike", "in_stock": "true"}
    ).content.decode()
    assert "1 product" in filtered and "Nike Pegasus Running Shoes" in filtered
    cheapest = client.get("/c/shoes/", {"ordering": "price"}).content.decode()
    assert cheapest.index("Adidas Runner 0") < cheapest.index("Adidas Runner 1<")


def test_category_page_explains_a_bad_filter(client, shop):
    response = client.get("/c/shoes/", {"min_price": "cheap"})
    assert response.status_code == 400
    assert "min_price: Enter a number." in response.content.decode()


def test_unknown_category_is_a_404_page(client, shop):
    response = client.get("/c/no-such/")
    assert response.status_code == 404 and b"Page not found" in response.content


def test_search_page_corrects_typos(client, shop):
    html = client.get("/search/", {"q": "pegasis runing"}).content.decode()
    assert "Showing results for <strong>pegasus running</strong>" in html
    assert "Nike Pegasus Running Shoes" in html


def test_product_page_has_variants_and_stock_by_location(client, shop):
    html = client.get(f"/p/{shop['pegasus'].slug}/").content.decode()
    assert "Nike Pegasus Running Shoes" in html and "$130.00" in html
    data = json.loads(
        re.search(r'<script id="variant-data" type="application/json">(.*?)</script>', html).group(
            1
        )
    )
    assert [(v["color"], v["size"], v["stock"]) for v in data] == [
        ("Red", "9", 5),
        ("Blue", "10", 0),
    ]
    red = data[0]["locations"]
    assert sorted(red.values()) == [2, 3]
    assert "Downtown Store" in html and "San Francisco" in html


def test_product_images_are_drawn_here(client, shop):
    response = client.get(f"/images/products/{shop['pegasus'].slug}/1.svg")
    assert response.status_code == 200
    assert response["Content-Type"] == "image/svg+xml"
    assert response.content.startswith(b"<svg") and b"Nike Pegasus" in response.content
    assert "max-age=86400" in response["Cache-Control"]


def test_catalog_pages_run_a_fixed_number_of_queries(client, shop, django_assert_max_num_queries):
    client.get("/c/shoes/")  # the category tree and the header's categories are cached from here
    with django_assert_max_num_queries(6):
        client.get("/c/shoes/")
    with django_assert_max_num_queries(6):
        client.get(f"/p/{shop['pegasus'].slug}/")
    with django_assert_max_num_queries(5):  # categories, subcategories, products, variants, images
        client.get("/")
