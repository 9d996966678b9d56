"""Catalog reads that several callers share (API, pages, the sales agent)."""

from django.core.cache import cache
from django.db import transaction
from django.db.models import Max, Sum

from catalog.models import Brand, Category, Product, StockLevel, StockLocation, stock_status

_CATEGORY_TREE_KEY = "catalog:category-tree"
_FACETS_KEY = "catalog:facets"


def category_tree() -> dict[int, list[int]]:
    """{category id: ids of it and every category below it}; cached, categories change rarely."""
    tree = cache.get(_CATEGORY_TREE_KEY)
    if tree is None:
        children: dict[int | None, list[int]] = {}
        for pk, parent_id in Category.objects.values_list("pk", "parent_id"):
            children.setdefault(parent_id, []).append(pk)

        def below(pk: int) -> list[int]:
            return [pk, *(c for child in children.get(pk, []) for c in below(child))]

        tree = {pk: below(pk) for ids in children.values() for pk in ids}
        cache.set(_CATEGORY_TREE_KEY, tree, timeout=300)
    return tree


def facets() -> dict[str, list[dict]]:
    """Every brand and category ({id, name, slug}, and a category's parent_id): the list
    filters' choices and the pages' menus; cached until one of them changes."""
    found = cache.get(_FACETS_KEY)
    if found is None:
        found = {
            "brands": list(Brand.objects.values("id", "name", "slug")),
            "categories": list(Category.objects.values("id", "name", "slug", "parent_id")),
        }
        cache.set(_FACETS_KEY, found, timeout=300)
    return found


def facet_id(kind: str, slug: str) -> int | None:
    """The id of the brand or category (``kind``: "brands", "categories") with this slug."""
    return next((facet["id"] for facet in facets()[kind] if facet["slug"] == slug), None)


def forget_categories_and_brands(sender=None, **kwargs) -> None:
    """After a brand or category changes (a post_save/post_delete receiver): the tree, the
    facets and the header's list are read afresh once the change has committed."""
    from catalog.context_processors import NAV_KEY

    transaction.on_commit(lambda: cache.delete_many([_CATEGORY_TREE_KEY, _FACETS_KEY, NAV_KEY]))


def in_category(queryset, category_id: int):
    return queryset.filter(category_id__in=category_tree().get(category_id, [category_id]))


def active_products():
    return Product.objects.active().for_listing()


def product_inventory(product: Product, *, variant_id: int | None = None) -> dict:
    """Stock of a product (or one of its variants) by location: warehouses and stores."""
    levels = StockLevel.objects.filter(variant__product=product)
    if variant_id is not None:
        levels = levels.filter(variant_id=variant_id)
    by_location = {
        row["location"]: row
        for row in levels.values("location").annotate(
            quantity=Sum("quantity"), updated_at=Max("updated_at")
        )
    }
    warehouses, stores, total, updated_at = [], [], 0, None
    for location in StockLocation.objects.filter(pk__in=by_location, is_active=True):
        row = by_location[location.pk]
        entry = {
            "location_id": location.pk,
            "name": location.name,
            "city": location.city,
            "quantity": row["quantity"],
        }
        (warehouses if location.kind == StockLocation.Kind.WAREHOUSE else stores).append(entry)
        total += row["quantity"]
        updated_at = max(filter(None, [updated_at, row["updated_at"]]), default=None)
    return {
        "product_id": product.pk,
        "variant_id": variant_id,
        "warehouse": {"quantity": sum(w["quantity"] for w in warehouses), "locations": warehouses},
        "stores": stores,
        "total_available": total,
        "stock_status": stock_status(total),
        "updated_at": updated_at or product.updated_at,
    }
