from django.apps import AppConfig
from django.contrib.auth.signals import user_logged_in


class CartConfig(AppConfig):
    name = "cart"
    verbose_name = "Cart"

    def ready(self):
        from cart.context_processors import items_in_cart
        from core import page_cache

        user_logged_in.connect(_adopt_visitor_cart, dispatch_uid="cart-adopt-visitor-cart")
        # Pages cached for visitors show each one their own count.
        page_cache.hole("cart_count", items_in_cart)


def _adopt_visitor_cart(sender, request, user, **kwargs):
    """A visitor who signs in keeps what they put in the cart."""
    from cart.services import adopt_visitor_cart

    if request is not None and hasattr(request, "session"):
        adopt_visitor_cart(user=user, session=request.session)
