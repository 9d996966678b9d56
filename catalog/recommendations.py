"""What to show beside a product: products like it and products that go with it."""

from decimal import Decimal

from catalog.models import Product, rating_order
from catalog.queries import active_products

# What goes with what, by category name, for "what goes with it?".
COMPLEMENTS = {
    "Running Shoes": ["Running Shorts", "Water Bottles"],
    "Trail Shoes": ["Backpacks", "Jackets"],
    "Sneakers": ["T-Shirts", "Hoodies"],
    "T-Shirts": ["Sneakers"],
    "Hoodies": ["Sneakers", "Backpacks"],
    "Jackets": ["Backpacks", "Trail Shoes"],
    "Running Shorts": ["Running Shoes", "Smartwatches"],
    "Headphones": ["Smartwatches", "Speakers"],
    "Smartwatches": ["Running Shoes", "Headphones"],
    "Laptops": ["Backpacks", "Headphones"],
    "Speakers": ["Headphones"],
    "Backpacks": ["Water Bottles", "Jackets"],
    "Water Bottles": ["Backpacks"],
}
LIKE_IT, GOES_WITH = 3, 2
NEAR_PRICE = (Decimal("0.7"), Decimal("1.3"))


def like(
    product: Product, *, limit: int = LIKE_IT, max_price: Decimal | None = None
) -> list[Product]:
    """Products in stock of the same category and within 30% of its price (and at most
    ``max_price``), best rated first."""
    low, high = (product.price * share for share in NEAR_PRICE)
    if max_price is not None:
        high = min(high, max_price)
    return list(
        active_products()
        .filter(category=product.category, price__range=(low, high), stock__gt=0)
        .exclude(pk=product.pk)
        .order_by(rating_order(), "id")[:limit]
    )


def goes_with(
    product: Product, *, limit: int = GOES_WITH, max_price: Decimal | None = None
) -> list[Product]:
    """Products in stock from the categories that go with its category, best rated first."""
    return goes_with_category(product.category.name, limit=limit, max_price=max_price)


def goes_with_category(
    category: str, *, limit: int = GOES_WITH, max_price: Decimal | None = None
) -> list[Product]:
    """Products in stock (at most ``max_price``) from the categories that go with this one,
    best rated first."""
    found = active_products().filter(category__name__in=COMPLEMENTS.get(category, []), stock__gt=0)
    if max_price is not None:
        found = found.filter(price__lte=max_price)
    return list(found.order_by(rating_order(), "id")[:limit])


def similar_products(product: Product, *, max_price: Decimal | None = None) -> list[Product]:
    """Three products like it, then two that go with it."""
    return [*like(product, max_price=max_price), *goes_with(product, max_price=max_price)]
