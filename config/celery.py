"""The Celery app: configured from Django settings (CELERY_*), tasks found in each app's
tasks.py, and the beat schedule read from the job registry (core.jobs)."""

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

app = Celery("shop")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()


@app.on_after_finalize.connect
def _schedule(sender, **kwargs):
    from django.conf import settings

    from core.jobs import beat_schedule

    sender.conf.beat_schedule = beat_schedule(settings)
