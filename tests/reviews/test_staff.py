"""Staff hide and publish reviews (staff API and admin actions) and find the recent, low-rated
ones; the product's rating follows."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from reviews import services
from reviews.models import Review
from tests.reviews.conftest import buyer, stored_aggregate

pytestmark = pytest.mark.django_db


@pytest.fixture
def reviews(boots, bottle):
    made = {}
    for name, product, rating, days_ago in (
        ("fresh_bad", boots, 1, 1),
        ("old_bad", boots, 2, 30),
        ("fresh_good", boots, 5, 2),
        ("bottle_bad", bottle, 1, 3),
    ):
        review = services.write_review(
            user=buyer(product, username=name), product_id=product.pk, rating=rating, title=name
        )
        Review.objects.filter(pk=review.pk).update(
            created_at=timezone.now() - timedelta(days=days_ago)
        )
        made[name] = review
    return made


def test_staff_hide_and_publish_by_the_api(staff_api, user_api, reviews, boots):
    bad = reviews["fresh_bad"]
    assert stored_aggregate(boots.pk) == (Decimal("2.7"), 3)
    assert user_api.post(f"/api/staff/reviews/{bad.pk}/hide").status_code == 403
    hidden = staff_api.post(f"/api/staff/reviews/{bad.pk}/hide")
    assert hidden.status_code == 200, hidden.content
    assert hidden.json()["status"] == "hidden" and hidden.json()["product_id"] == boots.pk
    assert stored_aggregate(boots.pk) == (Decimal("3.5"), 2)
    shown = staff_api.get(f"/api/products/{boots.pk}/reviews").json()["results"]
    assert "fresh_bad" not in [r["title"] for r in shown]
    # Hiding again changes nothing.
    assert staff_api.post(f"/api/staff/reviews/{bad.pk}/hide").json()["status"] == "hidden"
    assert stored_aggregate(boots.pk) == (Decimal("3.5"), 2)
    published = staff_api.post(f"/api/staff/reviews/{bad.pk}/publish")
    assert published.json()["status"] == "published"
    assert stored_aggregate(boots.pk) == (Decimal("2.7"), 3)
    assert staff_api.post("/api/staff/reviews/999999/hide").status_code == 404


def titles(response) -> list[str]:
    assert response.status_code == 200, response.content
    return [r["title"] for r in response.json()["results"]]


def test_staff_find_recent_and_low_rated_reviews(staff_api, user_api, reviews):
    assert user_api.get("/api/staff/reviews").status_code == 403
    assert titles(staff_api.get("/api/staff/reviews")) == [
        "fresh_bad",
        "fresh_good",
        "bottle_bad",
        "old_bad",
    ]
    recent_low = staff_api.get("/api/staff/reviews", {"max_rating": 2, "days": 7})
    assert titles(recent_low) == ["fresh_bad", "bottle_bad"]
    assert recent_low.json()["count"] == 2
    services.hide_review(review_id=reviews["bottle_bad"].pk)
    assert titles(staff_api.get("/api/staff/reviews", {"status": "hidden"})) == ["bottle_bad"]
    bad = staff_api.get("/api/staff/reviews", {"max_rating": "0", "status": "gone"})
    assert bad.status_code == 400
    assert set(bad.json()["error"]["details"]) == {"max_rating", "status"}


@pytest.fixture
def admin_client(client, staff_user):
    staff_user.is_superuser = True
    staff_user.save()
    client.force_login(staff_user)
    return client


def test_admin_actions_hide_and_publish(admin_client, reviews, boots):
    chosen = [reviews["fresh_bad"].pk, reviews["old_bad"].pk]
    response = admin_client.post(
        "/admin/reviews/review/",
        {"action": "hide", "_selected_action": chosen},
        follow=True,
    )
    assert response.status_code == 200
    assert "2 review(s) hidden." in response.content.decode()
    assert set(Review.objects.filter(status="hidden").values_list("pk", flat=True)) == set(chosen)
    assert stored_aggregate(boots.pk) == (Decimal("5.0"), 1)
    admin_client.post(
        "/admin/reviews/review/", {"action": "publish", "_selected_action": chosen[:1]}
    )
    assert stored_aggregate(boots.pk) == (Decimal("3.0"), 2)


def test_admin_filter_picks_the_recent_low_rated(admin_client, reviews):
    page = admin_client.get("/admin/reviews/review/", {"look": "recent_low"}).content.decode()
    assert "fresh_bad" in page and "bottle_bad" in page
    assert "old_bad" not in page and "fresh_good" not in page
    detail = admin_client.get(f"/admin/reviews/review/{reviews['old_bad'].pk}/change/")
    assert detail.status_code == 200 and b"old_bad" in detail.content
    # Staff don't delete shoppers' words: they hide them.
    deleting = admin_client.get(f"/admin/reviews/review/{reviews['old_bad'].pk}/delete/")
    assert deleting.status_code == 403
