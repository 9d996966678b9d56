from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone


class WishlistItem(models.Model):
    """A product a user saved for later: the product as a whole, or one of its variants."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="wishlist_items"
    )
    product = models.ForeignKey("catalog.Product", on_delete=models.CASCADE, related_name="+")
    variant = models.ForeignKey(
        "catalog.ProductVariant", null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    added_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-added_at", "-id"]
        constraints = [
            # NULLs are distinct in a unique constraint: the product-wide entry needs its own.
            models.UniqueConstraint(
                fields=["user", "product"],
                condition=Q(variant__isnull=True),
                name="wishlist_item_one_per_product",
            ),
            models.UniqueConstraint(
                fields=["user", "product", "variant"],
                condition=Q(variant__isnull=False),
                name="wishlist_item_one_per_variant",
            ),
        ]
        indexes = [models.Index(fields=["user", "-added_at"], name="wishlist_item_user_added")]

    def __str__(self) -> str:
        return f"{self.user_id} saved {self.variant or self.product}"


class StockWatch(models.Model):
    """A "notify me when available" request: pending until the variant (or, without one, any
    variant of the product) is back in stock; then notified, once. Asking again later makes a
    new request."""

    class Status(models.TextChoices):
        PENDING = "pending", "Pending"
        NOTIFIED = "notified", "Notified"

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="stock_watches"
    )
    product = models.ForeignKey("catalog.Product", on_delete=models.CASCADE, related_name="+")
    variant = models.ForeignKey(
        "catalog.ProductVariant", null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PENDING)
    created_at = models.DateTimeField(default=timezone.now)
    notified_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["user", "product"],
                condition=Q(variant__isnull=True, status="pending"),
                name="wishlist_watch_one_pending_product",
            ),
            models.UniqueConstraint(
                fields=["user", "product", "variant"],
                condition=Q(variant__isnull=False, status="pending"),
                name="wishlist_watch_one_pending_variant",
            ),
        ]
        indexes = [
            # What every stock change asks: anyone waiting for this product? Only pending rows.
            models.Index(
                fields=["product", "variant"],
                condition=Q(status="pending"),
                name="wishlist_watch_pending",
            ),
            models.Index(fields=["user", "-created_at"], name="wishlist_watch_user_created"),
        ]
        verbose_name = "back-in-stock request"

    def __str__(self) -> str:
        return f"{self.user_id} waits for {self.variant or self.product} ({self.status})"
