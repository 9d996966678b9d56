from django.contrib.auth.models import AbstractUser, UserManager
from django.db import models
from django.db.models.functions import Lower


class ShopUserManager(UserManager):
    def get_by_email(self, email: str):
        return self.get(email__iexact=email.strip())


class User(AbstractUser):
    """A shopper or a staff member. Emails are unique whatever their case."""

    email = models.EmailField("email address")
    full_name = models.CharField(max_length=150, blank=True)
    phone = models.CharField(max_length=32, blank=True)

    objects = ShopUserManager()

    REQUIRED_FIELDS = ["email"]

    class Meta:
        constraints = [
            models.UniqueConstraint(Lower("email"), name="accounts_user_email_ci_unique"),
        ]

    def save(self, *args, **kwargs):
        self.email = self.__class__.objects.normalize_email(self.email).lower()
        super().save(*args, **kwargs)

    def __str__(self) -> str:
        return self.email or self.username
