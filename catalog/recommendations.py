"""What to show beside a product: products like it and products that go with it."""

from decimal import Decimal

from catalog.models import Product
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


def like(product: Product, *, limit: int = LIKE_IT) -> list[Product]:
    """Products in stock of the same category and within 30% of its price, best rated first."""
    low, high = (product.price * share for share in NEAR_PRICE)
    return list(
        active_products()
        .filter(category=product.category, price__range=(low, high), stock__gt=0)
        .exclude(pk=product.pk)
        .order_by("-rating", "id")[:limit]
    )


def goes_with(product: Product, *, limit: int = GOES_WITH) -> list[Product]:
    """Products in stock from the categories that go with its category, best rated first."""
    return goes_with_category(product.category.name, limit=limit)


def goes_with_category(category: str, *, limit: int = GOES_WITH) -> list[Product]:
    """Products in stock from the categories that go with this one, best rated first."""
    return list(
        active_products()
        .filter(category__name__in=COMPLEMENTS.get(category, []), stock__gt=0)
        .order_by("-rating", "id")[:limit]
    )


def similar_products(product: Product) -> list[Product]:
    """Three products like it, then two that go with it."""
    return [*like(product), *goes_with(product)]
