"""/api/products/{id}/reviews: a buyer writes, edits and deletes their review; everyone reads a
product's published reviews with their average and distribution; bad input names its field."""

from datetime import timedelta

import pytest
from django.utils import timezone

from orders import fulfilment
from reviews import services
from reviews.models import Review
from tests.conftest import bearer_client
from tests.factories import UserFactory
from tests.reviews.conftest import buy, buyer, post_review

pytestmark = pytest.mark.django_db


def error(response, status: int) -> dict:
    assert response.status_code == status, response.content
    return response.json()["error"]


def test_a_buyer_reviews_once_as_a_verified_purchase(user_api, user, bought, boots):
    response = post_review(user_api, boots, rating=4, title="Solid boots", body="Dry feet.")
    assert response.status_code == 201, response.content
    body = response.json()
    assert set(body) == {
        "id",
        "rating",
        "title",
        "body",
        "author",
        "verified_purchase",
        "helpful_count",
        "created_at",
    }
    assert (body["rating"], body["title"], body["body"]) == (4, "Solid boots", "Dry feet.")
    assert body["verified_purchase"] is True and body["helpful_count"] == 0
    second = post_review(user_api, boots, rating=1, title="Changed my mind")
    assert error(second, 409)["code"] == "already_reviewed"
    assert Review.objects.filter(product=boots).count() == 1


def test_the_author_is_a_first_name_and_an_initial(api, boots):
    for full_name, username, shown in (
        ("Jane Alice Doe", "jane", "Jane D."),
        ("Cher", "cher", "Cher"),
        ("", "nobody42", "nobody42"),
    ):
        services.write_review(
            user=buyer(boots, username=username, full_name=full_name),
            product_id=boots.pk,
            rating=5,
            title="Good",
        )
    authors = {r["author"] for r in api.get(f"/api/products/{boots.pk}/reviews").json()["results"]}
    assert authors == {"Jane D.", "Cher", "nobody42"}


@pytest.mark.parametrize(
    "body, field",
    [
        ({"rating": 0}, "rating"),
        ({"rating": 6}, "rating"),
        ({"rating": "five"}, "rating"),
        ({"rating": 4.5}, "rating"),
        ({"rating": None}, "rating"),
        ({"title": "x" * 121}, "title"),
        ({"title": "   "}, "title"),
        ({"body": "x" * 5001}, "body"),
    ],
)
def test_bad_input_is_a_400_naming_the_field(user_api, bought, boots, body, field):
    found = error(post_review(user_api, boots, **body), 400)
    assert found["code"] == "validation_error" and set(found["details"]) == {field}
    assert not Review.objects.exists()


def test_the_longest_title_and_body_are_accepted(user_api, bought, boots):
    response = post_review(user_api, boots, title="t" * 120, body="b" * 5000)
    assert response.status_code == 201, response.content
    assert len(Review.objects.get().body) == 5000


def test_only_buyers_review(user_api, boots, bottle, user):
    assert error(post_review(user_api, boots), 403)["code"] == "purchase_required"
    buy(user, bottle)  # another product doesn't count
    assert error(post_review(user_api, boots), 403)["code"] == "purchase_required"
    assert not Review.objects.exists()


def test_a_cancelled_order_is_no_purchase(user_api, user, boots):
    order = buy(user, boots)
    fulfilment.cancel(user=user, order_id=order.pk)
    assert error(post_review(user_api, boots), 403)["code"] == "purchase_required"


def test_signing_in_is_needed_to_write(api, boots):
    assert error(post_review(api, boots), 401)["code"] == "not_authenticated"


def test_an_unknown_or_withdrawn_product_is_a_404(user_api, api, bought, boots, bottle):
    assert error(api.get("/api/products/999999/reviews"), 404)["code"] == "not_found"
    missing = user_api.post("/api/products/999999/reviews", {"rating": 5, "title": "Hi"})
    assert error(missing, 404)["code"] == "not_found"
    boots.is_active = False
    boots.save()
    assert error(post_review(user_api, boots), 404)["code"] == "not_found"
    assert api.get(f"/api/products/{boots.pk}/reviews").status_code == 404


def test_the_author_edits_and_deletes_their_review(user_api, bought, boots):
    review_id = post_review(user_api, boots, rating=2, title="Meh").json()["id"]
    url = f"/api/products/{boots.pk}/reviews/{review_id}"
    edited = user_api.put(url, {"rating": 5, "title": "Grew on me", "body": ""}, format="json")
    assert edited.status_code == 200, edited.content
    assert (edited.json()["rating"], edited.json()["title"]) == (5, "Grew on me")
    assert error(user_api.put(url, {"rating": 7, "title": "x"}, format="json"), 400)["details"]
    assert user_api.delete(url).status_code == 204
    assert not Review.objects.exists()
    assert error(user_api.delete(url), 404)["code"] == "not_found"


def test_another_users_review_is_a_404_to_edit_or_delete(user_api, other_user, boots):
    review = services.write_review(
        user=buyer(boots, username="owner"), product_id=boots.pk, rating=5, title="Mine"
    )
    url = f"/api/products/{boots.pk}/reviews/{review.pk}"
    found = error(user_api.put(url, {"rating": 1, "title": "Hacked"}, format="json"), 404)
    assert found["code"] == "not_found"
    assert error(user_api.delete(url), 404)["code"] == "not_found"
    # Nor under another product's path.
    assert error(user_api.delete(f"/api/products/{boots.pk + 1}/reviews/{review.pk}"), 404)
    review.refresh_from_db()
    assert review.title == "Mine"


@pytest.fixture
def reviewed(boots):
    """Five published reviews of boots, written a day apart, and one hidden."""
    ratings = [5, 4, 4, 2, 5]
    made = []
    for n, rating in enumerate(ratings):
        review = services.write_review(
            user=buyer(boots, username=f"r{n}"),
            product_id=boots.pk,
            rating=rating,
            title=f"Review {n}",
        )
        Review.objects.filter(pk=review.pk).update(
            created_at=timezone.now() - timedelta(days=10 - n), helpful_count=n % 3
        )
        made.append(review)
    hidden = services.write_review(
        user=buyer(boots, username="spammer"), product_id=boots.pk, rating=1, title="Spam"
    )
    services.hide_review(review_id=hidden.pk)
    return made


def titles(response) -> list[str]:
    assert response.status_code == 200, response.content
    return [r["title"] for r in response.json()["results"]]


def test_the_list_has_the_average_and_distribution_of_published_reviews(api, reviewed, boots):
    body = api.get(f"/api/products/{boots.pk}/reviews").json()
    assert (body["count"], body["limit"], body["offset"]) == (5, 20, 0)
    assert body["average"] == 4.0
    assert body["distribution"] == {"1": 0, "2": 1, "3": 0, "4": 2, "5": 2}
    assert "Spam" not in [r["title"] for r in body["results"]]
    assert titles(api.get(f"/api/products/{boots.pk}/reviews")) == [
        "Review 4",
        "Review 3",
        "Review 2",
        "Review 1",
        "Review 0",
    ]


@pytest.mark.parametrize(
    "params, expected",
    [
        ({"ordering": "-rating"}, ["Review 4", "Review 0", "Review 2", "Review 1", "Review 3"]),
        ({"ordering": "rating"}, ["Review 3", "Review 2", "Review 1", "Review 4", "Review 0"]),
        ({"ordering": "-helpful"}, ["Review 2", "Review 4", "Review 1", "Review 3", "Review 0"]),
        ({"rating": 4}, ["Review 2", "Review 1"]),
        ({"limit": 2, "offset": 1}, ["Review 3", "Review 2"]),
        ({"offset": 50}, []),
    ],
)
def test_ordering_filter_and_pages(api, reviewed, boots, params, expected):
    response = api.get(f"/api/products/{boots.pk}/reviews", params)
    assert titles(response) == expected
    if "rating" in params:
        assert response.json()["count"] == len(expected)
        assert response.json()["average"] == 4.0  # of all of them


@pytest.mark.parametrize(
    "params, field",
    [
        ({"ordering": "name"}, "ordering"),
        ({"rating": "0"}, "rating"),
        ({"rating": "five"}, "rating"),
        ({"limit": "0"}, "limit"),
        ({"offset": "-1"}, "offset"),
    ],
)
def test_bad_list_parameters_are_a_400_naming_them(api, boots, params, field):
    found = error(api.get(f"/api/products/{boots.pk}/reviews", params), 400)
    assert field in found["details"]


def test_a_product_without_reviews(api, boots):
    body = api.get(f"/api/products/{boots.pk}/reviews").json()
    assert body["count"] == 0 and body["results"] == [] and body["average"] is None
    assert body["distribution"] == {"1": 0, "2": 0, "3": 0, "4": 0, "5": 0}
    assert api.get(f"/api/products/{boots.pk}").json()["rating"] is None


def test_session_signed_in_shoppers_write_with_the_csrf_token(user, bought, boots):
    """The storefront's scripts call the API with the session cookie: CSRF applies."""
    from django.test import Client

    guarded = Client(enforce_csrf_checks=True)
    guarded.force_login(user)
    url = f"/api/products/{boots.pk}/reviews"
    refused = guarded.post(url, {"rating": 5, "title": "Hi"}, content_type="application/json")
    assert refused.status_code == 403
    guarded.get("/")  # sets the CSRF cookie
    token = guarded.cookies["csrftoken"].value
    made = guarded.post(
        url, {"rating": 5, "title": "Hi"}, content_type="application/json", HTTP_X_CSRFTOKEN=token
    )
    assert made.status_code == 201, made.content


def test_a_second_shopper_reviews_the_same_product(bought, boots):
    first = bearer_client(buyer(boots, username="first"))
    assert post_review(first, boots, rating=3).status_code == 201
    assert post_review(bearer_client(UserFactory(username="never")), boots).status_code == 403
