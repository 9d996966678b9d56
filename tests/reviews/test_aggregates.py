"""A product's rating and reviews_count are those of its published reviews after every change:
one decimal, halves rounded up; null and 0 without any."""

from decimal import Decimal

import pytest

from reviews import services
from tests.reviews.conftest import buyer, fresh_aggregate, stored_aggregate

pytestmark = pytest.mark.django_db


def write(product, rating, name):
    return services.write_review(
        user=buyer(product, username=name), product_id=product.pk, rating=rating, title=name
    )


def test_every_change_moves_the_rating_and_count(boots):
    assert stored_aggregate(boots.pk) == (None, 0)
    first = write(boots, 4, "ann")
    assert stored_aggregate(boots.pk) == (Decimal("4.0"), 1)
    second = write(boots, 5, "bob")
    assert stored_aggregate(boots.pk) == (Decimal("4.5"), 2)
    services.edit_review(
        user=first.user, product_id=boots.pk, review_id=first.pk, rating=1, title="Worse"
    )
    assert stored_aggregate(boots.pk) == (Decimal("3.0"), 2)
    services.hide_review(review_id=second.pk)
    assert stored_aggregate(boots.pk) == (Decimal("1.0"), 1)
    services.publish_review(review_id=second.pk)
    assert stored_aggregate(boots.pk) == (Decimal("3.0"), 2)
    services.delete_review(user=first.user, product_id=boots.pk, review_id=first.pk)
    assert stored_aggregate(boots.pk) == (Decimal("5.0"), 1)
    services.hide_review(review_id=second.pk)
    assert stored_aggregate(boots.pk) == (None, 0)
    assert stored_aggregate(boots.pk) == fresh_aggregate(boots.pk)


@pytest.mark.parametrize(
    "ratings, expected",
    [
        ([4, 4, 4, 5], "4.3"),  # 4.25: half up, not to even
        ([3, 4, 4, 4], "3.8"),  # 3.75
        ([1, 2], "1.5"),
        ([5, 4, 4], "4.3"),  # 4.333...
        ([5, 5, 4], "4.7"),  # 4.666...
    ],
)
def test_the_average_has_one_decimal_rounded_half_up(boots, ratings, expected):
    for n, rating in enumerate(ratings):
        write(boots, rating, f"shopper{n}")
    assert stored_aggregate(boots.pk) == (Decimal(expected), len(ratings))


def test_one_products_reviews_leave_anothers_rating_alone(boots, bottle):
    before = stored_aggregate(bottle.pk)
    write(boots, 2, "ann")
    assert stored_aggregate(bottle.pk) == before


def test_the_api_shows_the_rating_of_the_reviews(api, boots):
    write(boots, 5, "ann")
    write(boots, 2, "bob")
    body = api.get(f"/api/products/{boots.pk}").json()
    assert (body["rating"], body["reviews_count"]) == (3.5, 2)
    listed = api.get("/api/products").json()["results"]
    assert [(p["rating"], p["reviews_count"]) for p in listed if p["id"] == boots.pk] == [(3.5, 2)]
