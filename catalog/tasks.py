from celery import shared_task

from catalog import alerts, feeds, photos
from core.jobs import TRANSIENT, every, job


@job("sync_inventory", schedule=every("INVENTORY_SYNC_EVERY_MINUTES"))
def sync_inventory() -> dict:
    run = feeds.sync_inventory()
    if run is None:
        return {"skipped": "no INVENTORY_FEED"}
    return {"run": run.pk, "applied": run.applied, "skipped": run.skipped, "failure": run.failure}


@job("low_stock_alerts", schedule=every("LOW_STOCK_ALERTS_EVERY_MINUTES"))
def low_stock_alerts() -> dict:
    return alerts.check_low_stock()


@shared_task(
    name="catalog.make_photo_renditions",
    autoretry_for=TRANSIENT,
    retry_backoff=True,
    max_retries=5,
    acks_late=True,
    reject_on_worker_lost=True,
    ignore_result=True,  # the image row holds the renditions; see mail.tasks.deliver
)
def make_photo_renditions(image_id: int) -> dict | None:
    return photos.make_renditions(image_id)
