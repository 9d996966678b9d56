"""Answers kept in the cache with the versions they were built from, and served while those
versions are still the current ones.

A version is a number in the cache that a change increments (``bump``), retiring at once, in
every server process, every answer built under the number before. An entry, keyed by the
request's path and sorted query parameters, holds its body and the versions it was built
from, so one cache round trip (``lookup``) reads both the entry and the current versions.
Versions are read *before* an answer is built: one computed while a change commits carries
the old number and is never served.

Apps declare which API paths are cached and under which versions (``serve_before_views``);
CachedAnswerMiddleware answers anonymous JSON reads of those paths before URL resolution and
DRF, and views build and store the answers (``json_answer``) for every other caller.
"""

import hashlib
import re
import time
from collections.abc import Callable
from dataclasses import dataclass
from urllib.parse import urlencode

from asgiref.sync import iscoroutinefunction, markcoroutinefunction
from django.conf import settings
from django.core.cache import cache
from django.http import HttpResponse
from rest_framework.renderers import JSONRenderer
from rest_framework.settings import api_settings

from core.cache import add_many, incr_existing

TIMEOUT_SECONDS = 600  # a bound on memory, not on staleness: the versions keep entries right

# Each version key with the number it had, in the order the answer names them.
Versions = tuple[tuple[str, int], ...]
VersionKeys = tuple[str, ...]


@dataclass(frozen=True)
class Lookup:
    body: bytes | None  # the stored answer, when its versions are the current ones
    found: dict[str, int]  # the versions the round trip found (not those never set)


def request_key(request) -> str:
    """The entry of this request: its path and query parameters, in any order."""
    query = urlencode(sorted(request.GET.lists()), doseq=True)
    # Hashed: the parameters are whatever the client sent, of any length.
    digest = hashlib.blake2b(f"{request.path_info}?{query}".encode(), digest_size=16)
    return f"answer:{digest.hexdigest()}"


def lookup(key: str, version_keys: VersionKeys) -> Lookup:
    """The entry ``key`` if it was built under the current ``version_keys``: one round trip."""
    return _checked(cache.get_many([key, *version_keys]), key, version_keys)


def _checked(found: dict, key: str, version_keys: VersionKeys) -> Lookup:
    entry = found.pop(key, None)
    # The keys are compared too: a page that names another product's version is another page.
    if entry is not None and entry[0] == tuple((name, found.get(name)) for name in version_keys):
        return Lookup(entry[1], found)
    return Lookup(None, found)


def read_versions(version_keys: VersionKeys, found: dict[str, int]) -> Versions | None:
    """The current ``version_keys``, taken from ``found`` (a lookup's) where it has them; None
    when the cache can't say (it is unreachable), and then nothing is to be stored."""
    versions = dict(found)
    unset = [key for key in version_keys if key not in versions]
    if unset:
        # A version that was never set, or was evicted, restarts at the clock in ms: above any
        # number it had before, so entries stored under those are never served again.
        versions.update(add_many(cache, dict.fromkeys(unset, int(time.time() * 1000))))
    if any(versions.get(key) is None for key in version_keys):
        return None
    return tuple((key, versions[key]) for key in version_keys)


def current_versions(version_keys: VersionKeys) -> dict[str, int]:
    """The current numbers of ``version_keys``; empty when the cache is unreachable."""
    return dict(read_versions(version_keys, cache.get_many(version_keys)) or ())


def store(key: str, versions: Versions | None, body: bytes) -> None:
    if versions is not None:
        cache.set(key, (versions, body), timeout=TIMEOUT_SECONDS)


def bump(*version_keys: str) -> None:
    """Retire every entry built under the current numbers of ``version_keys``, in one round
    trip. A version not set stays unset: the next read starts it afresh."""
    incr_existing(cache, version_keys)


@dataclass(frozen=True)
class _CachedPath:
    pattern: re.Pattern
    version_keys: Callable[[re.Match], VersionKeys]


_CACHED_PATHS: dict[str, _CachedPath] = {}


def serve_before_views(pattern: str, version_keys: Callable[[re.Match], VersionKeys]) -> None:
    """Declares the read-only JSON endpoint at the paths ``pattern`` matches cached under the
    versions ``version_keys(match)`` names: its view answers with ``json_answer``."""
    _CACHED_PATHS[pattern] = _CachedPath(re.compile(pattern), version_keys)


def _version_keys_of(path: str) -> VersionKeys | None:
    for cached in _CACHED_PATHS.values():
        match = cached.pattern.match(path)
        if match:
            return cached.version_keys(match)
    return None


# Answers are kept as the JSON the API sends: a hit neither unpickles nested dicts nor renders.
_RENDERER = JSONRenderer()


def json_answer(request, build: Callable[[], object]) -> bytes:
    """The JSON answer to ``request``, a read of a path declared with ``serve_before_views``:
    the stored one while its versions are current, else ``build()``'s data (or JSON already
    rendered, as bytes), rendered and stored.
    What ``build`` raises (a 400, a 404) goes up and nothing is stored."""
    version_keys = _version_keys_of(request.path_info)
    key = request_key(request)
    # The middleware's round trip, when it made one, found no current entry: its versions do.
    found = getattr(request, "answer_lookup", None) or lookup(key, version_keys)
    if found.body is not None:
        return found.body
    versions = read_versions(version_keys, found.found)
    body = build()
    if not isinstance(body, bytes):
        body = _RENDERER.render(body)
    store(key, versions, body)
    return body


# What DRF's normal path sends with a read-only view's answer besides the body: it picks the
# format by Accept, and its session authentication reads the session cookie.
_ANSWER_HEADERS = {"Vary": "Accept, Cookie", "Allow": "GET, HEAD, OPTIONS"}
# What DRF answers with JSON; a browser's Accept gets the browsable API from the normal path.
_JSON_ACCEPTS = frozenset({"", "*/*", "application/json"})


def _answerable(request) -> tuple[str, VersionKeys] | None:
    """The entry and versions of an anonymous JSON read of a cached path, else None."""
    if (
        request.method not in ("GET", "HEAD")
        or "HTTP_AUTHORIZATION" in request.META
        or settings.SESSION_COOKIE_NAME in request.COOKIES
        or request.META.get("HTTP_ACCEPT", "").strip() not in _JSON_ACCEPTS
    ):
        return None
    version_keys = _version_keys_of(request.path_info)
    if version_keys is None or api_settings.URL_FORMAT_OVERRIDE in request.GET:
        return None
    return request_key(request), version_keys


def _json_response(body: bytes) -> HttpResponse:
    response = HttpResponse(body, content_type="application/json", headers=_ANSWER_HEADERS)
    response["Content-Length"] = str(len(body))
    return response


class CachedAnswerMiddleware:
    """Answers anonymous JSON reads of the paths declared with ``serve_before_views`` from the
    cache in one round trip; anything else, and a miss, goes on to the view. In MIDDLEWARE
    after those that dress every answer (request id, security headers, CSP, CORS, framing), so
    they treat hits as usual, and before session, CSRF, user and messages, which a visitor
    without a session cookie or token doesn't need for a cached read."""

    sync_capable = True
    async_capable = True

    def __init__(self, get_response):
        self.get_response = get_response
        if iscoroutinefunction(get_response):
            markcoroutinefunction(self)

    def __call__(self, request):
        if iscoroutinefunction(self):
            return self._acall(request)
        answerable = _answerable(request)
        if answerable is not None:
            found = lookup(*answerable)
            if found.body is not None:
                return _json_response(found.body)
            request.answer_lookup = found
        return self.get_response(request)

    async def _acall(self, request):
        answerable = _answerable(request)
        if answerable is not None:
            key, version_keys = answerable
            found = _checked(await cache.aget_many([key, *version_keys]), key, version_keys)
            if found.body is not None:
                return _json_response(found.body)
            request.answer_lookup = found
        return await self.get_response(request)
