from django.conf import settings

from accounts import services as accounts
from cart import services as cart
from chat import services as chat
from config.tasks import job
from orders import services as orders


@job("chat.tasks.cleanup")
def cleanup() -> dict:
    """The daily tidy-up (chat is the app that may call every other app's services): unpaid
    orders past their window, abandoned carts, expired tokens, idle chat sessions."""
    return {
        "orders_released": orders.release_stale_orders(),
        "carts_deleted": cart.delete_abandoned_carts(
            empty_days=settings.EMPTY_CART_DAYS, anonymous_days=settings.ANONYMOUS_CART_DAYS
        ),
        "tokens_flushed": accounts.flush_expired_tokens(),
        **chat.close_idle_sessions(
            idle_days=settings.CHAT_IDLE_DAYS, purge_messages=settings.CHAT_PURGE_MESSAGES
        ),
    }
