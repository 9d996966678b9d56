"""Every change to reviews: write, edit, delete, hide, publish, vote helpful.

A product's rating and reviews_count are those of its published reviews. Each change that can
move them locks the product's row first, changes the review, then counts the product's
published reviews afresh (one aggregate query) and writes the result, all in one transaction:
concurrent reviews of one product take turns, and each count sees the ones before it, so the
numbers never drift. Once the change commits, the product's cached answers and pages, and the
lists (cards show the rating), are built afresh.
"""

from django.db import transaction
from django.db.models import Count, F, Sum
from django.utils import timezone

from catalog import response_cache
from catalog.models import Product
from reviews import queries
from reviews.errors import (
    AlreadyReviewed,
    AlreadyVoted,
    OwnReview,
    ProductNotFound,
    PurchaseRequired,
    ReviewNotFound,
)
from reviews.models import HelpfulVote, Review


def _lock_product(product_id: int, *, active_only: bool = False) -> int:
    """Waits for and holds the product's row until the transaction ends. FOR NO KEY UPDATE:
    it queues other review changes (and stock writes) of that product, not inserts of rows
    that refer to it."""
    products = Product.objects.active() if active_only else Product.objects.all()
    found = (
        products.select_for_update(no_key=True)
        .filter(pk=product_id)
        .values_list("pk", flat=True)
        .first()
    )
    if found is None:
        raise ProductNotFound()
    return found


def recount(product_id: int) -> None:
    """Sets the product's rating and reviews_count from its published reviews; the caller
    holds the product's lock (``_lock_product``) in the same transaction."""
    found = (
        Review.objects.published()
        .filter(product_id=product_id)
        .aggregate(total=Sum("rating"), count=Count("id"))
    )
    Product.objects.filter(pk=product_id).update(
        rating=queries.average(found["total"], found["count"]),
        reviews_count=found["count"],
        updated_at=timezone.now(),
    )
    response_cache.forget_product(product_id)


@transaction.atomic
def write_review(*, user, product_id: int, rating: int, title: str, body: str = "") -> Review:
    """``user``'s review of a product for sale that they bought; one per shopper and product."""
    _lock_product(product_id, active_only=True)
    if not queries.has_bought(user=user, product_id=product_id):
        raise PurchaseRequired()
    if Review.objects.filter(product_id=product_id, user=user).exists():
        raise AlreadyReviewed()
    review = Review.objects.create(
        product_id=product_id,
        user=user,
        rating=rating,
        title=title,
        body=body,
        verified_purchase=True,
    )
    recount(product_id)
    return review


def _own_review(*, user, product_id: int, review_id: int) -> Review:
    review = Review.objects.filter(pk=review_id, product_id=product_id, user=user).first()
    if review is None:  # another shopper's review is as good as none
        raise ReviewNotFound()
    return review


@transaction.atomic
def edit_review(
    *, user, product_id: int, review_id: int, rating: int, title: str, body: str = ""
) -> Review:
    """``user`` rewrites their own review; its status and helpful votes stay."""
    _lock_product(product_id)
    review = _own_review(user=user, product_id=product_id, review_id=review_id)
    review.rating, review.title, review.body = rating, title, body
    review.save(update_fields=["rating", "title", "body", "updated_at"])
    recount(product_id)
    return review


@transaction.atomic
def delete_review(*, user, product_id: int, review_id: int) -> None:
    """``user`` takes back their own review."""
    _lock_product(product_id)
    _own_review(user=user, product_id=product_id, review_id=review_id).delete()
    recount(product_id)


def _set_status(review_id: int, status: str) -> Review:
    product_id = Review.objects.filter(pk=review_id).values_list("product_id", flat=True).first()
    if product_id is None:
        raise ReviewNotFound()
    with transaction.atomic():
        _lock_product(product_id)
        review = Review.objects.select_related("user").filter(pk=review_id).first()
        if review is None:  # deleted while we waited
            raise ReviewNotFound()
        if review.status != status:
            review.status = status
            review.save(update_fields=["status", "updated_at"])
            recount(product_id)
    return review


def hide_review(*, review_id: int) -> Review:
    """Staff take a review off the product's page and out of its rating."""
    return _set_status(review_id, Review.Status.HIDDEN)


def publish_review(*, review_id: int) -> Review:
    """Staff put a hidden review back."""
    return _set_status(review_id, Review.Status.PUBLISHED)


@transaction.atomic
def vote_helpful(*, user, review_id: int) -> Review:
    """``user`` found a published review helpful: once, and not their own."""
    review = (
        Review.objects.select_for_update(of=("self",))
        .select_related("user")
        .published()
        .filter(pk=review_id)
        .first()
    )
    if review is None:
        raise ReviewNotFound()
    if review.user_id == user.pk:
        raise OwnReview()
    if HelpfulVote.objects.filter(review=review, user=user).exists():
        raise AlreadyVoted()
    HelpfulVote.objects.create(review=review, user=user)
    Review.objects.filter(pk=review.pk).update(helpful_count=F("helpful_count") + 1)
    review.helpful_count += 1  # the row is locked: no vote came between
    # The product's page and answers show the count; lists don't.
    response_cache.forget_product(review.product_id, listings=False)
    return review
