"""The periodic jobs: each app declares its own in its tasks.py with ``@job``, and this registry
is what beat (config/celery.py), ``manage.py run_job`` and the admin's "Run now" read.

Every job is a Celery task with the shop's retry policy, logged with its task id; its work is
done by the app's services, each idempotent (safe to run twice, as a retried or re-delivered
task may)."""

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import redis
import structlog
from celery import shared_task
from celery.schedules import crontab
from django.apps import apps
from django.db import InterfaceError, OperationalError

TRANSIENT = (
    OperationalError,
    InterfaceError,
    redis.exceptions.ConnectionError,
    ConnectionError,
    TimeoutError,
)

Schedule = Callable[[Any], crontab]  # settings -> when beat runs the job


@dataclass(frozen=True)
class Job:
    name: str
    task: Any  # the Celery task
    schedule: Schedule
    app_label: str

    @property
    def label(self) -> str:
        return self.name.replace("_", " ")


_jobs: dict[str, Job] = {}


def every(setting: str) -> Schedule:
    """Every N minutes, N read from the named setting at schedule time."""

    def schedule(settings) -> crontab:
        minutes = getattr(settings, setting)
        if minutes < 60:
            return crontab(minute=f"*/{minutes}")
        return crontab(minute=0, hour=f"*/{minutes // 60}")

    return schedule


def daily(settings) -> crontab:
    """The nightly clean-up window (CLEANUP_AT_HOUR:CLEANUP_AT_MINUTE)."""
    return crontab(hour=settings.CLEANUP_AT_HOUR, minute=settings.CLEANUP_AT_MINUTE)


def job(name: str, *, schedule: Schedule):
    """Declare ``work`` a periodic job called ``name``: a shared_task with the shop's retry
    policy, logging its start, outcome and failure, registered for beat and "run now"."""

    def decorate(work):
        task_name = f"{work.__module__}.{work.__name__}"

        @shared_task(
            name=task_name,
            bind=True,
            autoretry_for=TRANSIENT,
            retry_backoff=True,
            retry_backoff_max=600,
            retry_jitter=True,
            max_retries=5,
            acks_late=True,
            reject_on_worker_lost=True,
        )
        def run(self, *args, **kwargs):
            log = structlog.get_logger(task_name).bind(task_id=self.request.id, task=task_name)
            log.info("job_started")
            try:
                result = work(*args, **kwargs)
            except Exception:
                log.exception("job_failed", retries=self.request.retries)
                raise
            log.info("job_finished", result=result)
            return result

        app = apps.get_containing_app_config(work.__module__)
        if name in _jobs and _jobs[name].task.name != task_name:
            raise ValueError(f"Two periodic jobs are called {name!r}.")
        _jobs[name] = Job(name=name, task=run, schedule=schedule, app_label=app.label)
        return run

    return decorate


def all_jobs(app_label: str | None = None) -> list[Job]:
    """The registered jobs in INSTALLED_APPS order (then in the order each app declares them),
    or only one app's."""
    order = {config.label: n for n, config in enumerate(apps.get_app_configs())}
    found = [j for j in _jobs.values() if app_label in (None, j.app_label)]
    return sorted(found, key=lambda j: order[j.app_label])  # stable: declaration order kept


def get_job(name: str) -> Job | None:
    return _jobs.get(name)


def run_now(name: str):
    """Run a job here and now (not through a worker) and return what it returned."""
    # The result is already here (apply ran it): reading it blocks nothing, whatever Celery's
    # process-wide "inside a task" flag says after eager tasks ran in several threads at once.
    return _jobs[name].task.apply(throw=True).get(disable_sync_subtasks=False)


def beat_schedule(settings) -> dict:
    return {j.name: {"task": j.task.name, "schedule": j.schedule(settings)} for j in all_jobs()}
