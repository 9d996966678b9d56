from django.conf import settings
from django.db import models
from django.db.models import Q
from django.db.models.functions import Upper
from django.utils import timezone

from loyalty.tiers import TIER_NAMES, tier_for


class LoyaltyAccount(models.Model):
    """A user's points. The balance is what can be spent; lifetime points set the tier."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="loyalty_account"
    )
    points = models.IntegerField(default=0)
    lifetime_points = models.IntegerField(default=0)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.CheckConstraint(condition=Q(points__gte=0), name="loyalty_points_not_negative"),
            models.CheckConstraint(
                condition=Q(lifetime_points__gte=0), name="loyalty_lifetime_not_negative"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user} ({self.tier}, {self.points} points)"

    @property
    def tier(self) -> str:
        return tier_for(self.lifetime_points).name


class PointsEntry(models.Model):
    """One row of the points ledger: the balance is the sum of its rows."""

    class Kind(models.TextChoices):
        EARN = "earn", "Earned"
        REDEEM = "redeem", "Redeemed"
        REVERSAL = "reversal", "Reversed"
        ADJUSTMENT = "adjustment", "Adjusted by staff"

    account = models.ForeignKey(LoyaltyAccount, on_delete=models.CASCADE, related_name="entries")
    kind = models.CharField(max_length=16, choices=Kind.choices)
    points = models.IntegerField(help_text="Positive adds to the balance, negative takes away.")
    balance_after = models.IntegerField()
    order_id = models.BigIntegerField(null=True, blank=True, db_index=True)
    reason = models.CharField(max_length=200, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name_plural = "points ledger"

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.points:+d}"


class CouponQuerySet(models.QuerySet):
    def by_code(self, code: str):
        return self.filter(code__iexact=(code or "").strip())

    def valid_at(self, moment):
        return self.filter(is_active=True, valid_from__lte=moment).filter(
            Q(valid_until__isnull=True) | Q(valid_until__gt=moment)
        )


class Coupon(models.Model):
    class DiscountType(models.TextChoices):
        PERCENT = "percent", "Percent off"
        FIXED = "fixed", "Amount off"

    code = models.CharField(max_length=32, unique=True, help_text="Matched whatever its case.")
    description = models.CharField(max_length=200, blank=True)
    discount_type = models.CharField(max_length=8, choices=DiscountType.choices)
    discount_value = models.DecimalField(max_digits=10, decimal_places=2)
    min_purchase = models.DecimalField(max_digits=10, decimal_places=2, default=0)
    max_discount = models.DecimalField(max_digits=10, decimal_places=2, null=True, blank=True)
    min_tier = models.CharField(
        max_length=16, choices=[(t, t.title()) for t in TIER_NAMES], default="bronze"
    )
    valid_from = models.DateTimeField(default=timezone.now)
    valid_until = models.DateTimeField(null=True, blank=True)
    is_active = models.BooleanField(default=True)
    usage_limit = models.PositiveIntegerField(
        null=True, blank=True, help_text="Uses in all; empty: no limit."
    )
    per_user_limit = models.PositiveIntegerField(
        null=True, blank=True, help_text="Uses per customer; empty: no limit."
    )
    times_used = models.PositiveIntegerField(default=0, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = CouponQuerySet.as_manager()

    class Meta:
        ordering = ["code"]
        constraints = [
            models.UniqueConstraint(Upper("code"), name="loyalty_coupon_code_ci_unique"),
            models.CheckConstraint(
                condition=Q(discount_value__gt=0), name="loyalty_coupon_value_positive"
            ),
            models.CheckConstraint(
                condition=~Q(discount_type="percent") | Q(discount_value__lte=100),
                name="loyalty_coupon_percent_at_most_100",
            ),
            models.CheckConstraint(
                condition=Q(usage_limit__isnull=True) | Q(times_used__lte=models.F("usage_limit")),
                name="loyalty_coupon_within_usage_limit",
            ),
        ]

    def __str__(self) -> str:
        return self.code

    def save(self, *args, **kwargs):
        self.code = self.code.strip().upper()
        super().save(*args, **kwargs)


class CouponRedemption(models.Model):
    coupon = models.ForeignKey(Coupon, on_delete=models.PROTECT, related_name="redemptions")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="coupon_redemptions"
    )
    order_id = models.BigIntegerField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at"]
