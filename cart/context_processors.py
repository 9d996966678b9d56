from cart.services import item_count


def cart_count(request) -> dict:
    """The header's cart count (no query for a visitor without a cart)."""
    return {"cart_count": item_count(user=request.user, session=getattr(request, "session", None))}
