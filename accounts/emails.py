"""The accounts' mail: welcome, and the security mail that is always sent (reset link,
password changed)."""

from django.conf import settings
from django.contrib.auth.tokens import default_token_generator
from django.urls import reverse
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode

from mail.events import mail_event


def site_link(path: str) -> str:
    return settings.SITE_URL.rstrip("/") + path


@mail_event("welcome", template="accounts/mail/welcome", subject="Welcome to {shop_name}")
def welcome(email) -> dict:
    return {
        "account_url": site_link(reverse("accounts:account")),
        "shop_url": site_link("/"),
        "preferences_url": site_link(reverse("accounts:account") + "#mail"),
    }


@mail_event(
    "password_reset", template="accounts/mail/password_reset", subject="Reset your password"
)
def password_reset(email) -> dict:
    # The link is made when the mail is drawn, so no token is ever stored; it stops working
    # after PASSWORD_RESET_TIMEOUT, or once the password changes (the token hashes it).
    user = email.user
    uid = urlsafe_base64_encode(force_bytes(user.pk))
    token = default_token_generator.make_token(user)
    return {
        "reset_url": site_link(reverse("accounts:password-reset-confirm", args=[uid, token])),
        "valid_minutes": settings.PASSWORD_RESET_TIMEOUT // 60,
    }


@mail_event(
    "password_changed",
    template="accounts/mail/password_changed",
    subject="Your password was changed",
)
def password_changed(email) -> dict:
    return {
        "how": email.data.get("how", "changed"),
        "reset_url": site_link(reverse("accounts:password-reset")),
    }
