"""What the catalog's cached answers and pages show, and what makes them stale.

Entries live in core.answer_cache (API reads) and core.page_cache (storefront pages), each with
the versions it was built from. The catalog keeps three kinds of version:
- the catalog's: any edit of a product, variant, image, category, brand or stock location
  (post_save/post_delete), a search re-index or a bulk stock recount;
- the listings': those edits, every stock change (lists show stock and filter on it) and
  every change of a product's rating (forget_product);
- each product's own, which its stock changes increment (catalog.stock announces each change
  after commit), and so do changes of its reviews (forget_product).
Lists and searches (API and pages, home included) are built under the listings' and catalog's
versions; a product's detail, inventory and page under the catalog's and the product's own.
So lists stay exact, `count` included (API.md), at the price of being recomputed after any
stock change; a product's answers are recomputed only when that product changes.
"""

from django.db import transaction

from catalog.models import Product
from core import answer_cache, page_cache

_CATALOG = "catalog:version"
_LISTINGS = "catalog:listing-version"
_LISTING_VERSIONS = (_LISTINGS, _CATALOG)


def _product_version_key(product_id: int) -> str:
    return f"catalog:product-version:{product_id}"


def product_versions(product_id: int) -> answer_cache.VersionKeys:
    """What a product's answers (detail, inventory, page, card) are built under."""
    return (_CATALOG, _product_version_key(product_id))


def _listing_answer(match) -> answer_cache.VersionKeys:
    return (_LISTINGS,)


def _product_answer(match) -> answer_cache.VersionKeys:
    return product_versions(int(match["product_id"]))


def declare_cached_api() -> None:
    """The product reads of API.md, served from the cache before DRF for visitors."""
    answer_cache.serve_before_views(r"^/api/products/?$", _listing_answer)
    answer_cache.serve_before_views(r"^/api/products/search/?$", _listing_answer)
    answer_cache.serve_before_views(r"^/api/products/(?P<product_id>\d+)/?$", _product_answer)
    answer_cache.serve_before_views(
        r"^/api/products/inventory/(?P<product_id>\d+)/?$", _product_answer
    )


def listing_page_versions(view_kwargs: dict) -> answer_cache.VersionKeys:
    """Home, category and search pages."""
    return _LISTING_VERSIONS


# Product pages are found by slug, their versions by id: each process remembers the ids it has
# seen, so a product page is one round trip too. A slug that moved to another product (an edit,
# which changes the catalog's version) is corrected by the page built next (product_page_shows).
_PRODUCT_IDS: dict[str, int] = {}
_PRODUCT_IDS_KEPT = 100_000  # a bound on memory: past it, the map starts again


def _remember(slug: str, product_id: int) -> None:
    if len(_PRODUCT_IDS) >= _PRODUCT_IDS_KEPT:
        _PRODUCT_IDS.clear()
    _PRODUCT_IDS[slug] = product_id


def product_page_versions(view_kwargs: dict) -> answer_cache.VersionKeys | None:
    """A product's page; None when no active product has that slug (a 404, not cached)."""
    slug = view_kwargs["slug"]
    product_id = _PRODUCT_IDS.get(slug)
    if product_id is None:
        product_id = Product.objects.active().filter(slug=slug).values_list("pk", flat=True).first()
        if product_id is None:
            return None
        _remember(slug, product_id)
    return product_versions(product_id)


def product_page_shows(request, product: Product) -> None:
    """Said by the product page once it has its product: the page is stored only under that
    product's versions."""
    _remember(product.slug, product.pk)
    page_cache.depends_on(request, *product_versions(product.pk))


def catalog_version() -> int | None:
    """The catalog's version now: a new number after any edit of its products, variants,
    images, categories, brands or locations (stock changes keep it). None: the cache is away."""
    return answer_cache.current_versions((_CATALOG,)).get(_CATALOG)


def _forget_everything() -> None:
    answer_cache.bump(_CATALOG, _LISTINGS)


def forget_catalog() -> None:
    """After an edit: every cached answer is computed afresh, once the edit has committed."""
    transaction.on_commit(_forget_everything)


def forget_stock_of(product_id: int) -> None:
    """After a stock change of a product has committed."""
    answer_cache.bump(_LISTINGS, _product_version_key(product_id))


def forget_product(product_id: int, *, listings: bool = True) -> None:
    """After a change of what a product's answers show besides stock and catalog edits (its
    reviews, rating and reviews_count): once it has committed, that product's answers, page and
    card are computed afresh, and with ``listings`` every list too (cards show the rating)."""

    def forget() -> None:
        product = _product_version_key(product_id)
        if listings:
            answer_cache.bump(_LISTINGS, product)
        else:
            answer_cache.bump(product)

    transaction.on_commit(forget)


def forget_on_edit(sender, **kwargs) -> None:
    """post_save/post_delete receiver for the catalog's models."""
    forget_catalog()


def forget_on_stock_change(sender, *, change, **kwargs) -> None:
    """stock_changed receiver."""
    forget_stock_of(change.product_id)
