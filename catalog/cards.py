"""Product cards: one product as lists and searches show it (ProductSerializer's JSON).

Each card is kept in the cache with the versions it was built from, the product's own and the
catalog's, as the product's detail answer is: a stock or price change retires it at once. A
page of search results reads its cards and their versions in one round trip and builds only
those missing, from plain rows (products, variants, images: three queries for all of them,
compiled once per process).
"""

import json
import time
from collections import namedtuple

from django.core.cache import cache
from rest_framework.renderers import JSONRenderer

from catalog import response_cache
from catalog.models import Product, ProductImage, ProductVariant, display_url, shown_pictures
from catalog.serializers import card
from core import answer_cache
from core.cache import add_many
from core.sql import ForIds

_RENDERER = JSONRenderer()


def _card_key(product_id: int) -> str:
    return f"catalog:card:{product_id}"


def cards(product_ids: list[int]) -> dict[int, dict]:
    """The cards of these products that are for sale, by id."""
    return {pid: json.loads(body) for pid, body in card_bodies(product_ids).items()}


def card_bodies(product_ids: list[int]) -> dict[int, bytes]:
    """The cards of these products that are for sale, by id, as the JSON the API sends: for
    answers made of cards, which need not parse them to send them."""
    version_keys = {pid: response_cache.product_versions(pid) for pid in product_ids}
    every_version_key = list(dict.fromkeys(k for keys in version_keys.values() for k in keys))
    found = cache.get_many([*map(_card_key, product_ids), *every_version_key])
    unset = [key for key in every_version_key if key not in found]
    if unset:
        # Never set (or evicted): each starts at the clock in ms, above any number it had.
        found.update(add_many(cache, dict.fromkeys(unset, int(time.time() * 1000))))
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
        for pid, data in _cards_from_rows(list(missing)).items():
            body = _RENDERER.render(data)
            shown[pid] = body
            if all(number is not None for _, number in missing[pid]):  # else the cache is away
                built[_card_key(pid)] = (missing[pid], body)
        if built:
            cache.set_many(built, timeout=answer_cache.TIMEOUT_SECONDS)
    return {pid: shown[pid] for pid in product_ids if pid in shown}


_ProductRow = namedtuple(
    "_ProductRow", "id name slug description price rating reviews_count stock category brand"
)
_ImageRow = namedtuple("_ImageRow", "url file renditions")

_PRODUCT_FIELDS = (
    *("id", "name", "slug", "description", "price", "rating", "reviews_count", "stock"),
    *("category_id", "category__name", "category__slug", "brand_id", "brand__name", "brand__slug"),
)
_PRODUCT_ROWS = ForIds(lambda: Product.objects.active().values_list(*_PRODUCT_FIELDS), "id")
_VARIANT_ROWS = ForIds(
    lambda: ProductVariant.objects.order_by("position", "id").values_list(
        "product_id", "color", "size"
    ),
    "product_id",
)
_IMAGE_ROWS = ForIds(
    lambda: ProductImage.objects.order_by("position", "id").values_list(
        "product_id", "url", "file", "renditions"
    ),
    "product_id",
)


def _cards_from_rows(product_ids: list[int]) -> dict[int, dict]:
    """The cards of those for sale, from plain rows: three queries compiled once, and no model
    instances (a page of search results may need twenty at once)."""
    products = {
        row[0]: _ProductRow(*row[:8], row[8:11], row[11:14])
        for row in _PRODUCT_ROWS.rows(product_ids)
    }
    if not products:
        return {}
    colors = {pid: {} for pid in products}  # dicts as ordered sets
    sizes = {pid: {} for pid in products}
    for pid, color, size in _VARIANT_ROWS.rows(list(products)):
        if color:
            colors[pid].setdefault(color)
        if size:
            sizes[pid].setdefault(size)
    images = {pid: [] for pid in products}
    for pid, *image in _IMAGE_ROWS.rows(list(products)):
        images[pid].append(_ImageRow(*image))
    return {
        pid: card(
            product,
            category=product.category,
            brand=product.brand,
            images=[
                display_url(image.url, image.file, image.renditions, "card")
                for image in shown_pictures(images[pid])
            ],
            colors=list(colors[pid]),
            sizes=list(sizes[pid]),
        )
        for pid, product in products.items()
    }
