from decimal import Decimal

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone

from accounts.models import PaymentMethod
from catalog.models import ProductVariant, StockLocation
from loyalty.models import Coupon

MONEY = dict(max_digits=10, decimal_places=2, default=Decimal("0.00"))


RETURN_DAYS = 30  # a delivered order may be returned this many days after delivery


class Order(models.Model):
    class Status(models.TextChoices):
        PENDING_PAYMENT = "pending_payment", "Awaiting payment"
        PAID = "paid", "Paid"
        PROCESSING = "processing", "Processing"
        SHIPPED = "shipped", "Shipped"
        OUT_FOR_DELIVERY = "out_for_delivery", "Out for delivery"
        DELIVERED = "delivered", "Delivered"
        CANCELLED = "cancelled", "Cancelled"
        RETURNED = "returned", "Returned"

    class PaymentStatus(models.TextChoices):
        PENDING = "pending", "Pending"  # written, not yet authorized
        SUCCEEDED = "succeeded", "Succeeded"
        DECLINED = "declined", "Declined"
        ERROR = "error", "Error"  # the gateway could not be reached and has no record of it
        REFUNDED = "refunded", "Refunded"  # approved, but the order could not stand
        EXPIRED = "expired", "Expired"  # never completed within the reservation window

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="orders"
    )
    number = models.CharField(max_length=32, unique=True, null=True, blank=True)
    status = models.CharField(
        max_length=20, choices=Status.choices, default=Status.PENDING_PAYMENT, db_index=True
    )
    idempotency_key = models.CharField(max_length=128, null=True, blank=True)

    # Where it goes, as it was when ordered.
    ship_name = models.CharField(max_length=150, blank=True)
    ship_street = models.CharField(max_length=200)
    ship_city = models.CharField(max_length=100)
    ship_state = models.CharField(max_length=100, blank=True)
    ship_zip_code = models.CharField(max_length=20)
    ship_country = models.CharField(max_length=100)

    # How it was paid.
    payment_method = models.ForeignKey(
        PaymentMethod, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    payment_label = models.CharField(max_length=100, blank=True)
    payment_status = models.CharField(max_length=20, choices=PaymentStatus.choices, blank=True)
    payment_id = models.CharField(max_length=64, blank=True)
    transaction_id = models.CharField(max_length=64, blank=True)
    payment_message = models.CharField(max_length=200, blank=True)

    # What it cost, from cart.pricing at the time.
    subtotal = models.DecimalField(**MONEY)
    coupon_discount = models.DecimalField(**MONEY)
    loyalty_discount = models.DecimalField(**MONEY)
    points_discount = models.DecimalField(**MONEY)
    discount = models.DecimalField(**MONEY)
    merchandise = models.DecimalField(**MONEY)
    tax = models.DecimalField(**MONEY)
    shipping = models.DecimalField(**MONEY)
    total = models.DecimalField(**MONEY)
    currency = models.CharField(max_length=3, default="USD")
    coupon = models.ForeignKey(
        Coupon, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    coupon_code = models.CharField(max_length=32, blank=True)
    points_redeemed = models.PositiveIntegerField(default=0)
    points_earned = models.PositiveIntegerField(default=0)
    refunded_total = models.DecimalField(**MONEY)

    carrier = models.CharField(max_length=40, blank=True)
    tracking_number = models.CharField(max_length=40, blank=True)
    estimated_delivery = models.DateField(null=True, blank=True)

    created_at = models.DateTimeField(default=timezone.now, db_index=True)
    paid_at = models.DateTimeField(null=True, blank=True, db_index=True)  # reports go by it
    delivered_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["user", "idempotency_key"],
                condition=Q(idempotency_key__isnull=False),
                name="orders_one_order_per_idempotency_key",
            ),
        ]
        indexes = [
            models.Index(fields=["user", "-created_at"], name="orders_user_newest"),
            # Placing an order asks whether the user has one still being paid for: by user, not
            # by status, whose index holds every order once paid (each passes through pending).
            models.Index(
                fields=["user"],
                condition=Q(status="pending_payment"),
                name="orders_user_paying",
            ),
        ]

    def __str__(self) -> str:
        return self.number or f"Order {self.pk} ({self.get_status_display()})"

    @property
    def totals(self) -> dict:
        fields = [
            "subtotal",
            "coupon_discount",
            "loyalty_discount",
            "points_discount",
            "discount",
            "merchandise",
            "tax",
            "shipping",
            "total",
        ]
        return {
            **{f: getattr(self, f) for f in fields},
            "points_used": self.points_redeemed,
            "currency": self.currency,
        }


class OrderItem(models.Model):
    order = models.ForeignKey(Order, on_delete=models.CASCADE, related_name="items")
    variant = models.ForeignKey(
        ProductVariant, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    product_id = models.BigIntegerField()
    sku = models.CharField(max_length=64)
    product_name = models.CharField(max_length=200)
    color = models.CharField(max_length=40, blank=True)
    size = models.CharField(max_length=20, blank=True)
    quantity = models.PositiveSmallIntegerField()
    price = models.DecimalField(max_digits=10, decimal_places=2)
    subtotal = models.DecimalField(max_digits=10, decimal_places=2)

    class Meta:
        ordering = ["id"]

    def __str__(self) -> str:
        return f"{self.quantity} x {self.sku}"


class Allocation(models.Model):
    """Where an item's units were taken from, so they go back to the same place."""

    item = models.ForeignKey(OrderItem, on_delete=models.CASCADE, related_name="allocations")
    location = models.ForeignKey(StockLocation, on_delete=models.PROTECT, related_name="+")
    quantity = models.PositiveIntegerField()


class StatusChange(models.Model):
    order = models.ForeignKey(Order, on_delete=models.CASCADE, related_name="history")
    status = models.CharField(max_length=20, choices=Order.Status.choices)
    note = models.CharField(max_length=300, blank=True)
    at = models.DateTimeField(default=timezone.now)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["at", "id"]


class Return(models.Model):
    class Status(models.TextChoices):
        REQUESTED = "requested", "Requested"
        APPROVED = "approved", "Approved"
        RECEIVED = "received", "Received"
        REFUNDED = "refunded", "Refunded"
        REJECTED = "rejected", "Rejected"

    order = models.ForeignKey(Order, on_delete=models.PROTECT, related_name="returns")
    status = models.CharField(
        max_length=12, choices=Status.choices, default=Status.REQUESTED, db_index=True
    )
    reason = models.CharField(max_length=500)
    refund_amount = models.DecimalField(**MONEY)
    points_reversed = models.PositiveIntegerField(default=0)
    refund_id = models.CharField(max_length=64, blank=True)
    note = models.CharField(max_length=300, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"Return {self.pk} of {self.order}"


class ReturnItem(models.Model):
    return_request = models.ForeignKey(Return, on_delete=models.CASCADE, related_name="items")
    order_item = models.ForeignKey(OrderItem, on_delete=models.PROTECT, related_name="return_items")
    quantity = models.PositiveSmallIntegerField()


class Refund(models.Model):
    order = models.ForeignKey(Order, on_delete=models.PROTECT, related_name="refunds")
    return_request = models.ForeignKey(
        Return, null=True, blank=True, on_delete=models.PROTECT, related_name="refunds"
    )
    amount = models.DecimalField(max_digits=10, decimal_places=2)
    refund_id = models.CharField(max_length=64)
    status = models.CharField(max_length=20)
    created_at = models.DateTimeField(default=timezone.now)
