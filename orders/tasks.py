from core.jobs import every, job
from orders import placing


@job("release_stale_orders", schedule=every("RELEASE_RESERVATIONS_EVERY_MINUTES"))
def release_stale_orders() -> dict:
    """Orders left pending_payment past their window, settled by the gateway's records."""
    return {"orders_released": placing.release_stale_orders()}
