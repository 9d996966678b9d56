"""Cart reads that callers outside the cart need (the sales agent)."""

from cart.models import Cart


def item_id_for_product(cart: Cart, product_id: int) -> int | None:
    """The id of the cart's (first) line holding this product, in whichever color or size."""
    return cart.items.filter(variant__product_id=product_id).values_list("pk", flat=True).first()


def item_id_described(cart: Cart, description: str) -> int | None:
    """The id of the cart's (first, newest first) line whose product's brand, category or
    colour words include every word of ``description`` ("Nike Hoodies", "Black")."""
    wanted = description.lower().split()
    lines = cart.items.select_related("variant__product__brand", "variant__product__category")
    for item in lines.order_by("-id"):
        product = item.variant.product
        words = f"{product.name} {product.brand} {product.category} {item.variant.color}".lower()
        if all(word in words for word in wanted):
            return item.pk
    return None


def only_item_id(cart: Cart) -> int | None:
    """The id of the cart's line when it has exactly one."""
    ids = list(cart.items.values_list("pk", flat=True)[:2])
    return ids[0] if len(ids) == 1 else None
