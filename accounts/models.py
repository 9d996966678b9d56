from django.conf import settings
from django.contrib.auth.models import AbstractUser, UserManager
from django.db import models
from django.db.models import Q
from django.db.models.functions import Lower


class ShopUserManager(UserManager):
    def by_login(self, login: str):
        """The user whose email or username is ``login``, whatever its case."""
        login = login.strip()
        field = "email__iexact" if "@" in login else "username__iexact"
        return self.filter(**{field: login})

    def get_by_login(self, login: str):
        return self.by_login(login).get()


class User(AbstractUser):
    """A shopper or a staff member. Emails and usernames are unique whatever their case."""

    email = models.EmailField("email address")
    full_name = models.CharField(max_length=150, blank=True)
    phone = models.CharField(max_length=32, blank=True)

    objects = ShopUserManager()

    REQUIRED_FIELDS = ["email"]

    class Meta:
        constraints = [
            models.UniqueConstraint(Lower("email"), name="accounts_user_email_ci_unique"),
            models.UniqueConstraint(Lower("username"), name="accounts_user_username_ci_unique"),
        ]

    def save(self, *args, **kwargs):
        self.email = self.email.strip().lower()
        super().save(*args, **kwargs)

    def refresh_from_db(self, using=None, fields=None, from_queryset=None):
        # Reading one deferred field loads every deferred field with it: a user built from an
        # access token (accounts.authentication: only the id known) costs one query when code
        # reads it, not one per field.
        deferred = self.get_deferred_fields()
        if fields is not None and deferred and set(fields) <= deferred:
            fields = deferred
        super().refresh_from_db(using=using, fields=fields, from_queryset=from_queryset)

    def __str__(self) -> str:
        return self.email or self.username


class OwnedQuerySet(models.QuerySet):
    def owned_by(self, user):
        return self.filter(user=user)


class Address(models.Model):
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="addresses"
    )
    street = models.CharField(max_length=200)
    city = models.CharField(max_length=100)
    state = models.CharField(max_length=100, blank=True)
    zip_code = models.CharField(max_length=20)
    country = models.CharField(max_length=100)
    is_default = models.BooleanField(default=False)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = OwnedQuerySet.as_manager()

    class Meta:
        ordering = ["-is_default", "id"]
        verbose_name_plural = "addresses"
        constraints = [
            models.UniqueConstraint(
                fields=["user"], condition=Q(is_default=True), name="accounts_one_default_address"
            ),
        ]

    def __str__(self) -> str:
        return ", ".join(
            part
            for part in (self.street, self.city, self.state, self.zip_code, self.country)
            if part
        )


class PaymentMethod(models.Model):
    """A saved way to pay. A card keeps only what may be kept: never its number.

    ``prefix`` is the part that identifies the issuer and is safe to keep: a card's first six
    digits (its BIN), a gift card's series. The gateway charges ``gateway_token``.
    """

    class Type(models.TextChoices):
        CARD = "card", "Card"
        UPI = "upi", "UPI"
        GIFT_CARD = "gift_card", "Gift card"

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="payment_methods"
    )
    type = models.CharField(max_length=16, choices=Type.choices)
    brand = models.CharField(max_length=32, blank=True)
    prefix = models.CharField(max_length=8, blank=True)
    last_four = models.CharField(max_length=4, blank=True)
    exp_month = models.PositiveSmallIntegerField(null=True, blank=True)
    exp_year = models.PositiveSmallIntegerField(null=True, blank=True)
    upi_id = models.CharField("UPI id", max_length=100, blank=True)
    gateway_token = models.CharField(max_length=64, unique=True)
    is_default = models.BooleanField(default=False)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = OwnedQuerySet.as_manager()

    class Meta:
        ordering = ["-is_default", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["user"],
                condition=Q(is_default=True),
                name="accounts_one_default_payment_method",
            ),
        ]

    @property
    def label(self) -> str:
        if self.type == self.Type.UPI:
            return f"UPI {self.upi_id}"
        name = self.brand.title() if self.type == self.Type.CARD else "Gift card"
        return f"{name} •••• {self.last_four}"

    def __str__(self) -> str:
        return self.label


class AccessRefusal(models.Model):
    """The durable copy of the access token denylists that accounts.authentication keeps in
    the cache: read when the cache has lost them (Redis restarted empty) or is away, so a
    revoked token stays revoked. Each row is kept only while the tokens it refuses could live."""

    class Kind(models.TextChoices):
        TOKEN = "token", "Revoked access token"  # key: the token's jti
        USER = "user", "Account cut off"  # key: the user's id
        PASSWORD = "password", "Tokens of an older password"  # key: the user's id

    kind = models.CharField(max_length=10, choices=Kind.choices)
    key = models.CharField(max_length=64)
    stamp = models.CharField(max_length=32, blank=True)  # PASSWORD: the current password's
    expires_at = models.DateTimeField(db_index=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["kind", "key"], name="accounts_refusal_kind_key")
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.key}"
