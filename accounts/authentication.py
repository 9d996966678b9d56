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

The denylists live in the cache (Redis in full mode), so every server process refuses at once,
in the one round trip a request makes; each entry is kept only until the tokens it refuses
would have expired anyway. Each is also written to the database (AccessRefusal): when the cache
has lost them (Redis restarted empty: the "loaded" mark is gone with them) a request reads the
database instead, in one query, and puts them all back in the cache; while the cache is away,
every request reads the database. So a revoked token stays revoked across a Redis outage.
"""

import functools
import time
from datetime import timedelta

from django.core.cache import cache
from django.db import router
from django.db.models import Q
from django.utils import timezone
from django.utils.crypto import salted_hmac
from rest_framework_simplejwt import authentication
from rest_framework_simplejwt.exceptions import AuthenticationFailed, InvalidToken
from rest_framework_simplejwt.settings import api_settings

from accounts.models import AccessRefusal, User

Kind = AccessRefusal.Kind

# Set when the cache holds every refusal of the database; a restarted Redis has lost it.
LOADED_KEY = "jwt:refusals-loaded"
REFILLING_KEY = "jwt:refusals-refilling"


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


def _cache_key(kind: str, key: str) -> str:
    return {Kind.TOKEN: _denied_key, Kind.USER: _cut_off_key, Kind.PASSWORD: _stamp_key}[kind](key)


def _refuse(kind: str, key, *, seconds: int, stamp: str = "") -> None:
    """In the database for good measure, then in the cache where requests look."""
    AccessRefusal.objects.update_or_create(
        kind=kind,
        key=str(key),
        defaults={"stamp": stamp, "expires_at": timezone.now() + timedelta(seconds=seconds)},
    )
    cache.set(_cache_key(kind, str(key)), stamp or True, timeout=seconds)


def refuse_tokens_signed_before(user: User) -> None:
    """Refuse access tokens signed for any password but ``user``'s current one."""
    _refuse(
        Kind.PASSWORD, user.pk, seconds=_access_lifetime_seconds() + 1, stamp=password_stamp(user)
    )


def revoke_access_token(payload: dict) -> None:
    remaining = int(payload["exp"] - time.time())
    if remaining > 0:
        _refuse(Kind.TOKEN, payload[api_settings.JTI_CLAIM], seconds=remaining + 1)


def _access_lifetime_seconds() -> int:
    return int(api_settings.ACCESS_TOKEN_LIFETIME.total_seconds())


def cut_off_user(user_id: int) -> None:
    """Refuse every access token of this user from now on: deactivated or deleted. No token is
    older than ACCESS_TOKEN_LIFETIME, and none is issued to an inactive account meanwhile."""
    _refuse(Kind.USER, user_id, seconds=_access_lifetime_seconds() + 1)


def on_user_saved(sender, instance: User, update_fields=None, **kwargs) -> None:
    if update_fields is not None and "is_active" not in update_fields:
        return  # e.g. last_login at sign-in: the account's state didn't change
    if instance.is_active:
        # Reactivated: signing in works again. A new account has nothing to forget.
        if not kwargs.get("created"):
            AccessRefusal.objects.filter(kind=Kind.USER, key=str(instance.pk)).delete()
            cache.delete(_cut_off_key(instance.pk))
    else:
        cut_off_user(instance.pk)


def refusals_from_database(jti: str, user_id) -> dict:
    """What the cache would answer for this token, read from the database (one query). When
    the cache is up again, one request puts every refusal back in it, with the mark."""
    now = timezone.now()
    mine = AccessRefusal.objects.filter(expires_at__gt=now).filter(
        Q(kind=Kind.TOKEN, key=jti) | Q(kind__in=[Kind.USER, Kind.PASSWORD], key=str(user_id))
    )
    found = {_cache_key(row.kind, row.key): row.stamp or True for row in mine}
    if cache.add(REFILLING_KEY, True, timeout=30):  # up, and nobody else is refilling it
        _refill_cache(now)
    return found


def _refill_cache(now) -> None:
    rows = AccessRefusal.objects.filter(expires_at__gt=now)
    cache.set_many(
        {_cache_key(row.kind, row.key): row.stamp or True for row in rows},
        timeout=_access_lifetime_seconds() + 1,
    )
    mark_refusals_loaded()


def mark_refusals_loaded() -> None:
    """For a cache known to hold every refusal (an empty database, say)."""
    cache.set(LOADED_KEY, True, timeout=None)


def on_user_deleted(sender, instance: User, **kwargs) -> None:
    cut_off_user(instance.pk)


def user_from_token(user_id) -> User:
    """The token's user, nothing read yet: only the id is set; the first other field read loads
    them all (a deleted user would then fail, which the cut-off prevents)."""
    pk = User._meta.pk.to_python(user_id)
    return User.from_db(router.db_for_read(User), ["id"], [pk])


@functools.lru_cache(maxsize=2048)
def _verified(raw_token: bytes):
    """The token's signature, type and claims checked once per process, not on every request: a
    shopper sends the same token for up to an hour, and decoding it (PyJWT) cost a twentieth of
    a cart add's CPU. A token that fails is not kept (lru_cache keeps no exception); the
    revocations are checked on every request all the same."""
    return authentication.JWTAuthentication().get_validated_token(raw_token)


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
        token = _verified(bytes(raw_token))
        if token.payload["exp"] <= time.time():  # expired since it was first verified
            token = super().get_validated_token(raw_token)  # says so (or allows the leeway)
        if api_settings.USER_ID_CLAIM not in token.payload:
            raise InvalidToken("Token contained no recognizable user identification")
        user_id = token.payload[api_settings.USER_ID_CLAIM]
        revoked = _denied_key(token.payload[api_settings.JTI_CLAIM])
        cut_off, stamp = _cut_off_key(user_id), _stamp_key(user_id)
        refused = cache.get_many([revoked, cut_off, stamp, LOADED_KEY])  # one round trip
        if LOADED_KEY not in refused:
            refused = refusals_from_database(token.payload[api_settings.JTI_CLAIM], user_id)
        if revoked in refused or (
            stamp in refused and token.payload.get(PASSWORD_STAMP_CLAIM) != refused[stamp]
        ):
            raise InvalidToken(
                {"detail": "This access token has been revoked.", "code": "token_revoked"}
            )
        if cut_off in refused:
            raise AuthenticationFailed("This account is no longer active.", code="user_inactive")
        return token
