"""WebSocket authentication: a JWT access token in ``?token=``, else the session cookie.

A token that is present but bad, expired or revoked marks the scope, and consumers close with
4401; no token at all leaves the visitor anonymous (or signed in by their session).
"""

from urllib.parse import parse_qs

from channels.auth import AuthMiddlewareStack
from channels.db import database_sync_to_async
from channels.middleware import BaseMiddleware
from django.contrib.auth import get_user_model
from rest_framework_simplejwt.exceptions import TokenError
from rest_framework_simplejwt.tokens import AccessToken

from accounts.authentication import is_access_token_revoked


@database_sync_to_async
def user_for_token(raw: str):
    try:
        token = AccessToken(raw)
    except TokenError:
        return None
    if is_access_token_revoked(token.payload):
        return None
    return get_user_model().objects.filter(pk=token.payload.get("user_id"), is_active=True).first()


class TokenAuthMiddleware(BaseMiddleware):
    async def __call__(self, scope, receive, send):
        token = parse_qs(scope.get("query_string", b"").decode()).get("token", [None])[0]
        if token is not None:
            user = await user_for_token(token)
            scope = {**scope, "auth_failed": user is None}
            if user is not None:
                scope["user"] = user
        return await super().__call__(scope, receive, send)


def SocketAuthStack(inner):  # noqa: N802 - named like Channels' AuthMiddlewareStack
    return AuthMiddlewareStack(TokenAuthMiddleware(inner))
