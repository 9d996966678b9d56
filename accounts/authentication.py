"""Bearer JWT authentication with a denylist of access tokens revoked at logout.

The denylist lives in the cache (Redis in full mode) so every server process refuses a
revoked token; each entry is kept only until its token would have expired anyway.
"""

import time

from django.core.cache import cache
from rest_framework_simplejwt import authentication
from rest_framework_simplejwt.exceptions import InvalidToken
from rest_framework_simplejwt.settings import api_settings


def _denied_key(jti: str) -> str:
    return f"jwt:revoked-access:{jti}"


def revoke_access_token(payload: dict) -> None:
    remaining = int(payload["exp"] - time.time())
    if remaining > 0:
        cache.set(_denied_key(payload[api_settings.JTI_CLAIM]), True, timeout=remaining + 1)


def is_access_token_revoked(payload: dict) -> bool:
    return cache.get(_denied_key(payload[api_settings.JTI_CLAIM])) is not None


class JWTAuthentication(authentication.JWTAuthentication):
    def get_validated_token(self, raw_token):
        token = super().get_validated_token(raw_token)
        if is_access_token_revoked(token.payload):
            raise InvalidToken(
                {"detail": "This access token has been revoked.", "code": "token_revoked"}
            )
        return token
