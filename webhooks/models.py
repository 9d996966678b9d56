from django.conf import settings
from django.core.serializers.json import DjangoJSONEncoder
from django.db import models
from django.utils import timezone

# What an endpoint can subscribe to (API.md, "Staff reports, webhooks and metrics").
EVENTS = (
    "order.paid",
    "order.status_changed",
    "order.cancelled",
    "return.refunded",
    "stock.changed",
    "product.updated",
)


class Endpoint(models.Model):
    """A receiver staff registered: where events go, which ones, and the secret they are signed
    with. Disabled by itself after repeated failed deliveries; staff enable it again."""

    url = models.CharField("URL", max_length=2000)
    description = models.CharField(max_length=200, blank=True)
    events = models.JSONField(default=list)
    # Kept as is: signing needs it. Shown once, when made; the API and admin show only a hint.
    secret = models.CharField(max_length=200)
    is_active = models.BooleanField("active", default=True)
    disabled_reason = models.CharField(max_length=300, blank=True)
    disabled_at = models.DateTimeField(null=True, blank=True)
    consecutive_failures = models.PositiveIntegerField(default=0)  # failed deliveries in a row
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return self.url if len(self.url) <= 80 else f"{self.url[:77]}..."

    @property
    def secret_hint(self) -> str:
        return f"{self.secret[:6]}...{self.secret[-4:]}" if self.secret else ""


class Event(models.Model):
    """Something happened that endpoints may hear of: written in the transaction of the change
    (so a rollback sends nothing), fanned out to the endpoints subscribed once it commits."""

    id = models.CharField(primary_key=True, max_length=40)  # "evt_" and 32 hex digits
    name = models.CharField(max_length=40)
    data = models.JSONField(encoder=DjangoJSONEncoder)
    created_at = models.DateTimeField(default=timezone.now)
    dispatched_at = models.DateTimeField(null=True, blank=True)  # its deliveries exist

    class Meta:
        ordering = ["-created_at"]
        indexes = [
            models.Index(fields=["dispatched_at", "created_at"], name="webhooks_event_dispatch")
        ]

    def __str__(self) -> str:
        return f"{self.name} {self.id}"

    def payload(self) -> dict:
        """What the receiver gets, as API.md has it."""
        return {
            "id": self.id,
            "event": self.name,
            "created_at": self.created_at.isoformat(),
            "data": self.data,
        }


class Delivery(models.Model):
    """One event for one endpoint: sent, retried with backoff, given up on; staff may resend."""

    class Status(models.TextChoices):
        PENDING = "pending", "Pending"  # not tried yet (or resent)
        RETRYING = "retrying", "Retrying"  # failed; tried again at next_attempt_at
        SUCCEEDED = "succeeded", "Succeeded"
        FAILED = "failed", "Failed"  # every attempt failed, or the endpoint was disabled

    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="deliveries")
    endpoint = models.ForeignKey(Endpoint, on_delete=models.CASCADE, related_name="deliveries")
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PENDING)
    attempts = models.PositiveSmallIntegerField(default=0)  # since it was (re)sent
    # When it is due; while an attempt is under way, when that attempt counts as lost.
    next_attempt_at = models.DateTimeField(null=True, blank=True)
    last_status_code = models.PositiveSmallIntegerField(null=True, blank=True)
    last_error = models.CharField(max_length=300, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(auto_now=True)
    delivered_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["event", "endpoint"], name="webhooks_delivery_once")
        ]
        indexes = [
            models.Index(fields=["status", "next_attempt_at"], name="webhooks_delivery_due"),
            models.Index(fields=["endpoint", "-created_at"], name="webhooks_delivery_newest"),
        ]
        verbose_name_plural = "deliveries"

    def __str__(self) -> str:
        return f"{self.event_id} to endpoint {self.endpoint_id}"


class Attempt(models.Model):
    """One POST of a delivery, as it went: the log staff read to see why a receiver fails."""

    delivery = models.ForeignKey(Delivery, on_delete=models.CASCADE, related_name="log")
    at = models.DateTimeField()
    status_code = models.PositiveSmallIntegerField(null=True, blank=True)  # none: no answer
    duration_ms = models.PositiveIntegerField()
    response_excerpt = models.CharField(max_length=500, blank=True)
    error = models.CharField(max_length=300, blank=True)

    class Meta:
        ordering = ["at", "id"]

    def __str__(self) -> str:
        return f"{self.status_code or self.error} at {self.at:%Y-%m-%d %H:%M:%S}"

    @property
    def succeeded(self) -> bool:
        return self.status_code is not None and 200 <= self.status_code < 300 and not self.error
