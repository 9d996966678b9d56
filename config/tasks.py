"""What every periodic job shares: retried with backoff on transient errors, logged with its
task id. The jobs' work is done by app services, each idempotent (safe to run twice)."""

import redis
import structlog
from celery import shared_task
from django.db import InterfaceError, OperationalError

TRANSIENT = (OperationalError, InterfaceError, redis.exceptions.ConnectionError, ConnectionError, TimeoutError)


def job(name: str):
    """shared_task with the shop's retry policy, logging start, outcome and failure."""

    def decorate(work):
        @shared_task(
            name=name, bind=True, autoretry_for=TRANSIENT, retry_backoff=True, retry_backoff_max=600,
            retry_jitter=True, max_retries=5, acks_late=True, reject_on_worker_lost=True,
        )
        def run(self, *args, **kwargs):
            log = structlog.get_logger(name).bind(task_id=self.request.id, task=name)
            log.info("job_started")
            try:
                result = work(*args, **kwargs)
            except Exception:
                log.exception("job_failed", retries=self.request.retries)
                raise
            log.info("job_finished", result=result)
            return result

        return run

    return decorate
