"""WebSocket authentication: a JWT access token in ``?token=``, else the session cookie.

A token that is present but bad, expired or revoked marks the scope, and consumers close with
4401; no token at all leaves the visitor anonymous (or signed in by their session). The token
is checked by the API's own JWT authentication class (REST_FRAMEWORK's first class that reads
bearer tokens), so a socket refuses exactly what the API refuses.
"""

from urllib.parse import parse_qs

from channels.auth import AuthMiddlewareStack
from channels.db import database_sync_to_async
from channels.middleware import BaseMiddleware
from django.db import connection
from rest_framework.exceptions import AuthenticationFailed
from rest_framework.settings import api_settings


def _token_authentication():
    for authentication_class in api_settings.DEFAULT_AUTHENTICATION_CLASSES:
        if hasattr(authentication_class, "get_validated_token"):
            return authentication_class()
    raise LookupError("No token authentication class in REST_FRAMEWORK's authentication classes.")


def _user_for_token(raw: str):
    authentication = _token_authentication()
    try:
        return authentication.get_user(authentication.get_validated_token(raw.encode()))
    except AuthenticationFailed:  # InvalidToken is one: bad, expired or revoked
        return None
    finally:
        connection.close()  # a pool thread's own connection


async def user_for_token(raw: str):
    # Not on the process's one sync thread, where a slow chat turn could make a socket wait
    # out the server's handshake timeout.
    return await database_sync_to_async(_user_for_token, thread_sensitive=False)(raw)


class TokenAuthMiddleware(BaseMiddleware):
    async def __call__(self, scope, receive, send):
        token = parse_qs(scope.get("query_string", b"").decode()).get("token", [None])[0]
        if token is not None:
            user = await user_for_token(token)
            scope = {**scope, "auth_failed": user is None}
            if user is not None:
                scope["user"] = user
        return await super().__call__(scope, receive, send)


def SocketAuthStack(inner):
    return AuthMiddlewareStack(TokenAuthMiddleware(inner))
