"""Concurrent review changes on PostgreSQL: a product's rating and reviews_count always equal
a fresh aggregate of its published reviews; one shopper racing themselves writes one review
and casts one vote."""

import pytest

from reviews import services
from reviews.errors import AlreadyReviewed, AlreadyVoted
from reviews.models import HelpfulVote, Review
from tests.catalog import builders
from tests.conftest import full_mode_only
from tests.factories import UserFactory
from tests.helpers import together
from tests.reviews.conftest import buyer, fresh_aggregate, stored_aggregate

pytestmark = [full_mode_only, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def product():
    builders.location()
    return builders.product("Race Boots", variants=[("", "", 500)])


def test_concurrent_reviews_of_one_product_never_drift(product):
    ratings = [5, 4, 1, 3, 5, 2, 4, 4, 5, 1, 3, 5, 2, 4, 5, 3]
    buyers = [buyer(product, username=f"racer{n}") for n in range(len(ratings))]
    outcomes = together(
        [
            lambda user=user, rating=rating: services.write_review(
                user=user, product_id=product.pk, rating=rating, title="Race"
            )
            for user, rating in zip(buyers, ratings)
        ]
    )
    assert all(isinstance(outcome, Review) for outcome in outcomes), outcomes
    assert stored_aggregate(product.pk) == fresh_aggregate(product.pk)
    assert stored_aggregate(product.pk)[1] == len(ratings)


def test_concurrent_writes_edits_deletes_hides_and_publishes_never_drift(product):
    existing = [
        services.write_review(
            user=buyer(product, username=f"old{n}"), product_id=product.pk, rating=r, title="Old"
        )
        for n, r in enumerate([5, 1, 4, 2, 3, 5])
    ]
    newcomers = [buyer(product, username=f"new{n}") for n in range(6)]
    calls = [
        lambda u=u, n=n: services.write_review(
            user=u, product_id=product.pk, rating=1 + n % 5, title="New"
        )
        for n, u in enumerate(newcomers)
    ]
    calls += [
        lambda: services.edit_review(
            user=existing[0].user,
            product_id=product.pk,
            review_id=existing[0].pk,
            rating=1,
            title="Changed",
        ),
        lambda: services.delete_review(
            user=existing[1].user, product_id=product.pk, review_id=existing[1].pk
        ),
        lambda: services.hide_review(review_id=existing[2].pk),
        lambda: services.hide_review(review_id=existing[3].pk),
        lambda: services.publish_review(review_id=existing[3].pk),
        lambda: services.edit_review(
            user=existing[4].user,
            product_id=product.pk,
            review_id=existing[4].pk,
            rating=5,
            title="Better",
        ),
    ]
    outcomes = together(calls)
    assert not [o for o in outcomes if isinstance(o, Exception)], outcomes
    assert stored_aggregate(product.pk) == fresh_aggregate(product.pk)


def test_one_shopper_posting_twice_at_once_writes_one_review(product):
    shopper = buyer(product, username="twice")
    outcomes = together(
        [lambda: services.write_review(user=shopper, product_id=product.pk, rating=5, title="Once")]
        * 2
    )
    assert sorted(type(o).__name__ for o in outcomes) == ["AlreadyReviewed", "Review"]
    assert any(isinstance(o, AlreadyReviewed) for o in outcomes)
    assert Review.objects.count() == 1
    assert stored_aggregate(product.pk) == fresh_aggregate(product.pk) == (5, 1)


def test_one_vote_counts_once_however_fast_it_is_clicked(product):
    review = services.write_review(
        user=buyer(product, username="author"), product_id=product.pk, rating=4, title="Warm"
    )
    voter = UserFactory(username="clicker", password=None)
    outcomes = together([lambda: services.vote_helpful(user=voter, review_id=review.pk)] * 3)
    assert sum(isinstance(o, Review) for o in outcomes) == 1
    assert all(isinstance(o, (Review, AlreadyVoted)) for o in outcomes), outcomes
    review.refresh_from_db()
    assert review.helpful_count == HelpfulVote.objects.count() == 1
