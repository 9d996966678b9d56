from cart.services import item_count


def items_in_cart(request) -> int:
    """The header's cart count (no query for a visitor without a cart)."""
    return item_count(user=request.user, session=getattr(request, "session", None))


def cart_count(request) -> dict:
    return {"cart_count": items_in_cart(request)}
