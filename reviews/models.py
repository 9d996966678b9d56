from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone

from catalog.models import Product

TITLE_MAX = 120
BODY_MAX = 5000


class ReviewQuerySet(models.QuerySet):
    def published(self):
        return self.filter(status=Review.Status.PUBLISHED)


class Review(models.Model):
    """A shopper's review of a product they bought: one per shopper and product. Its product's
    rating and reviews_count are those of its published reviews (reviews.services keeps them)."""

    class Status(models.TextChoices):
        PUBLISHED = "published", "Published"
        HIDDEN = "hidden", "Hidden"

    # The indexes below start with the product: no index of its own.
    product = models.ForeignKey(
        Product, on_delete=models.CASCADE, related_name="reviews", db_index=False
    )
    # A shopper with reviews can't be deleted out from under their product's rating (nor can
    # one with orders, which every reviewer has).
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="reviews"
    )
    rating = models.PositiveSmallIntegerField(
        validators=[MinValueValidator(1), MaxValueValidator(5)]
    )
    title = models.CharField(max_length=TITLE_MAX)
    body = models.TextField(max_length=BODY_MAX, blank=True)
    verified_purchase = models.BooleanField(default=False)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PUBLISHED)
    # How many shoppers found it helpful: its HelpfulVote rows, counted as they are cast.
    helpful_count = models.PositiveIntegerField(default=0, editable=False)
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(auto_now=True)

    objects = ReviewQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["product", "user"], name="reviews_one_per_user_per_product"
            ),
            models.CheckConstraint(
                condition=Q(rating__gte=1, rating__lte=5), name="reviews_rating_1_to_5"
            ),
        ]
        indexes = [
            # A product's published reviews in the list's orders; the rating one also serves
            # its aggregate (rating, count, distribution) from the index alone.
            models.Index(
                fields=["product", "status", "-created_at", "-id"], name="reviews_product_newest"
            ),
            models.Index(
                fields=["product", "status", "-helpful_count", "-id"],
                name="reviews_product_helpful",
            ),
            models.Index(fields=["product", "status", "rating"], name="reviews_product_rating"),
            # Staff's queue: the newest first, low ratings picked out of them.
            models.Index(fields=["-created_at", "rating"], name="reviews_newest"),
        ]

    def __str__(self) -> str:
        return f"{self.rating}★ {self.title}"

    @property
    def author(self) -> str:
        """The name shown with it: the first name and the last one's initial ("Jane D.")."""
        parts = self.user.full_name.split()
        if not parts:
            return self.user.username
        if len(parts) == 1:
            return parts[0]
        return f"{parts[0]} {parts[-1][0]}."

    @property
    def is_published(self) -> bool:
        return self.status == self.Status.PUBLISHED


class HelpfulVote(models.Model):
    """A shopper found a review helpful: once per shopper and review."""

    review = models.ForeignKey(Review, on_delete=models.CASCADE, related_name="helpful_votes")
    # A vote stays counted when its voter's account goes.
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["review", "user"], name="reviews_one_vote_per_user"),
        ]

    def __str__(self) -> str:
        return f"Helpful: review {self.review_id}"
