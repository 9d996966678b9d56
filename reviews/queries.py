"""Reads of reviews that the API, the product page's section, the admin and the services share."""

from dataclasses import dataclass, field
from datetime import datetime
from decimal import ROUND_HALF_UP, Decimal

from django.db.models import Count

from orders.models import Order, OrderItem
from reviews.models import HelpfulVote, Review

# An order that was paid for and not cancelled: its buyer may review what it holds.
PAID_STATUSES = (
    Order.Status.PAID,
    Order.Status.PROCESSING,
    Order.Status.SHIPPED,
    Order.Status.OUT_FOR_DELIVERY,
    Order.Status.DELIVERED,
    Order.Status.RETURNED,
)

# The list's orderings (API.md), each with its tie-breaks.
ORDERINGS = {
    "-created_at": ("-created_at", "-id"),
    "-helpful": ("-helpful_count", "-created_at", "-id"),
    "-rating": ("-rating", "-created_at", "-id"),
    "rating": ("rating", "-created_at", "-id"),
}
DEFAULT_ORDERING = "-created_at"
STARS = (5, 4, 3, 2, 1)


def has_bought(*, user, product_id: int) -> bool:
    """Whether ``user`` has a paid order of the product."""
    return OrderItem.objects.filter(
        product_id=product_id,
        order__user=user,
        order__status__in=PAID_STATUSES,
        order__paid_at__isnull=False,
    ).exists()


def average(total: int | None, count: int) -> Decimal | None:
    """The mean of ``count`` ratings adding up to ``total``, to one decimal, halves up."""
    if not count:
        return None
    return (Decimal(total) / Decimal(count)).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)


@dataclass(frozen=True)
class Summary:
    """A product's published reviews at a glance."""

    distribution: dict[int, int] = field(default_factory=lambda: dict.fromkeys(STARS[::-1], 0))

    @property
    def count(self) -> int:
        return sum(self.distribution.values())

    @property
    def average(self) -> Decimal | None:
        total = sum(stars * n for stars, n in self.distribution.items())
        return average(total, self.count)


def summary(product_id: int) -> Summary:
    """How many published reviews the product has of each rating: one query."""
    distribution = dict.fromkeys(STARS[::-1], 0)
    rows = (
        Review.objects.published()
        .filter(product_id=product_id)
        .order_by()
        .values_list("rating")
        .annotate(n=Count("id"))
    )
    for stars, n in rows:
        distribution[stars] = n
    return Summary(distribution)


def published_reviews(product_id: int, *, ordering: str = DEFAULT_ORDERING, rating=None):
    """A product's published reviews in one of ORDERINGS, with their authors."""
    found = Review.objects.published().filter(product_id=product_id)
    if rating is not None:
        found = found.filter(rating=rating)
    return found.select_related("user").order_by(*ORDERINGS[ordering])


def own_review(*, user, product_id: int) -> Review | None:
    return Review.objects.filter(user=user, product_id=product_id).first()


def voted_review_ids(*, user, review_ids: list[int]) -> set[int]:
    """Which of these reviews ``user`` has marked helpful."""
    if not review_ids:
        return set()
    return set(
        HelpfulVote.objects.filter(user=user, review_id__in=review_ids).values_list(
            "review_id", flat=True
        )
    )


def staff_reviews(
    *,
    status: str | None = None,
    max_rating: int | None = None,
    since: datetime | None = None,
    product_id: int | None = None,
):
    """Reviews for staff to look over, newest first: of a status, at most a rating, since a
    time, of a product."""
    found = Review.objects.select_related("user", "product").order_by("-created_at", "-id")
    if status:
        found = found.filter(status=status)
    if max_rating is not None:
        found = found.filter(rating__lte=max_rating)
    if since is not None:
        found = found.filter(created_at__gte=since)
    if product_id is not None:
        found = found.filter(product_id=product_id)
    return found
