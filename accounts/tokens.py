"""JWT pairs: issue, rotate, revoke. Refresh tokens live in simplejwt's outstanding/blacklist
tables; revoked access tokens in accounts.authentication's denylist."""

from django.db import transaction
from rest_framework_simplejwt.exceptions import TokenError
from rest_framework_simplejwt.settings import api_settings
from rest_framework_simplejwt.token_blacklist.models import BlacklistedToken, OutstandingToken
from rest_framework_simplejwt.tokens import RefreshToken

from accounts.authentication import (
    PASSWORD_STAMP_CLAIM,
    password_stamp,
    refuse_tokens_signed_before,
    revoke_access_token,
)
from accounts.models import User
from core.errors import APIError


class InvalidRefreshToken(APIError):
    status_code = 401
    default_code = "token_not_valid"
    default_detail = "The refresh token is invalid, expired or already used."


def access_lifetime_seconds() -> int:
    return int(api_settings.ACCESS_TOKEN_LIFETIME.total_seconds())


def issue_token_pair(user: User) -> dict:
    refresh = RefreshToken.for_user(user)  # recorded as outstanding
    refresh[PASSWORD_STAMP_CLAIM] = password_stamp(user)  # the access token copies it
    return {"access": str(refresh.access_token), "refresh": str(refresh)}


def revoke_all_tokens(user: User) -> None:
    """After a new password: every refresh token the user holds is used up, and access tokens
    signed for the old password are refused (new pairs, signed for the new one, work)."""
    outstanding = OutstandingToken.objects.filter(user=user, blacklistedtoken__isnull=True)
    BlacklistedToken.objects.bulk_create(
        [BlacklistedToken(token=token) for token in outstanding], ignore_conflicts=True
    )
    refuse_tokens_signed_before(user)


def _verified_refresh(raw: str) -> RefreshToken:
    try:
        return RefreshToken(raw)  # signature, expiry, type and blacklist
    except TokenError as exc:
        raise InvalidRefreshToken() from exc


def _use_up(refresh: RefreshToken) -> None:
    """Blacklist ``refresh`` or fail if it already is: at most one caller ever succeeds."""
    jti = refresh.payload[api_settings.JTI_CLAIM]
    # The row lock makes two concurrent uses of one token queue; the second sees the first's
    # blacklisting and is refused.
    outstanding = OutstandingToken.objects.select_for_update().filter(jti=jti).first()
    if outstanding is None:
        raise InvalidRefreshToken()
    _, created = BlacklistedToken.objects.get_or_create(token=outstanding)
    if not created:
        raise InvalidRefreshToken()


@transaction.atomic
def rotate_refresh_token(*, raw_refresh: str) -> dict:
    """A new pair for a valid refresh token, which is used up."""
    refresh = _verified_refresh(raw_refresh)
    user_id = refresh.payload.get(api_settings.USER_ID_CLAIM)
    user = User.objects.filter(pk=user_id, is_active=True).first()
    if user is None:
        raise InvalidRefreshToken("The account for this token is no longer active.")
    _use_up(refresh)
    return issue_token_pair(user)


@transaction.atomic
def log_out(*, user: User, raw_refresh: str, access_payload: dict | None) -> None:
    """Refuse this refresh token and, when given, the access token used, from now on."""
    refresh = _verified_refresh(raw_refresh)
    if str(refresh.payload.get(api_settings.USER_ID_CLAIM)) != str(user.pk):
        raise InvalidRefreshToken("This refresh token belongs to another account.")
    _use_up(refresh)
    if access_payload is not None:
        revoke_access_token(access_payload)
