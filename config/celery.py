"""The Celery app: configured from Django settings (CELERY_*), tasks found in each app's
tasks.py, and the beat schedule of the periodic jobs."""

import os

from celery import Celery
from celery.schedules import crontab

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

app = Celery("shop")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()


def every(minutes: int) -> crontab:
    if minutes < 60:
        return crontab(minute=f"*/{minutes}")
    return crontab(minute=0, hour=f"*/{minutes // 60}")


def beat_schedule(settings) -> dict:
    return {
        "cleanup": {
            "task": "chat.tasks.cleanup",
            "schedule": crontab(hour=settings.CLEANUP_AT_HOUR, minute=settings.CLEANUP_AT_MINUTE),
        },
        "sync-inventory": {
            "task": "catalog.tasks.sync_inventory",
            "schedule": every(settings.INVENTORY_SYNC_EVERY_MINUTES),
        },
        "low-stock-alerts": {
            "task": "catalog.tasks.low_stock_alerts",
            "schedule": every(settings.LOW_STOCK_ALERTS_EVERY_MINUTES),
        },
        "release-reservations": {
            "task": "orders.tasks.release_reservations",
            "schedule": every(settings.RELEASE_RESERVATIONS_EVERY_MINUTES),
        },
    }


@app.on_after_finalize.connect
def _schedule(sender, **kwargs):
    from django.conf import settings

    sender.conf.beat_schedule = beat_schedule(settings)
