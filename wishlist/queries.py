"""Wishlist reads that the API and the Saved page share."""

from catalog.cards import cards
from catalog.models import Product
from catalog.queries import active_products
from wishlist.models import WishlistItem


def entries_of(user) -> list[dict]:
    """The user's saved products, newest first, as the API shows them: {id, product (its card, as
    in the product list), variant_id, added_at}. Products taken off sale are left out."""
    items = list(
        WishlistItem.objects.filter(user=user).only("id", "product_id", "variant_id", "added_at")
    )
    shown = cards(list(dict.fromkeys(item.product_id for item in items)))
    return [entry(item, shown[item.product_id]) for item in items if item.product_id in shown]


def entry(item: WishlistItem, card: dict | None = None) -> dict:
    if card is None:
        card = cards([item.product_id])[item.product_id]
    return {
        "id": item.pk,
        "product": card,
        "variant_id": item.variant_id,
        "added_at": item.added_at,
    }


def saved_products(user) -> list[tuple[WishlistItem, Product]]:
    """For the Saved page: each entry with its product loaded as a product card needs it."""
    items = list(WishlistItem.objects.filter(user=user).select_related("variant"))
    products = active_products().in_bulk({item.product_id for item in items})
    return [(item, products[item.product_id]) for item in items if item.product_id in products]
