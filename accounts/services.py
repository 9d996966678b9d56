"""Every change to accounts: sign-up, sign-in, profile, addresses and payment methods."""

import re
import secrets
from datetime import date

from django.conf import settings
from django.contrib.auth import authenticate
from django.contrib.auth.password_validation import validate_password
from django.contrib.auth.tokens import default_token_generator
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.encoding import force_str
from django.utils.http import urlsafe_base64_decode
from rest_framework_simplejwt.token_blacklist.models import OutstandingToken

from accounts.cards import card_brand, luhn_valid, normalize_card_number
from accounts.models import AccessRefusal, Address, PaymentMethod, User
from accounts.tokens import revoke_all_tokens
from core.errors import APIError
from core.ratelimit import RateLimit, hit
from mail import services as mail


class InvalidCredentials(APIError):
    status_code = 401
    default_code = "invalid_credentials"
    default_detail = "The email, username or password is not right."


class TooManySigninAttempts(APIError):
    status_code = 429
    default_code = "too_many_attempts"

    def __init__(self, retry_after: int):
        super().__init__(
            f"Too many sign-in attempts. Try again in {retry_after} seconds.",
            retry_after=retry_after,
        )
        self.wait = retry_after  # the envelope sends it as Retry-After


class TooManyResetRequests(APIError):
    status_code = 429
    default_code = "too_many_requests"

    def __init__(self, retry_after: int):
        super().__init__(
            f"Too many password reset requests. Try again in {retry_after} seconds.",
            retry_after=retry_after,
        )
        self.wait = retry_after


class InvalidResetToken(APIError):
    status_code = 400
    default_code = "invalid_token"
    default_detail = (
        "This password reset link is invalid, expired or already used. Ask for a new one."
    )


class NotFound(APIError):
    status_code = 404
    default_code = "not_found"
    default_detail = "Not found."


# Sign-up and sign-in


def register_user(
    *, email: str, username: str, password: str, full_name: str = "", phone: str = ""
) -> User:
    email = (email or "").strip().lower()
    username = (username or "").strip()
    errors: dict[str, list[str]] = {}
    try:
        validate_email(email)
    except ValidationError as exc:
        errors["email"] = exc.messages
    if not re.fullmatch(r"[\w.+-]{3,150}", username):
        errors["username"] = ["3 to 150 characters: letters, digits and . + - _ only."]
    if "email" not in errors and User.objects.filter(email__iexact=email).exists():
        errors["email"] = ["An account with this email already exists."]
    if "username" not in errors and User.objects.filter(username__iexact=username).exists():
        errors["username"] = ["This username is taken."]
    user = User(email=email, username=username, full_name=full_name.strip(), phone=phone.strip())
    try:
        validate_password(password, user)
    except ValidationError as exc:
        errors["password"] = exc.messages
    if errors:
        raise ValidationError(errors)

    user.set_password(password)
    try:
        with transaction.atomic():
            user.save()
    except IntegrityError as exc:  # a concurrent sign-up took the email or username
        field = "username" if "username" in str(exc) else "email"
        raise ValidationError({field: ["This is already taken."]}) from exc
    mail.queue(event="welcome", user=user)
    return user


def _signin_limits() -> tuple[RateLimit, RateLimit]:
    window = settings.SIGNIN_RATE_WINDOW_SECONDS
    limit = settings.SIGNIN_RATE_LIMIT
    return RateLimit("signin-ip", limit, window), RateLimit("signin-account", limit, window)


def count_signin_attempt(*, login: str, client_ip: str) -> None:
    """Count one attempt against the client's and the account's limits; refuse past either.

    An account is counted as one whether it is named by email or by username.
    """
    per_ip, per_account = _signin_limits()
    login = (login or "").strip().lower()
    account = User.objects.by_login(login).values_list("pk", flat=True).first()
    by_ip = hit(per_ip, client_ip)
    by_account = hit(per_account, f"user:{account}" if account else f"login:{login}")
    if not (by_ip.allowed and by_account.allowed):
        raise TooManySigninAttempts(max(by_ip.retry_after, by_account.retry_after))


def sign_in(*, login: str, password: str, client_ip: str, request=None) -> User:
    """The user with these credentials, within the sign-in rate limits."""
    count_signin_attempt(login=login, client_ip=client_ip)
    user = authenticate(request, username=login, password=password)
    if user is None:
        raise InvalidCredentials()
    return user


# Passwords: reset by mail and change. Either ends every other session: refresh tokens are
# used up, access tokens signed for the old password refused, and Django drops sessions whose
# password hash no longer matches.


def request_password_reset(*, email: str, client_ip: str) -> None:
    """Mail a reset link to ``email`` if an account has it. The caller can't tell whether one
    does: the same answer, and the same work here (the lookup happens in a worker)."""
    email = (email or "").strip().lower()
    try:
        validate_email(email)
    except ValidationError as exc:
        raise ValidationError({"email": exc.messages}) from exc
    window, limit = settings.SIGNIN_RATE_WINDOW_SECONDS, settings.SIGNIN_RATE_LIMIT
    by_ip = hit(RateLimit("reset-ip", limit, window), client_ip)
    by_address = hit(RateLimit("reset-address", limit, window), email)
    if not (by_ip.allowed and by_address.allowed):
        raise TooManyResetRequests(max(by_ip.retry_after, by_address.retry_after))
    from accounts.tasks import send_password_reset

    transaction.on_commit(lambda: send_password_reset.delay(email), robust=True)


def send_password_reset_mail(*, email: str) -> bool:
    """Queue the reset link for the active account with this address, if there is one."""
    user = User.objects.filter(email__iexact=email, is_active=True).first()
    if user is None or not user.has_usable_password():
        return False
    mail.queue(event="password_reset", user=user)
    return True


def user_for_reset(*, uidb64: str, token: str) -> User:
    """The user a reset link was made for, while its token is still good."""
    try:
        pk = int(force_str(urlsafe_base64_decode(uidb64)))
    except (TypeError, ValueError, OverflowError, UnicodeDecodeError):
        raise InvalidResetToken() from None
    user = User.objects.filter(pk=pk, is_active=True).first()
    if user is None or not default_token_generator.check_token(user, token):
        raise InvalidResetToken()
    return user


def _validated_new_password(user: User, password: str, field: str = "new_password") -> None:
    try:
        validate_password(password, user)
    except ValidationError as exc:
        raise ValidationError({field: exc.messages}) from exc


@transaction.atomic
def _set_password(*, user: User, password: str, how: str) -> User:
    user.set_password(password)
    user.save(update_fields=["password"])
    revoke_all_tokens(user)
    mail.queue(event="password_changed", user=user, data={"how": how})
    return user


def reset_password(*, uidb64: str, token: str, new_password: str) -> User:
    """A new password from a reset link; the link (and every other) stops working."""
    user = user_for_reset(uidb64=uidb64, token=token)
    _validated_new_password(user, new_password)
    return _set_password(user=user, password=new_password, how="reset")


def change_password(
    *, user: User, current_password: str, new_password: str, client_ip: str
) -> User:
    """A signed-in user's new password, with the current one as proof (limited like sign-in:
    a stolen session can't be used to guess it)."""
    count_signin_attempt(login=user.email, client_ip=client_ip)
    if not user.check_password(current_password):
        raise ValidationError({"current_password": ["This is not your current password."]})
    _validated_new_password(user, new_password)
    return _set_password(user=user, password=new_password, how="changed")


# Profile


def update_profile(*, user: User, full_name: str, phone: str) -> User:
    user.full_name = full_name.strip()
    user.phone = phone.strip()
    user.save(update_fields=["full_name", "phone"])
    return user


# Addresses and payment methods: the first is the default, one default each, and deleting
# the default promotes the oldest other one. The user's row is locked so that two concurrent
# additions can't both become the first.


def _lock_user(user: User) -> None:
    User.objects.select_for_update().filter(pk=user.pk).first()


def _make_default(queryset, chosen) -> None:
    queryset.filter(is_default=True).exclude(pk=chosen.pk).update(is_default=False)
    if not chosen.is_default:
        chosen.is_default = True
        chosen.save(update_fields=["is_default"])


@transaction.atomic
def add_address(
    *,
    user: User,
    street: str,
    city: str,
    zip_code: str,
    country: str,
    state: str = "",
    is_default: bool = False,
) -> Address:
    _lock_user(user)
    owned = Address.objects.owned_by(user)
    first = not owned.exists()
    address = Address.objects.create(
        user=user, street=street, city=city, state=state, zip_code=zip_code, country=country
    )
    if first or is_default:
        _make_default(owned, address)
    return address


def _owned(model, *, user: User, pk):
    found = model.objects.owned_by(user).filter(pk=pk).first()
    if found is None:
        raise NotFound(f"No {model._meta.verbose_name} {pk} in this account.")
    return found


SavedItem = Address | PaymentMethod


@transaction.atomic
def make_default(*, user: User, model: type[SavedItem], pk) -> SavedItem:
    """Make one of the user's addresses or payment methods their default."""
    _lock_user(user)
    item = _owned(model, user=user, pk=pk)
    _make_default(model.objects.owned_by(user), item)
    return item


@transaction.atomic
def delete_saved(*, user: User, model: type[SavedItem], pk) -> None:
    """Delete one of the user's addresses or payment methods; the oldest other one left
    becomes the default when the default goes."""
    _lock_user(user)
    item = _owned(model, user=user, pk=pk)
    was_default = item.is_default
    item.delete()
    owned = model.objects.owned_by(user)
    successor = owned.order_by("id").first()
    if was_default and successor is not None:
        _make_default(owned, successor)


_UPI_ID = re.compile(r"^[A-Za-z0-9._-]{2,64}@[A-Za-z][A-Za-z0-9]{1,32}$")
_GIFT_CARD_CODE = re.compile(r"^[A-Z0-9-]{12,32}$")


def _card_fields(card_number: str, exp_month, exp_year) -> dict:
    number = normalize_card_number(card_number)
    errors: dict[str, list[str]] = {}
    brand = card_brand(number) if number.isdigit() else None
    if not number.isdigit() or not 12 <= len(number) <= 19:
        errors["card_number"] = ["Enter the 12 to 19 digits of the card number."]
    elif not luhn_valid(number):
        errors["card_number"] = ["This card number is not valid; please check the digits."]
    elif brand is None:
        errors["card_number"] = ["We don't accept this kind of card."]
    month, year = _int_or_none(exp_month), _int_or_none(exp_year)
    if year is not None and year < 100:
        year += 2000
    if month is None or not 1 <= month <= 12:
        errors["exp_month"] = ["Enter the expiry month, 1 to 12."]
    today = timezone.now().date()
    if year is None or not 2000 <= year <= today.year + 20:
        errors["exp_year"] = [f"Enter the expiry year, e.g. {today.year + 3}."]
    elif year < today.year or (
        "exp_month" not in errors and date(year, month, 1) < today.replace(day=1)
    ):
        errors["exp_year"] = ["This card has expired."]
    if errors:
        raise ValidationError(errors)
    return {
        "brand": brand,
        "prefix": number[:6],
        "last_four": number[-4:],
        "exp_month": month,
        "exp_year": year,
    }


def _int_or_none(value) -> int | None:
    try:
        return int(str(value).strip())
    except (TypeError, ValueError):
        return None


@transaction.atomic
def add_payment_method(
    *,
    user: User,
    type: str,
    card_number: str = "",
    exp_month=None,
    exp_year=None,
    upi_id: str = "",
    code: str = "",
    is_default: bool = False,
) -> PaymentMethod:
    if type == PaymentMethod.Type.CARD:
        fields = _card_fields(card_number, exp_month, exp_year)
    elif type == PaymentMethod.Type.UPI:
        upi_id = (upi_id or "").strip()
        if not _UPI_ID.match(upi_id):
            raise ValidationError({"upi_id": ["Enter a UPI id such as name@bank."]})
        fields = {"brand": "upi", "upi_id": upi_id}
    elif type == PaymentMethod.Type.GIFT_CARD:
        code = (code or "").strip().upper()
        if not _GIFT_CARD_CODE.match(code):
            raise ValidationError(
                {"code": ["Enter the gift card code: 12 to 32 letters or digits."]}
            )
        fields = {"brand": "gift_card", "prefix": code[:5], "last_four": code[-4:]}
    else:
        raise ValidationError({"type": ["Choose card, upi or gift_card."]})

    _lock_user(user)
    owned = PaymentMethod.objects.owned_by(user)
    if owned.filter(type=type, **fields).exists():
        raise ValidationError({"type": ["This payment method is already saved."]})
    first = not owned.exists()
    method = PaymentMethod.objects.create(
        user=user, type=type, gateway_token=f"pm_{secrets.token_hex(16)}", **fields
    )
    if first or is_default:
        _make_default(owned, method)
    return method


def flush_expired_tokens() -> int:
    """Forget refresh tokens (and their blacklisting) past their expiry, and access token
    refusals past theirs: such tokens are refused anyway."""
    now = timezone.now()
    deleted, _ = OutstandingToken.objects.filter(expires_at__lt=now).delete()
    refusals, _ = AccessRefusal.objects.filter(expires_at__lt=now).delete()
    return deleted + refusals
