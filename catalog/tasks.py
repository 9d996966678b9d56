from catalog import alerts, feeds
from config.tasks import job


@job("catalog.tasks.sync_inventory")
def sync_inventory() -> dict:
    run = feeds.sync_inventory()
    if run is None:
        return {"skipped": "no INVENTORY_FEED"}
    return {"run": run.pk, "applied": run.applied, "skipped": run.skipped, "failure": run.failure}


@job("catalog.tasks.low_stock_alerts")
def low_stock_alerts() -> dict:
    return alerts.check_low_stock()
