"""Cached answers of the catalog's read API, and what makes them stale.

Two version numbers in the cache name every entry, so that one increment retires a whole
family of entries in every server process at once:
- the catalog's: any edit of a product, variant, image, category, brand or stock location
  (post_save/post_delete), a search re-index or a bulk stock recount;
- the listings': those edits, and every stock change (lists show stock and filter on it).
A product's detail and inventory answers carry the catalog's version and one of the product's
own, which its stock changes increment (catalog.stock announces each change after commit).
An answer computed while a change commits is stored under the old number, which nobody
reads any more: versions, not deletes, so that such a race can't leave a stale entry behind.

So lists stay exact, `count` included (API.md), at the price of being recomputed after any
stock change; a product's page is recomputed only when that product changes.
"""

import hashlib
import time
from collections.abc import Callable
from urllib.parse import urlencode

from django.core.cache import cache
from django.db import transaction
from rest_framework.renderers import JSONRenderer

# Answers are kept as the JSON the API sends: a hit neither unpickles nested dicts nor renders.
_RENDERER = JSONRenderer()
TIMEOUT_SECONDS = 600  # a bound on memory, not on staleness: the versions keep entries right
_CATALOG = "catalog:version"
_LISTINGS = "catalog:listing-version"


def _product_version_key(product_id: int) -> str:
    return f"catalog:product-version:{product_id}"


def _versions(*keys: str) -> list[int]:
    found = cache.get_many(keys)
    for key in keys:
        if key not in found:
            # A version that was never set, or was evicted, restarts at the clock in ms: above
            # any number it had before, so entries stored under those are never read again.
            cache.add(key, int(time.time() * 1000), timeout=None)
            found[key] = cache.get(key)
    return [found[key] for key in keys]


def _bump(key: str) -> None:
    try:
        cache.incr(key)
    except ValueError:  # not set: the next read starts it afresh
        pass


def _cached(key: str, build: Callable[[], object]) -> bytes:
    body = cache.get(key)
    if body is None:
        body = _RENDERER.render(build())
        cache.set(key, body, timeout=TIMEOUT_SECONDS)
    return body


def listing(kind: str, params: dict[str, str], build: Callable[[], object]) -> bytes:
    """The answer of a product list or search (``kind``) with these query parameters, as JSON;
    ``build`` makes its data when it isn't cached."""
    [version] = _versions(_LISTINGS)
    # Hashed: the parameters are whatever the client sent, of any length.
    digest = hashlib.blake2b(urlencode(sorted(params.items())).encode(), digest_size=16).hexdigest()
    return _cached(f"catalog:{kind}:{version}:{digest}", build)


def product(
    kind: str, product_id: int, build: Callable[[], object], *, variant_id: str | None = None
) -> bytes:
    """A product's detail or inventory answer (``kind``), or one variant's inventory (as asked),
    as JSON."""
    catalog, own = _versions(_CATALOG, _product_version_key(product_id))
    return _cached(f"catalog:{kind}:{catalog}.{own}:{product_id}:{variant_id or ''}", build)


def catalog_version() -> int:
    """The catalog's version now: a new number after any edit of its products, variants,
    images, categories, brands or locations (stock changes keep it)."""
    return _versions(_CATALOG)[0]


def forget_catalog() -> None:
    """After an edit: every cached answer is computed afresh, once the edit has committed."""
    transaction.on_commit(lambda: [_bump(key) for key in (_CATALOG, _LISTINGS)])


def forget_stock_of(product_id: int) -> None:
    """After a stock change of a product has committed."""
    _bump(_LISTINGS)
    _bump(_product_version_key(product_id))


def forget_on_edit(sender, **kwargs) -> None:
    """post_save/post_delete receiver for the catalog's models."""
    forget_catalog()


def forget_on_stock_change(sender, *, change, **kwargs) -> None:
    """stock_changed receiver."""
    forget_stock_of(change.product_id)
