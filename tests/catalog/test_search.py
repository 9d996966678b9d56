"""Search: typos, ranking, filters combined; the same engine behind both endpoints."""

import pytest

from catalog import search
from tests.catalog import builders

pytestmark = pytest.mark.django_db


@pytest.fixture
def shop(db):
    shoes = builders.category("Shoes")
    running = builders.category("Running Shoes", parent=shoes)
    trail = builders.category("Trail Shoes", parent=shoes)
    clothing = builders.category("Clothing")
    shorts = builders.category("Running Shorts", parent=clothing)
    tech = builders.category("Headphones")
    made = {
        "pegasus": builders.product(
            "Nike Pegasus 41 Running Shoes",
            brand_name="Nike",
            category=running,
            price="130.00",
            variants=[("Red", "9", 4)],
        ),
        "ultraboost": builders.product(
            "Adidas Ultraboost Running Shoes", brand_name="Adidas", category=running, price="180.00"
        ),
        "samba": builders.product(
            "Adidas Samba Classic", brand_name="Adidas", category=shoes, price="100.00"
        ),
        "speedgoat": builders.product(
            "Hoka Speedgoat 6", brand_name="Hoka", category=trail, price="155.00"
        ),
        "trail_runner": builders.product(
            "Brooks Trail Runner", brand_name="Brooks", category=running, price="140.00"
        ),
        "shorts": builders.product(
            "Nike Running Shorts 7in", brand_name="Nike", category=shorts, price="35.00"
        ),
        "sony": builders.product(
            "Sony WH-1000XM5 Wireless Headphones", brand_name="Sony", category=tech, price="399.00"
        ),
    }
    return made


def search_names(api, q, **params) -> list[str]:
    response = api.get("/api/products/search", {"q": q, **params})
    assert response.status_code == 200, response.content
    return [p["name"] for p in response.json()["results"]]


def test_misspelt_words_are_corrected(api, shop):
    results = search_names(api, "runing shoos")
    assert set(results) == {
        "Nike Pegasus 41 Running Shoes",
        "Adidas Ultraboost Running Shoes",
        "Brooks Trail Runner",
    }
    assert "Nike Running Shorts 7in" not in results


def test_a_misspelt_brand_finds_the_brand(api, shop):
    assert set(search_names(api, "adidsa")) == {
        "Adidas Ultraboost Running Shoes",
        "Adidas Samba Classic",
    }


def test_swapped_letters_and_missing_letters(api, shop):
    assert search_names(api, "hedphones")[0] == "Sony WH-1000XM5 Wireless Headphones"
    assert "Brooks Trail Runner" in search_names(api, "trial")
    assert search.parse("runing shoos").corrected_text == "running shoes"


def test_search_covers_name_brand_and_category(api, shop):
    assert search_names(api, "speedgoat") == ["Hoka Speedgoat 6"]
    assert search_names(api, "hoka") == ["Hoka Speedgoat 6"]
    assert "Hoka Speedgoat 6" in search_names(api, "trail shoes")


def test_a_name_match_ranks_above_a_category_match(api, shop):
    # "trail" is in the Brooks shoe's name but only in the Hoka shoe's category.
    results = search_names(api, "trail")
    assert results.index("Brooks Trail Runner") < results.index("Hoka Speedgoat 6")


def test_results_come_best_first_with_scores(api, shop):
    body = api.get("/api/products/search", {"q": "nike running"}).json()
    assert body["query"] == "nike running"
    assert body["count"] == len(body["results"]) == 2
    scores = [p["score"] for p in body["results"]]
    assert scores == sorted(scores, reverse=True)
    assert {p["name"] for p in body["results"]} == {
        "Nike Pegasus 41 Running Shoes",
        "Nike Running Shorts 7in",
    }


def test_when_no_product_has_every_word_any_word_will_do(api, shop):
    results = search_names(api, "sony samba")
    assert set(results) == {"Sony WH-1000XM5 Wireless Headphones", "Adidas Samba Classic"}


def test_a_kind_of_product_named_comes_first_when_the_brand_has_none(api, shop):
    # Hoka makes no shorts: shorts first, then what Hoka makes.
    assert search_names(api, "hoka shorts") == ["Nike Running Shorts 7in", "Hoka Speedgoat 6"]


def test_search_as_you_type_matches_a_prefix(api, shop):
    assert search_names(api, "speedg") == ["Hoka Speedgoat 6"]


def test_nothing_found_is_an_empty_result(api, shop):
    body = api.get("/api/products/search", {"q": "zzzqqq"}).json()
    assert (body["count"], body["results"]) == (0, [])


def test_search_needs_a_query(api, shop):
    response = api.get("/api/products/search")
    assert response.status_code == 400
    assert list(response.json()["error"]["details"]) == ["q"]
    assert api.get("/api/products/search", {"q": "x", "limit": 0}).status_code == 400


def test_search_limit(api, shop):
    body = api.get("/api/products/search", {"q": "adidas", "limit": 1}).json()
    assert (len(body["results"]), body["count"]) == (1, 2)


def test_list_search_uses_the_same_engine_and_combines_with_filters(api, shop):
    response = api.get("/api/products", {"search": "runing", "brand": "nike", "max_price": "100"})
    assert [p["name"] for p in response.json()["results"]] == ["Nike Running Shorts 7in"]
    response = api.get(
        "/api/products", {"search": "runing shoos", "in_stock": "true", "ordering": "-price"}
    )
    assert [p["name"] for p in response.json()["results"]] == [
        "Adidas Ultraboost Running Shoes",
        "Brooks Trail Runner",
        "Nike Pegasus 41 Running Shoes",
    ]


def test_renamed_products_are_found_by_their_new_name(api, shop):
    product = shop["samba"]
    product.name = "Adidas Gazelle Indoor"
    product.save()
    search.index_products([product.pk])
    assert search_names(api, "gazele") == ["Adidas Gazelle Indoor"]
    assert search_names(api, "samba") == []
