"""POST /api/reviews/{id}/helpful: once per shopper, never on your own review."""

import pytest

from reviews import services
from reviews.models import HelpfulVote
from tests.conftest import bearer_client
from tests.factories import UserFactory
from tests.reviews.conftest import buyer

pytestmark = pytest.mark.django_db


@pytest.fixture
def review(boots):
    return services.write_review(
        user=buyer(boots, username="author"), product_id=boots.pk, rating=4, title="Warm"
    )


def vote(client, review):
    return client.post(f"/api/reviews/{review.pk}/helpful")


def test_shoppers_find_a_review_helpful_once_each(user_api, other_api, api, review, boots):
    first = vote(user_api, review)
    assert first.status_code == 200, first.content
    assert first.json()["helpful_count"] == 1
    assert vote(other_api, review).json()["helpful_count"] == 2
    again = vote(user_api, review)
    assert again.status_code == 409 and again.json()["error"]["code"] == "already_voted"
    assert HelpfulVote.objects.filter(review=review).count() == 2
    listed = api.get(f"/api/products/{boots.pk}/reviews").json()["results"]
    assert [r["helpful_count"] for r in listed] == [2]


def test_not_on_your_own_review(review):
    own = vote(bearer_client(review.user), review)
    assert own.status_code == 409 and own.json()["error"]["code"] == "own_review"
    assert not HelpfulVote.objects.exists()


def test_hidden_or_unknown_reviews_are_a_404_and_anonymous_a_401(user_api, api, review):
    assert vote(api, review).status_code == 401
    services.hide_review(review_id=review.pk)
    assert vote(user_api, review).status_code == 404
    assert user_api.post("/api/reviews/999999/helpful").status_code == 404
    assert user_api.post("/api/reviews/abc/helpful").status_code == 404


def test_votes_need_no_purchase(review):
    browser = bearer_client(UserFactory(username="browser", password=None))
    assert vote(browser, review).status_code == 200
