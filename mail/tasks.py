from celery import shared_task
from django.conf import settings

from core.jobs import TRANSIENT, every, job
from mail import services


@shared_task(
    name="mail.deliver",
    bind=True,
    autoretry_for=TRANSIENT,
    retry_backoff=True,
    max_retries=None,
    acks_late=True,
    reject_on_worker_lost=True,
    # Nobody waits for the outcome (the row holds it): with a result, each call from a request
    # would also subscribe to the result's channel in Redis, and the worker store it.
    ignore_result=True,
)
def deliver(self, key: str) -> str:
    """Send one queued mail; when the mail server fails, try again later with a growing wait
    (run eagerly, the caller doesn't wait: send_queued_mail tries again)."""
    try:
        return services.deliver(key=key)
    except services.MailNotSent as exc:
        if exc.gave_up or self.request.is_eager:
            return "not_sent"
        wait = min(settings.MAIL_RETRY_MAX_SECONDS, 10 * 2**self.request.retries)
        raise self.retry(exc=exc, countdown=wait, max_retries=settings.MAIL_MAX_ATTEMPTS) from exc


@job("send_queued_mail", schedule=every("MAIL_RETRY_EVERY_MINUTES"))
def send_queued_mail() -> dict:
    return services.send_queued()
