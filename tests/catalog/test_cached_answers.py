"""Anonymous product reads are answered from the cache before URL resolution and DRF
(core.answer_cache), with the body and headers the normal path gives, and never stale."""

import pytest
from django.test import RequestFactory

from catalog import stock
from catalog.models import Product
from core import answer_cache
from tests.catalog import builders

pytestmark = pytest.mark.django_db


@pytest.fixture
def runner(db):
    return builders.product(
        "Trail Runner", brand_name="Salomon", category_name="Shoes", variants=[("Red", "9", 20)]
    )


def reads(runner):
    return [
        "/api/products",
        "/api/products?in_stock=true&ordering=-price&limit=5",
        f"/api/products/{runner.pk}",
        "/api/products/search?q=trail",
        f"/api/products/inventory/{runner.pk}",
    ]


def served_before_views(response) -> bool:
    # Django sets resolver_match when it resolves the URL: an answer given before has none.
    return response.wsgi_request.resolver_match is None


def set_stock(product, quantity, capture):
    with capture(execute=True):
        stock.set_stock_level(
            sku=product.variants.get().sku, location_id=builders.location().pk, quantity=quantity
        )


def test_a_hit_is_the_miss_answer_without_a_query(api, runner, django_assert_num_queries):
    for url in reads(runner):
        miss = api.get(url)
        assert miss.status_code == 200 and not served_before_views(miss)
        with django_assert_num_queries(0):
            hit = api.get(url)
        assert served_before_views(hit), url
        assert (hit.status_code, hit.content) == (200, miss.content)


def test_a_hit_has_the_headers_of_the_normal_path(api, runner, settings):
    settings.CORS_ALLOWED_ORIGINS = ["https://app.example"]
    origin = {"HTTP_ORIGIN": "https://app.example"}
    for url in reads(runner):
        miss, hit = api.get(url, **origin), api.get(url, **origin)
        assert served_before_views(hit)
        headers = {name: dict(r.headers) for name, r in (("miss", miss), ("hit", hit))}
        for seen in headers.values():
            seen.pop("X-Request-ID")
            seen["Vary"] = {part.strip().lower() for part in seen["Vary"].split(",")}
        assert headers["hit"] == headers["miss"], url
        assert hit["Vary"] and hit["X-Request-ID"] and hit["Content-Security-Policy"]
        assert hit["Access-Control-Allow-Origin"] == "https://app.example"
        assert int(hit["Content-Length"]) == len(hit.content)


def test_head_is_answered_from_the_cache_too(api, runner):
    api.get(f"/api/products/{runner.pk}")
    head = api.head(f"/api/products/{runner.pk}")
    assert head.status_code == 200 and served_before_views(head)
    assert int(head["Content-Length"]) > 0


def test_a_stock_change_and_a_price_edit_show_at_once(
    api, runner, django_capture_on_commit_callbacks
):
    for url in reads(runner):
        api.get(url)
    set_stock(runner, 0, django_capture_on_commit_callbacks)
    assert api.get(f"/api/products/{runner.pk}").json()["stock"] == 0
    assert api.get(f"/api/products/inventory/{runner.pk}").json()["total_available"] == 0
    assert api.get("/api/products?in_stock=true&ordering=-price&limit=5").json()["count"] == 0
    assert api.get("/api/products/search?q=trail").json()["results"][0]["stock_status"] == (
        "out_of_stock"
    )
    with django_capture_on_commit_callbacks(execute=True):
        product = Product.objects.get(pk=runner.pk)
        product.price = "55.00"
        product.save()
    assert api.get(f"/api/products/{runner.pk}").json()["price"] == "55.00"
    assert api.get("/api/products").json()["results"][0]["price"] == "55.00"


def test_an_answer_built_while_a_change_commits_is_never_served(
    api, runner, django_capture_on_commit_callbacks
):
    url = f"/api/products/{runner.pk}"

    def build_as_the_change_commits():
        read_before_the_change = {"id": runner.pk, "stock": 20}
        set_stock(runner, 0, django_capture_on_commit_callbacks)
        return read_before_the_change

    request = RequestFactory().get(url)
    answer_cache.json_answer(request, build_as_the_change_commits)
    assert api.get(url).json()["stock"] == 0


def test_errors_are_not_cached(api, runner):
    for url in ("/api/products?min_price=cheap", "/api/products/999999", "/api/products/search"):
        first = api.get(url)
        again = api.get(url)
        assert first.status_code == again.status_code and first.status_code in (400, 404)
        assert not served_before_views(again), url
        assert again.json()["error"]


def test_signed_in_and_session_requests_take_the_normal_path(api, user_api, client, user, runner):
    url = f"/api/products/{runner.pk}"
    cached = api.get(url)
    by_token = user_api.get(url)
    client.force_login(user)
    by_session = client.get(url)
    for response in (by_token, by_session):
        assert response.status_code == 200 and not served_before_views(response)
        assert response.content == cached.content  # still the stored answer, from the view


def test_a_browser_gets_the_browsable_api(api, runner):
    url = f"/api/products/{runner.pk}"
    api.get(url)
    page = api.get(url, HTTP_ACCEPT="text/html,application/xhtml+xml,*/*;q=0.8")
    assert page.status_code == 200 and not served_before_views(page)
    assert page["Content-Type"].startswith("text/html") and b"Trail Runner" in page.content
    as_api = api.get(url, {"format": "api"})
    assert as_api["Content-Type"].startswith("text/html") and not served_before_views(as_api)


def test_query_parameters_in_any_order_share_an_answer(api, runner):
    api.get("/api/products?ordering=-price&in_stock=true")
    hit = api.get("/api/products?in_stock=true&ordering=-price")
    assert served_before_views(hit) and hit.json()["count"] == 1


@pytest.mark.django_db(transaction=True)
async def test_an_asgi_server_answers_from_the_cache_too(async_client, runner):
    url = f"/api/products/{runner.pk}"
    miss = await async_client.get(url)
    hit = await async_client.get(url)
    assert hit.status_code == 200 and hit.content == miss.content
    assert miss.asgi_request.resolver_match is not None and hit.asgi_request.resolver_match is None
