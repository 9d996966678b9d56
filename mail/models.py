from django.conf import settings
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.db import models


class Email(models.Model):
    """One transactional mail: written in the transaction of the change it tells about, sent
    after it commits. ``key`` names the event it is for, so a retried task or a second call
    finds the row already there (and sent) instead of mailing twice."""

    class Status(models.TextChoices):
        QUEUED = "queued", "Queued"  # waiting for its first or next attempt
        SENT = "sent", "Sent"
        SKIPPED = "skipped", "Skipped"  # the user turned this kind of mail off, or has no address
        FAILED = "failed", "Failed"  # every attempt failed; staff may send it again

    key = models.CharField(max_length=200, unique=True)
    event = models.CharField(max_length=40)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="emails",
    )
    to = models.EmailField(blank=True)
    subject = models.CharField(max_length=300, blank=True)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.QUEUED)
    attempts = models.PositiveSmallIntegerField(default=0)
    last_error = models.CharField(max_length=300, blank=True)
    # What the mail is about (an order), for its template and for staff looking at that order.
    content_type = models.ForeignKey(ContentType, null=True, blank=True, on_delete=models.CASCADE)
    object_id = models.PositiveBigIntegerField(null=True, blank=True)
    about = GenericForeignKey("content_type", "object_id")
    data = models.JSONField(default=dict, blank=True)  # what the event adds (a refund's amount)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    sent_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["content_type", "object_id"], name="mail_email_about"),
            models.Index(fields=["status", "updated_at"], name="mail_email_status_updated"),
        ]
        verbose_name = "email"

    def __str__(self) -> str:
        return f"{self.event} to {self.to or self.user_id}"


class Preferences(models.Model):
    """Which mail a user wants. Order confirmations and security mail go whatever is set here."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        primary_key=True,
        on_delete=models.CASCADE,
        related_name="mail_preferences",
    )
    order_updates = models.BooleanField(default=True)  # shipped, delivered, refunds, returns
    back_in_stock = models.BooleanField(default=True)
    marketing = models.BooleanField(default=False)

    class Meta:
        verbose_name_plural = "preferences"

    def __str__(self) -> str:
        return f"Mail preferences of {self.user_id}"
