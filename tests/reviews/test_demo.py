"""seed_demo's reviews: written by demo shoppers who bought what they review, with varied
ratings, and the products' ratings are those of their reviews."""

from io import StringIO

import pytest
from django.core.management import call_command
from django.db.models import Count, Exists, OuterRef

from catalog.models import Product
from orders.models import Order, OrderItem
from reviews.models import Review
from reviews.queries import PAID_STATUSES
from tests.reviews.conftest import fresh_aggregate

pytestmark = pytest.mark.django_db


@pytest.fixture
def seeded(django_capture_on_commit_callbacks):
    out = StringIO()
    with django_capture_on_commit_callbacks(execute=True):
        call_command("seed_demo", "--products", "150", stdout=out)
    return out.getvalue()


def test_demo_reviews_are_real_and_make_the_ratings(seeded):
    assert "Demo reviews: " in seeded
    reviews = Review.objects.all()
    assert reviews.count() > 150
    assert set(reviews.values_list("rating", flat=True)) == {1, 2, 3, 4, 5}
    for product in Product.objects.all():
        assert (product.rating, product.reviews_count) == fresh_aggregate(product.pk)
    rated = Product.objects.exclude(rating=None)
    assert 0 < Product.objects.filter(rating=None).count() < rated.count()
    assert len(set(rated.values_list("rating", flat=True))) > 10
    hidden = reviews.filter(status="hidden")
    assert hidden.exists()  # by staff: not counted
    assert all(
        review.product.reviews_count == review.product.reviews.filter(status="published").count()
        for review in hidden
    )


def test_every_demo_reviewer_bought_what_they_reviewed(seeded):
    paid = OrderItem.objects.filter(
        product_id=OuterRef("product_id"),
        order__user=OuterRef("user_id"),
        order__status__in=PAID_STATUSES,
        order__paid_at__isnull=False,
    )
    reviews = Review.objects.annotate(bought=Exists(paid))
    assert not reviews.filter(bought=False).exists()
    assert not reviews.filter(verified_purchase=False).exists()
    assert not reviews.filter(body="").exists()
    # Written after delivery.
    late = Review.objects.filter(
        Exists(
            Order.objects.filter(
                user=OuterRef("user_id"),
                items__product_id=OuterRef("product_id"),
                delivered_at__gt=OuterRef("created_at"),
            )
        )
    )
    assert not late.exists()


def test_helpful_counts_are_the_votes(seeded):
    counted = Review.objects.annotate(votes=Count("helpful_votes"))
    assert counted.filter(votes__gt=0).exists()
    assert all(review.helpful_count == review.votes for review in counted)


def test_john_has_a_delivered_order_to_review_and_jane_reviewed_hers(seeded, client):
    john = Order.objects.get(user__username="john")
    assert john.status == "delivered" and john.items.count() == 2
    assert not Review.objects.filter(user__username="john").exists()
    assert list(john.history.values_list("status", flat=True)) == ["paid", "shipped", "delivered"]
    jane = Review.objects.get(user__username="jane")
    assert jane.product_id == Order.objects.get(user__username="jane").items.get().product_id
    client.force_login(john.user)
    assert "Review this product" in client.get(f"/orders/{john.pk}/").content.decode()


def test_seeding_again_adds_no_reviews(seeded, capsys):
    before = Review.objects.count()
    call_command("seed_demo", "--if-empty", "--products", "150")
    assert "The demo already has reviews; none added." in capsys.readouterr().out
    assert Review.objects.count() == before
