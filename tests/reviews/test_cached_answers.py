"""Visitors get product pages and product answers from the cache: a review change shows in
them at once, once it has committed."""

import json

import pytest
from django.test import Client

from tests.conftest import bearer_client
from tests.reviews.conftest import buyer, post_review

pytestmark = pytest.mark.django_db


def served_before_views(response) -> bool:
    return response.wsgi_request.resolver_match is None


def reads(product) -> list[str]:
    return [
        f"/api/products/{product.pk}",
        "/api/products?ordering=-rating",
        f"/api/products/{product.pk}/reviews",
    ]


def answers(api, product) -> dict[str, dict]:
    return {url: json.loads(api.get(url).content) for url in reads(product)}


def rating_in(found: dict, product) -> list:
    detail, listing, reviews = found.values()
    card = next(p for p in listing["results"] if p["id"] == product.pk)
    return [detail["rating"], card["rating"], reviews["average"], reviews["count"]]


def test_a_new_review_shows_at_once_in_cached_answers_and_pages(
    api, boots, django_capture_on_commit_callbacks
):
    visitor = Client()
    page_url = f"/p/{boots.slug}/"
    assert rating_in(answers(api, boots), boots) == [None, None, None, 0]
    visitor.get(page_url)
    for url in reads(boots):  # each now comes from the cache
        assert served_before_views(api.get(url)), url
    assert not visitor.get(page_url).templates  # a cached page renders no template

    shopper = bearer_client(buyer(boots, username="first"))
    with django_capture_on_commit_callbacks(execute=True):
        assert post_review(shopper, boots, rating=4, title="Cosy boots").status_code == 201
    assert rating_in(answers(api, boots), boots) == [4.0, 4.0, 4.0, 1]
    page = visitor.get(page_url)
    assert page.templates and "Cosy boots" in page.content.decode()

    review_id = answers(api, boots)[reads(boots)[2]]["results"][0]["id"]
    voter = bearer_client(buyer(boots, username="voter"))
    with django_capture_on_commit_callbacks(execute=True):
        assert voter.post(f"/api/reviews/{review_id}/helpful").status_code == 200
    assert answers(api, boots)[reads(boots)[2]]["results"][0]["helpful_count"] == 1
    assert "1 person found this helpful" in visitor.get(page_url).content.decode()


def test_hiding_a_review_shows_at_once(api, staff_api, boots, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        for name, rating in (("first", 5), ("second", 2)):
            post_review(bearer_client(buyer(boots, username=name)), boots, rating=rating)
    assert rating_in(answers(api, boots), boots) == [3.5, 3.5, 3.5, 2]
    low = answers(api, boots)[reads(boots)[2]]["results"]
    low_id = next(r["id"] for r in low if r["rating"] == 2)
    with django_capture_on_commit_callbacks(execute=True):
        assert staff_api.post(f"/api/staff/reviews/{low_id}/hide").status_code == 200
    assert rating_in(answers(api, boots), boots) == [5.0, 5.0, 5.0, 1]
