from celery import shared_task

from accounts import services
from core.jobs import TRANSIENT, daily, job


@shared_task(
    name="accounts.send_password_reset",
    autoretry_for=TRANSIENT,
    retry_backoff=True,
    ignore_result=True,  # see mail.tasks.deliver
)
def send_password_reset(email: str) -> None:
    # The result is not returned: a task result must not tell whether the address has an account.
    services.send_password_reset_mail(email=email)


@job("flush_expired_tokens", schedule=daily)
def flush_expired_tokens() -> dict:
    return {"tokens_flushed": services.flush_expired_tokens()}
