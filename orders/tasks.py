from django.conf import settings

from accounts import services as accounts
from cart import services as cart
from config.tasks import job
from orders import services as orders


@job("orders.tasks.release_reservations")
def release_reservations() -> dict:
    return {"released": orders.release_stale_orders()}


@job("orders.tasks.cleanup")
def cleanup() -> dict:
    """The daily tidy-up: unpaid orders past their window, abandoned carts, expired tokens."""
    return {
        "orders_released": orders.release_stale_orders(),
        "carts_deleted": cart.delete_abandoned_carts(
            empty_days=settings.EMPTY_CART_DAYS, anonymous_days=settings.ANONYMOUS_CART_DAYS
        ),
        "tokens_flushed": accounts.flush_expired_tokens(),
    }
