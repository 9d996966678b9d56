"""A small, explicit catalog for tests: products made the way the shop makes them."""

from decimal import Decimal
from itertools import count

from django.utils.text import slugify

from catalog import search, stock
from catalog.models import Brand, Category, Product, ProductVariant, StockLevel, StockLocation

_serial = count(1)


def location(name="Central Warehouse", kind="warehouse", city="Reno") -> StockLocation:
    return StockLocation.objects.get_or_create(name=name, defaults={"kind": kind, "city": city})[0]


def category(name: str, parent: Category | None = None) -> Category:
    return Category.objects.get_or_create(
        slug=slugify(name), defaults={"name": name, "parent": parent}
    )[0]


def brand(name: str) -> Brand:
    return Brand.objects.get_or_create(slug=slugify(name), defaults={"name": name})[0]


def product(
    name: str,
    *,
    brand_name: str = "Acme",
    category_name: str = "Gadgets",
    price: str = "10.00",
    rating: str = "4.0",
    variants=(("", "", 20),),
    is_active: bool = True,
    **fields,
) -> Product:
    """``variants``: (color, size, quantity) or (color, size, {location: quantity}) each."""
    made = Product.objects.create(
        name=name,
        slug=f"{slugify(name)}-{next(_serial)}",
        brand=brand(brand_name),
        category=fields.pop("category", None) or category(category_name),
        price=Decimal(price),
        rating=Decimal(rating),
        is_active=is_active,
        **fields,
    )
    levels = []
    for position, (color, size, stock_spec) in enumerate(variants):
        variant = ProductVariant.objects.create(
            product=made, sku=f"T-{made.pk}-{position}", color=color, size=size, position=position
        )
        spec = stock_spec if isinstance(stock_spec, dict) else {location(): stock_spec}
        levels += [
            StockLevel(variant=variant, location=loc, quantity=qty) for loc, qty in spec.items()
        ]
    stock.load_levels(levels)
    stock.recount_totals()
    search.index_products([made.pk])
    made.refresh_from_db()
    return made
