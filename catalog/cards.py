"""Product cards: one product as lists and searches show it (ProductSerializer's JSON).

Each card is kept in the cache with the versions it was built from, the product's own and the
catalog's, as the product's detail answer is: a stock or price change retires it at once. A
page of search results reads its cards and their versions in one round trip and builds only
those missing, in one query for all of them.
"""

import json
import time

from django.core.cache import cache
from rest_framework.renderers import JSONRenderer

from catalog import response_cache
from catalog.queries import active_products
from catalog.serializers import ProductSerializer
from core import answer_cache
from core.cache import add_many

_RENDERER = JSONRenderer()


def _card_key(product_id: int) -> str:
    return f"catalog:card:{product_id}"


def cards(product_ids: list[int]) -> dict[int, dict]:
    """The cards of these products that are for sale, by id."""
    version_keys = {pid: response_cache.product_versions(pid) for pid in product_ids}
    every_version_key = list(dict.fromkeys(k for keys in version_keys.values() for k in keys))
    found = cache.get_many([*map(_card_key, product_ids), *every_version_key])
    unset = [key for key in every_version_key if key not in found]
    if unset:
        # Never set (or evicted): each starts at the clock in ms, above any number it had.
        add_many(cache, dict.fromkeys(unset, int(time.time() * 1000)))
        found.update(cache.get_many(unset))
    shown: dict[int, bytes] = {}
    missing: dict[int, tuple] = {}
    for pid in product_ids:
        versions = tuple((key, found.get(key)) for key in version_keys[pid])
        entry = found.get(_card_key(pid))
        if entry is not None and entry[0] == versions:
            shown[pid] = entry[1]
        else:
            missing[pid] = versions
    if missing:
        built = {}
        for pid, product in active_products().in_bulk(list(missing)).items():
            body = _RENDERER.render(ProductSerializer(product).data)
            shown[pid] = body
            if all(number is not None for _, number in missing[pid]):  # else the cache is away
                built[_card_key(pid)] = (missing[pid], body)
        if built:
            cache.set_many(built, timeout=answer_cache.TIMEOUT_SECONDS)
    return {pid: json.loads(shown[pid]) for pid in product_ids if pid in shown}
