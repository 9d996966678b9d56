from config.tasks import job
from orders import services as orders


@job("orders.tasks.release_reservations")
def release_reservations() -> dict:
    return {"released": orders.release_stale_orders()}
