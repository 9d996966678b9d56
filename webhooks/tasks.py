from celery import shared_task

from core.jobs import TRANSIENT, daily, every, job
from webhooks import services

RELIABLE = dict(
    bind=True,
    autoretry_for=TRANSIENT,
    retry_backoff=True,
    max_retries=5,
    acks_late=True,
    reject_on_worker_lost=True,
    ignore_result=True,  # the Delivery row holds the outcome; see mail.tasks.deliver
)


@shared_task(name="webhooks.dispatch", **RELIABLE)
def dispatch(self, event_id: str) -> int:
    """An event just committed: make its deliveries and send each from a task of its own."""
    delivery_ids = services.dispatch(event_id=event_id)
    for delivery_id in delivery_ids:
        deliver.delay(delivery_id)
    return len(delivery_ids)


@shared_task(name="webhooks.deliver", **RELIABLE)
def deliver(self, delivery_id: int) -> str:
    """One attempt; after a failure, the next at the backoff's time (run eagerly, there is
    no waiting: send_due_webhooks sends it when it is due)."""
    outcome = services.deliver(delivery_id=delivery_id)
    if outcome.retry_at is not None and not self.request.is_eager:
        deliver.apply_async((delivery_id,), eta=outcome.retry_at)
    return outcome.status


@job("send_due_webhooks", schedule=every("WEBHOOKS_RETRY_EVERY_MINUTES"))
def send_due_webhooks() -> dict:
    return services.send_due(send=deliver.delay)


@job("delete_old_webhook_events", schedule=daily)
def delete_old_webhook_events() -> int:
    return services.delete_old()
