"""The periodic jobs by name, for `manage.py run_job NAME` and the admin's "run now"."""

from django.utils.module_loading import import_string

JOBS = {
    "cleanup": "chat.tasks.cleanup",
    "sync_inventory": "catalog.tasks.sync_inventory",
    "low_stock_alerts": "catalog.tasks.low_stock_alerts",
    "release_reservations": "orders.tasks.release_reservations",
}


def run_now(name: str):
    """Run a job here and now (not through a worker) and return what it returned."""
    task = import_string(JOBS[name])
    return task.apply(throw=True).get()
