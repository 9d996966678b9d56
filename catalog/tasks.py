from catalog import alerts, feeds
from core.jobs import every, job


@job("sync_inventory", schedule=every("INVENTORY_SYNC_EVERY_MINUTES"))
def sync_inventory() -> dict:
    run = feeds.sync_inventory()
    if run is None:
        return {"skipped": "no INVENTORY_FEED"}
    return {"run": run.pk, "applied": run.applied, "skipped": run.skipped, "failure": run.failure}


@job("low_stock_alerts", schedule=every("LOW_STOCK_ALERTS_EVERY_MINUTES"))
def low_stock_alerts() -> dict:
    return alerts.check_low_stock()
