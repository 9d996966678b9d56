from django.conf import settings

from cart import services
from core.jobs import daily, job


@job("delete_abandoned_carts", schedule=daily)
def delete_abandoned_carts() -> dict:
    deleted = services.delete_abandoned_carts(
        empty_days=settings.EMPTY_CART_DAYS, anonymous_days=settings.ANONYMOUS_CART_DAYS
    )
    return {"carts_deleted": deleted}
