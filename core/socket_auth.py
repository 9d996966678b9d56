"""WebSocket authentication: a JWT access token in ``?token=``, else the session cookie.

A token that is present but bad, expired or revoked marks the scope, and consumers close with
4401; no token at all leaves the visitor anonymous (or signed in by their session). The token
is checked by the API's own JWT authentication class (REST_FRAMEWORK's first class that reads
bearer tokens), so a socket refuses exactly what the API refuses. The session's user is found
as channels' AuthMiddleware finds it (channels.auth.get_user).
"""

from importlib import import_module
from urllib.parse import parse_qs

from channels.auth import get_user
from channels.db import database_sync_to_async
from django.conf import settings
from django.contrib.auth.models import AnonymousUser
from django.db import connection
from django.http.cookie import parse_cookie
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


def _cookies(scope) -> dict[str, str]:
    for name, value in scope.get("headers", []):
        if name == b"cookie":
            return parse_cookie(value.decode("latin1"))
    return {}


class SocketAuthStack:
    """Puts the socket's user in the scope (and its cookies and session, as channels' stack
    does), in one copy of the scope, and hands the consumer the server's own send. Channels'
    AuthMiddlewareStack keeps three more copies and frames for as long as the socket is open
    (about 3 KiB), and wraps every message sent to look for a modified session to save, which
    only an HTTP response can carry: that check was two thirds of the app's own cost of writing
    a broadcast frame to a socket."""

    def __init__(self, inner):
        self.inner = inner

    async def __call__(self, scope, receive, send):
        cookies = _cookies(scope)
        session_key = cookies.get(settings.SESSION_COOKIE_NAME)
        session = import_module(settings.SESSION_ENGINE).SessionStore(session_key)
        scope = {**scope, "cookies": cookies, "session": session}
        token = parse_qs(scope.get("query_string", b"").decode()).get("token", [None])[0]
        if token is not None:
            user = await user_for_token(token)
            scope["auth_failed"] = user is None
            scope["user"] = user or AnonymousUser()
        elif session_key is None:
            scope["user"] = AnonymousUser()  # no session to look up
        else:
            scope["user"] = await get_user(scope)
        return await self.inner(scope, receive, send)
