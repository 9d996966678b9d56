"""Catalog reads that several callers share (API, pages, the sales agent)."""

from django.core.cache import cache
from django.db import transaction
from django.db.models import Case, CharField, F, Max, OuterRef, Subquery, Sum, Value, When
from django.db.models.fields.json import KT
from django.db.models.functions import Coalesce, NullIf
from django.utils.text import slugify

from catalog.models import (
    Brand,
    Category,
    Product,
    ProductImage,
    ProductVariant,
    StockLevel,
    StockLocation,
    picture_url,
    stock_status,
)

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


def facet_slug(kind: str, name: str) -> str | None:
    """The slug of the brand or category (``kind``: "brands", "categories") that a person calls
    ``name``: its name in any case ("Nike", "running shoes"), else the one whose slug it is."""
    wanted = name.strip()
    named = (facet["slug"] for facet in facets()[kind] if facet["name"].lower() == wanted.lower())
    slugged = (facet["slug"] for facet in facets()[kind] if facet["slug"] == slugify(wanted))
    return next(named, None) or next(slugged, None)


def forget_categories_and_brands(sender=None, **kwargs) -> None:
    """After a brand or category changes (a post_save/post_delete receiver): the tree, the
    facets and the header's list are read afresh once the change has committed."""
    from catalog.context_processors import NAV_KEY

    transaction.on_commit(lambda: cache.delete_many([_CATEGORY_TREE_KEY, _FACETS_KEY, NAV_KEY]))


def in_category(queryset, category_id: int):
    return queryset.filter(category_id__in=category_tree().get(category_id, [category_id]))


def active_products():
    return Product.objects.active().for_listing()


def active_product(product_id: int) -> Product | None:
    """One product for sale, with what its card needs; None when there is no such product."""
    return active_products().filter(pk=product_id).first()


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


def catalog_vocabulary() -> dict:
    """Every name the catalog uses, for recognising them in people's words (the sales agent):
    brands, categories (with their parent's name), colours and sizes of active products,
    stock locations, and each active product's name with its brand's and category's."""
    categories = {c["id"]: c for c in facets()["categories"]}
    variants = ProductVariant.objects.filter(product__is_active=True)
    return {
        "brands": [brand["name"] for brand in facets()["brands"]],
        "categories": [
            {
                "name": c["name"],
                "slug": c["slug"],
                "parent": categories[c["parent_id"]]["name"] if c["parent_id"] else None,
            }
            for c in categories.values()
        ],
        "colors": sorted(set(variants.exclude(color="").values_list("color", flat=True))),
        "sizes": sorted(set(variants.exclude(size="").values_list("size", flat=True))),
        "stores": [
            {
                "id": s.pk,
                "name": s.name,
                "city": s.city,
                "store": s.kind == StockLocation.Kind.STORE,
            }
            for s in StockLocation.objects.filter(is_active=True)
        ],
        "products": list(
            active_products().values(
                "id",
                "name",
                "price",
                brand_name=F("brand__name"),
                category_name=F("category__name"),
            )
        ),
    }


def departments() -> list[dict]:
    """The category tree as shoppers browse it: each top category with its subcategories'
    names."""
    categories = facets()["categories"]
    return [
        {
            "name": top["name"],
            "slug": top["slug"],
            "subcategories": [c["name"] for c in categories if c["parent_id"] == top["id"]],
        }
        for top in categories
        if top["parent_id"] is None
    ]


def nearest_categories(text: str, *, limit: int = 3) -> list[str]:
    """The categories whose names read most like ``text`` (a thing the shop may not sell)."""
    from rapidfuzz import fuzz, process

    names = [c["name"] for c in facets()["categories"]]
    found = process.extract(text, names, scorer=fuzz.WRatio, limit=limit, score_cutoff=60)
    return [name for name, _, _ in found]


def newest_product_id() -> int | None:
    return Product.objects.order_by("-pk").values_list("pk", flat=True).first()


def every_store(inventory: dict) -> list[dict]:
    """product_inventory's stores, with each active store that holds none of it at 0."""
    stocked = {s["location_id"]: s for s in inventory["stores"]}
    return [
        stocked.get(
            store.pk,
            {"location_id": store.pk, "name": store.name, "city": store.city, "quantity": 0},
        )
        for store in StockLocation.objects.filter(
            is_active=True, kind=StockLocation.Kind.STORE
        ).order_by("name")
    ]


def with_first_picture(queryset, product: str):
    """``queryset`` with the card-size picture of the product at ``product`` (a path from its
    rows, e.g. "variant__product") in the same query, as Product.pictures orders them (photos
    first); ``first_picture_url(row)`` gives its URL."""
    pictures = ProductImage.objects.filter(product=OuterRef(product)).order_by(
        Case(When(file="", then=Value(1)), default=Value(0)), "position", "id"
    )
    stored = pictures.annotate(
        name=Coalesce(KT("renditions__card"), NullIf("file", Value("")), output_field=CharField())
    )
    return queryset.annotate(
        first_picture_given=Subquery(pictures.values("url")[:1]),
        first_picture_stored=Subquery(stored.values("name")[:1]),
    )


def first_picture_url(row) -> str | None:
    """The URL of the picture ``with_first_picture`` read for ``row``; None when it has none."""
    url = picture_url(url=row.first_picture_given or "", name=row.first_picture_stored)
    return url or None
