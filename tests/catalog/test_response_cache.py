"""Cached catalog answers change as soon as what they show changes (catalog.response_cache)."""

import pytest

from catalog import stock
from catalog.models import Brand, Product
from tests.catalog import builders

pytestmark = pytest.mark.django_db


@pytest.fixture
def runner(db):
    return builders.product(
        "Trail Runner", brand_name="Salomon", category_name="Shoes", variants=[("Red", "9", 20)]
    )


def product_in(body, product):
    return next(p for p in body["results"] if p["id"] == product.pk)


def reads(api, product):
    """List, filtered list, search, detail and inventory, as a client sees them."""
    return {
        "list": product_in(api.get("/api/products").json(), product),
        "in_stock": api.get("/api/products?in_stock=true").json()["count"],
        "search": api.get("/api/products/search?q=trail").json(),
        "detail": api.get(f"/api/products/{product.pk}").json(),
        "inventory": api.get(f"/api/products/inventory/{product.pk}").json(),
    }


def test_a_stock_change_shows_at_once_everywhere(api, runner, django_capture_on_commit_callbacks):
    before = reads(api, runner)
    assert (before["list"]["stock"], before["in_stock"], before["detail"]["stock"]) == (20, 1, 20)
    assert reads(api, runner) == before  # served from the cache
    with django_capture_on_commit_callbacks(execute=True):
        stock.set_stock_level(
            sku=runner.variants.get().sku, location_id=builders.location().pk, quantity=0
        )
    after = reads(api, runner)
    assert (after["list"]["stock"], after["in_stock"], after["detail"]["stock"]) == (0, 0, 0)
    assert after["detail"]["variants"][0]["stock"] == 0
    assert after["search"]["results"][0]["stock_status"] == "out_of_stock"
    assert (
        after["inventory"]["total_available"] == 0
        and after["inventory"]["stock_status"] == "out_of_stock"
    )


def test_catalog_edits_show_at_once(api, runner, django_capture_on_commit_callbacks):
    reads(api, runner)
    with django_capture_on_commit_callbacks(execute=True):
        brand = Brand.objects.get(pk=runner.brand_id)
        brand.name = "Salomon Sports"
        brand.save()
        product = Product.objects.get(pk=runner.pk)
        product.price = "55.00"
        product.save()
    after = reads(api, runner)
    assert after["list"]["brand"]["name"] == "Salomon Sports" and after["list"]["price"] == "55.00"
    assert after["detail"]["price"] == "55.00" and after["search"]["results"][0]["price"] == "55.00"
    with django_capture_on_commit_callbacks(execute=True):
        Product.objects.get(pk=runner.pk).delete()
    assert api.get(f"/api/products/{runner.pk}").status_code == 404
    assert api.get("/api/products").json()["count"] == 0


def test_a_new_brand_is_a_valid_filter_at_once(api, runner, django_capture_on_commit_callbacks):
    assert api.get("/api/products?brand=hoka").status_code == 400  # facets now cached
    with django_capture_on_commit_callbacks(execute=True):
        builders.product("Clifton", brand_name="Hoka", category_name="Shoes")
    body = api.get("/api/products?brand=hoka").json()
    assert [p["name"] for p in body["results"]] == ["Clifton"]
