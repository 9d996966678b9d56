"""Bearer JWT authentication, with denylists of access tokens revoked at logout and of users
deactivated or deleted since their tokens were signed.

An API request's user is built from its token without reading the database: a User whose id
alone is known, the rest loading together (one query, User.refresh_from_db) the first time code
reads any other field, such as IsAdminUser's is_staff or a name. A cart or order request that
needs only the id reads no user row, and whatever reads more sees the user as they are now, not
as they were when the token was signed. WebSockets (core.socket_auth) still load the whole user
with get_user(): a socket lives long and its async code can't load fields lazily.

A new password (reset or change) refuses the access tokens signed before it: each token carries a
stamp of the password it was signed for, and the user's current stamp is kept in the cache for
an access token's lifetime after a change.

The denylists live in the cache (Redis in full mode), so every server process refuses at once;
each entry is kept only until the tokens it refuses would have expired anyway. If the cache
loses an entry (a Redis outage), the access token's lifetime (ACCESS_TOKEN_LIFETIME, 1 hour) is
the bound: API.md asks for nothing sooner, and refreshing already checks the account.
"""

import time

from django.core.cache import cache
from django.db import router
from django.utils.crypto import salted_hmac
from rest_framework_simplejwt import authentication
from rest_framework_simplejwt.exceptions import AuthenticationFailed, InvalidToken
from rest_framework_simplejwt.settings import api_settings

from accounts.models import User


def _denied_key(jti: str) -> str:
    return f"jwt:revoked-access:{jti}"


def _cut_off_key(user_id) -> str:
    return f"jwt:cut-off-user:{user_id}"


def _stamp_key(user_id) -> str:
    return f"jwt:password-stamp:{user_id}"


PASSWORD_STAMP_CLAIM = "pws"


def password_stamp(user: User) -> str:
    """A short digest of the user's password hash: it changes when the password does."""
    return salted_hmac("accounts.password-stamp", user.password, algorithm="sha256").hexdigest()[
        :16
    ]


def refuse_tokens_signed_before(user: User) -> None:
    """Refuse access tokens signed for any password but ``user``'s current one."""
    cache.set(_stamp_key(user.pk), password_stamp(user), timeout=_access_lifetime_seconds() + 1)


def revoke_access_token(payload: dict) -> None:
    remaining = int(payload["exp"] - time.time())
    if remaining > 0:
        cache.set(_denied_key(payload[api_settings.JTI_CLAIM]), True, timeout=remaining + 1)


def _access_lifetime_seconds() -> int:
    return int(api_settings.ACCESS_TOKEN_LIFETIME.total_seconds())


def cut_off_user(user_id: int) -> None:
    """Refuse every access token of this user from now on: deactivated or deleted. No token is
    older than ACCESS_TOKEN_LIFETIME, and none is issued to an inactive account meanwhile."""
    cache.set(_cut_off_key(user_id), True, timeout=_access_lifetime_seconds() + 1)


def on_user_saved(sender, instance: User, update_fields=None, **kwargs) -> None:
    if update_fields is not None and "is_active" not in update_fields:
        return  # e.g. last_login at sign-in: the account's state didn't change
    if instance.is_active:
        cache.delete(_cut_off_key(instance.pk))  # reactivated: signing in works again
    else:
        cut_off_user(instance.pk)


def on_user_deleted(sender, instance: User, **kwargs) -> None:
    cut_off_user(instance.pk)


def user_from_token(user_id) -> User:
    """The token's user, nothing read yet: only the id is set; the first other field read loads
    them all (a deleted user would then fail, which the cut-off prevents)."""
    pk = User._meta.pk.to_python(user_id)
    return User.from_db(router.db_for_read(User), ["id"], [pk])


class JWTAuthentication(authentication.JWTAuthentication):
    def authenticate(self, request):
        header = self.get_header(request)
        if header is None:
            return None
        raw_token = self.get_raw_token(header)
        if raw_token is None:
            return None
        token = self.get_validated_token(raw_token)
        return user_from_token(token[api_settings.USER_ID_CLAIM]), token

    def get_validated_token(self, raw_token):
        token = super().get_validated_token(raw_token)
        if api_settings.USER_ID_CLAIM not in token.payload:
            raise InvalidToken("Token contained no recognizable user identification")
        user_id = token.payload[api_settings.USER_ID_CLAIM]
        revoked = _denied_key(token.payload[api_settings.JTI_CLAIM])
        cut_off, stamp = _cut_off_key(user_id), _stamp_key(user_id)
        refused = cache.get_many([revoked, cut_off, stamp])  # one round trip for every list
        if revoked in refused or (
            stamp in refused and token.payload.get(PASSWORD_STAMP_CLAIM) != refused[stamp]
        ):
            raise InvalidToken(
                {"detail": "This access token has been revoked.", "code": "token_revoked"}
            )
        if cut_off in refused:
            raise AuthenticationFailed("This account is no longer active.", code="user_inactive")
        return token
