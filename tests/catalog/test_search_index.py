"""The search index each process holds: current after every committed change, the same in every
process, and no database work per search beyond the page of results."""

from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from catalog import search, stock
from catalog.models import Product
from catalog.search_index import IndexHolder
from tests.catalog import builders

pytestmark = pytest.mark.django_db


@pytest.fixture
def shop(db):
    shoes = builders.category("Running Shoes")
    return {
        "pegasus": builders.product("Nike Pegasus 41", brand_name="Nike", category=shoes),
        "samba": builders.product("Adidas Samba Classic", brand_name="Adidas", category=shoes),
    }


def names(api, q) -> list[str]:
    response = api.get("/api/products/search", {"q": q})
    assert response.status_code == 200, response.content
    return [p["name"] for p in response.json()["results"]]


def another_process() -> IndexHolder:
    """An index as another server process holds it: built from the same database."""
    return IndexHolder(
        load_all=search._all_documents,
        load_changed=search._changed_documents,
        count=lambda: Product.objects.active().count(),
        version=search.response_cache.catalog_version,
        words_of=search.words_of,
    )


def test_a_committed_rename_shows_at_once(api, shop, django_capture_on_commit_callbacks):
    assert names(api, "samba") == ["Adidas Samba Classic"]
    with django_capture_on_commit_callbacks(execute=True):
        shop["samba"].name = "Adidas Gazelle Indoor"
        shop["samba"].save()
    assert names(api, "gazelle") == ["Adidas Gazelle Indoor"]
    assert names(api, "samba") == []


def test_a_new_product_is_found_and_corrects_typos_at_once(
    api, shop, django_capture_on_commit_callbacks
):
    assert names(api, "speedgoat") == []
    with django_capture_on_commit_callbacks(execute=True):
        builders.product("Hoka Speedgoat 6", brand_name="Hoka")
    assert names(api, "speedgoat") == ["Hoka Speedgoat 6"]
    assert names(api, "spedgoat") == ["Hoka Speedgoat 6"]


def test_products_off_sale_or_deleted_are_not_found(api, shop, django_capture_on_commit_callbacks):
    assert len(names(api, "running shoes")) == 2
    with django_capture_on_commit_callbacks(execute=True):
        shop["pegasus"].is_active = False
        shop["pegasus"].save()
    assert names(api, "running shoes") == ["Adidas Samba Classic"]
    with django_capture_on_commit_callbacks(execute=True):
        shop["samba"].variants.all().delete()
        shop["samba"].delete()
    body = api.get("/api/products/search", {"q": "running shoes"}).json()
    assert (body["count"], body["results"]) == (0, [])


def test_every_process_answers_the_same(shop, django_capture_on_commit_callbacks):
    here, there = another_process(), another_process()
    query = [["running"], ["shoes"]]
    assert here.get().match(query).best(10) == there.get().match(query).best(10)
    with django_capture_on_commit_callbacks(execute=True):
        builders.product("Brooks Ghost 16 Running Shoes", brand_name="Brooks")
    # One process brought its index up to date, the other reads everything afresh.
    there.clear()
    first, second = here.get().match(query).best(10), there.get().match(query).best(10)
    assert first == second
    assert len(first) == 3


def test_a_search_reads_only_its_page_of_results(api, shop):
    search.load_index()
    with CaptureQueriesContext(connection) as queries:
        search.parse("runing shoos")
        search.matches("runing shoos")
    assert len(queries) == 0


def test_a_broad_search_combines_with_filters_and_counts_exactly(api, db):
    shoes = builders.category("Shoes")
    for number in range(60):
        builders.product(f"Trail Runner {number}", brand_name="Brooks", category=shoes)
    builders.product("Road Runner", brand_name="Asics", category=shoes, price="20.00")
    body = api.get("/api/products", {"search": "runner", "limit": 5}).json()
    assert body["count"] == 61
    assert len(body["results"]) == 5
    body = api.get("/api/products", {"search": "runer", "brand": "asics"}).json()
    assert [p["name"] for p in body["results"]] == ["Road Runner"]
    body = api.get("/api/products/search", {"q": "trail runner", "limit": 3}).json()
    assert body["count"] == 60
    assert [p["score"] for p in body["results"]] == sorted(
        (p["score"] for p in body["results"]), reverse=True
    )


def test_search_results_show_stock_and_price_changes_at_once(
    api, shop, django_capture_on_commit_callbacks
):
    def pegasus() -> dict:
        body = api.get("/api/products/search", {"q": "pegasus", "limit": 5}).json()
        return body["results"][0]

    assert pegasus()["stock"] == 20
    variant = shop["pegasus"].variants.get()
    level = variant.stock_levels.get()
    with django_capture_on_commit_callbacks(execute=True):
        stock.set_stock_level(sku=variant.sku, location_id=level.location_id, quantity=3)
    assert (pegasus()["stock"], pegasus()["stock_status"]) == (3, "low_stock")
    with django_capture_on_commit_callbacks(execute=True):
        shop["pegasus"].price = Decimal("99.00")
        shop["pegasus"].save()
    assert pegasus()["price"] == "99.00"
