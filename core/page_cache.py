"""Pages for anonymous visitors, kept in the cache the way API answers are (core.answer_cache):
one round trip serves a page while the versions it was built from are current.

What differs from one visitor to the next is left in the stored page as holes, filled in for
each request: the CSRF token of its forms, and what apps declare with ``hole`` (the header's
cart count). Signed-in users, and visitors with messages waiting, take the normal path and
their pages are not stored; nor is any answer but a 200 (a 400 for a bad filter, a 404).
"""

from collections.abc import Callable
from functools import wraps

from django.contrib.messages import get_messages
from django.http import HttpResponse
from django.middleware.csrf import get_token
from django.utils.safestring import SafeString, mark_safe

from core import answer_cache

_HOLES: dict[str, Callable] = {}
# Set on a request while its page is built for the cache: the version keys the view says the
# page shows (``depends_on``).
_BUILDING = "_page_cache_shows"


def _marker(name: str) -> SafeString:
    # Autoescaping turns any "<" of a name, description or query into "&lt;", so no content
    # can forge a marker.
    return mark_safe(f"<!--hole:{name}-->")


def hole(name: str, fill: Callable) -> None:
    """Declares the template variable ``name`` as per-request: a stored page keeps a marker in
    its place, replaced by ``fill(request)`` (a string) whenever the page is served."""
    _HOLES[name] = fill


hole("csrf_token", get_token)  # also sets the CSRF cookie, as rendering {% csrf_token %} does


def hole_markers(request) -> dict:
    """Context processor, the last of the list: while a page is built for the cache, its holes
    are markers."""
    if not hasattr(request, _BUILDING):
        return {}
    return {name: _marker(name) for name in _HOLES}


def depends_on(request, *version_keys: str) -> None:
    """Said by a view while it builds: its page shows what these versions guard. It is stored
    only if they are among those its ``cached_page`` read before building (a slug that now
    names another product makes another page)."""
    shown = getattr(request, _BUILDING, None)
    if shown is not None:
        shown.update(version_keys)


def _filled(page: bytes, request) -> bytes:
    for name, fill in _HOLES.items():
        marker = _marker(name).encode()
        if marker in page:
            page = page.replace(marker, str(fill(request)).encode())
    return page


def _anonymous_without_messages(request) -> bool:
    # len() looks at the messages without marking them read.
    return not request.user.is_authenticated and not len(get_messages(request))


def cached_page(version_keys: Callable[[dict], answer_cache.VersionKeys | None]):
    """Caches a GET view's page for anonymous visitors under the versions that
    ``version_keys(view_kwargs)`` names (None: not cached, e.g. no such product)."""

    def decorate(view):
        @wraps(view)
        def cached_view(request, *args, **kwargs):
            keys = version_keys(kwargs) if _anonymous_without_messages(request) else None
            if not keys:
                return view(request, *args, **kwargs)
            key = answer_cache.request_key(request)
            found = answer_cache.lookup(key, keys)
            if found.body is not None:
                return HttpResponse(_filled(found.body, request))
            versions = answer_cache.read_versions(keys, found.found)
            shown: set[str] = set()
            setattr(request, _BUILDING, shown)
            try:
                response = view(request, *args, **kwargs)
            finally:
                delattr(request, _BUILDING)  # an error page rendered next has no holes
            if response.status_code == 200 and shown <= set(keys):
                answer_cache.store(key, versions, response.content)
            response.content = _filled(response.content, request)
            return response

        return cached_view

    return decorate
