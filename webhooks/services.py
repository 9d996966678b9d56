"""Webhooks: staff's endpoints, events written in the transaction of the change they tell of,
and their signed deliveries after commit, retried with backoff, logged attempt by attempt.

An event nobody listens to costs nothing but a look at the cached map of who listens to what
(one indexed query when that map isn't cached). An endpoint whose deliveries fail
WEBHOOKS_DISABLE_AFTER_FAILURES times in a row (each after all its retries) is disabled, and
staff get a mail saying so.
"""

import hashlib
import hmac
import json
import secrets
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta

import structlog
from django.conf import settings
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from accounts.models import User
from core.errors import APIError
from mail import services as mail
from webhooks import network
from webhooks.models import EVENTS, Attempt, Delivery, Endpoint, Event

log = structlog.get_logger(__name__)

Status = Delivery.Status
OPEN = (Status.PENDING, Status.RETRYING)
SUBSCRIPTIONS_KEY = "webhooks:subscriptions"
SUBSCRIPTIONS_SECONDS = 300  # a safety net: every change of an endpoint forgets the map
LOST_AFTER = timedelta(minutes=1)  # an event not fanned out by then lost its task
MIN_SECRET_LENGTH = 16
ENDPOINT_DISABLED = "webhook_endpoint_disabled"


class EndpointNotFound(APIError):
    status_code = 404
    default_code = "not_found"
    default_detail = "No such webhook endpoint."


class DeliveryNotFound(APIError):
    status_code = 404
    default_code = "not_found"
    default_detail = "No such delivery for this endpoint."


class EndpointDisabled(APIError):
    status_code = 409
    default_code = "endpoint_disabled"
    default_detail = "The endpoint is disabled: enable it before resending its deliveries."


# Endpoints


def new_secret() -> str:
    return f"whsec_{secrets.token_urlsafe(32)}"


def check_events(events) -> list[str]:
    """``events`` without repeats, or a ValidationError naming the known ones."""
    if not isinstance(events, (list, tuple)) or not all(isinstance(e, str) for e in events):
        raise ValidationError({"events": [f"A list of event names: {', '.join(EVENTS)}."]})
    unknown = sorted(set(events) - set(EVENTS))
    if unknown:
        raise ValidationError(
            {"events": [f"Unknown events: {', '.join(unknown)}. Known: {', '.join(EVENTS)}."]}
        )
    if not events:
        raise ValidationError({"events": [f"Choose at least one of {', '.join(EVENTS)}."]})
    return list(dict.fromkeys(events))


def check_secret(secret: str) -> str:
    secret = secret.strip()
    if not MIN_SECRET_LENGTH <= len(secret) <= 200 or any(c.isspace() for c in secret):
        raise ValidationError(
            {"secret": [f"From {MIN_SECRET_LENGTH} to 200 characters, with no spaces."]}
        )
    return secret


def checked(**fields) -> dict:
    """The fields given (not None), checked; every bad one named in one ValidationError. The
    URL's host is resolved here, before any transaction starts."""
    checks = {"url": network.check_url, "events": check_events, "secret": check_secret}
    cleaned, errors = {}, {}
    for field, value in fields.items():
        if value is None:
            continue
        try:
            cleaned[field] = checks[field](value)
        except ValidationError as exc:
            errors.update(exc.message_dict)
    if errors:
        raise ValidationError(errors)
    return cleaned


def create_endpoint(
    *,
    url: str,
    events: list[str],
    secret: str | None = None,
    description: str = "",
    created_by: User | None = None,
) -> tuple[Endpoint, str]:
    """A new endpoint and its secret (generated unless given): the one time it is shown."""
    cleaned = checked(url=url, events=events, secret=secret or None)
    endpoint = Endpoint.objects.create(
        url=cleaned["url"],
        events=cleaned["events"],
        secret=cleaned.get("secret") or new_secret(),
        description=description[:200],
        created_by=created_by,
    )
    log.info("webhook_endpoint_created", endpoint_id=endpoint.pk, events=endpoint.events)
    return endpoint, endpoint.secret


def update_endpoint(
    *,
    endpoint_id: int,
    url: str | None = None,
    events: list[str] | None = None,
    description: str | None = None,
    is_active: bool | None = None,
) -> Endpoint:
    """Change what is given. Enabling a disabled endpoint starts its count of failures afresh
    (its failed deliveries can then be resent)."""
    cleaned = checked(url=url, events=events)
    with transaction.atomic():
        endpoint = Endpoint.objects.select_for_update().filter(pk=endpoint_id).first()
        if endpoint is None:
            raise EndpointNotFound()
        for field, value in cleaned.items():
            setattr(endpoint, field, value)
        if description is not None:
            endpoint.description = description[:200]
        if is_active and not endpoint.is_active:
            endpoint.is_active, endpoint.consecutive_failures = True, 0
            endpoint.disabled_reason, endpoint.disabled_at = "", None
        elif is_active is False and endpoint.is_active:
            endpoint.is_active, endpoint.disabled_reason = False, "Disabled by staff."
            endpoint.disabled_at = timezone.now()
        endpoint.save()
    return endpoint


def delete_endpoint(*, endpoint_id: int) -> None:
    """The endpoint and its delivery log."""
    deleted, _ = Endpoint.objects.filter(pk=endpoint_id).delete()
    if not deleted:
        raise EndpointNotFound()


def roll_secret(*, endpoint_id: int) -> str:
    """A new secret for the endpoint, returned this once; the old one signs nothing more."""
    secret = new_secret()
    if not Endpoint.objects.filter(pk=endpoint_id).update(secret=secret, updated_at=timezone.now()):
        raise EndpointNotFound()
    return secret


# Who listens to what


def subscriptions() -> dict[str, list[int]]:
    """Event name -> the active endpoints subscribed, from the cache when it has them."""
    found = cache.get(SUBSCRIPTIONS_KEY)
    if found is None:
        found = {}
        for pk, events in Endpoint.objects.filter(is_active=True).values_list("pk", "events"):
            for name in events:
                found.setdefault(name, []).append(pk)
        cache.set(SUBSCRIPTIONS_KEY, found, SUBSCRIPTIONS_SECONDS)
    return found


def forget_subscriptions(**kwargs) -> None:
    """Endpoint's post_save and post_delete receiver: now, and again once the change commits
    (a reader meanwhile may have cached the map as it was before)."""
    cache.delete(SUBSCRIPTIONS_KEY)
    transaction.on_commit(lambda: cache.delete(SUBSCRIPTIONS_KEY), robust=True)


# Events


def emit(*, event: str, data: Callable[[], dict], listening: dict | None = None) -> str | None:
    """Write the event ``event`` in the current transaction and fan it out once that commits,
    when an endpoint listens to it; ``data`` is called only then. Returns the event's id."""
    if event not in EVENTS:
        raise ValueError(f"Unknown webhook event {event!r}.")
    if not (subscriptions() if listening is None else listening).get(event):
        return None
    row = Event.objects.create(id=f"evt_{uuid.uuid4().hex}", name=event, data=data())
    # robust: a broker that is down must not fail the change that already committed; the
    # event waits for send_due_webhooks.
    transaction.on_commit(lambda: _hand_to_worker(row.id), robust=True)
    return row.id


def _hand_to_worker(event_id: str) -> None:
    from webhooks.tasks import dispatch

    dispatch.delay(event_id)


def dispatch(*, event_id: str) -> list[int]:
    """The event's deliveries, one per active endpoint subscribed to it (made once, however
    often this runs). Returns the ids of those still to send."""
    with transaction.atomic():
        event = Event.objects.select_for_update().filter(pk=event_id).first()
        if event is None:
            return []
        if event.dispatched_at is None:
            endpoints = Endpoint.objects.filter(is_active=True, created_at__lte=event.created_at)
            Delivery.objects.bulk_create(
                [
                    Delivery(event=event, endpoint=endpoint, next_attempt_at=event.created_at)
                    for endpoint in endpoints
                    if event.name in endpoint.events
                ],
                ignore_conflicts=True,
            )
            event.dispatched_at = timezone.now()
            event.save(update_fields=["dispatched_at"])
    return list(event.deliveries.filter(status__in=OPEN).values_list("pk", flat=True))


# Sending


def signature(*, secret: str, event_id: str, timestamp: str, body: bytes) -> str:
    """API.md's Webhook-Signature: hex HMAC-SHA256 of "{id}.{timestamp}.{body}"."""
    signed = f"{event_id}.{timestamp}.".encode() + body
    return "v1=" + hmac.new(secret.encode(), signed, hashlib.sha256).hexdigest()


def request_of(event: Event, secret: str, *, timestamp: int) -> tuple[bytes, dict[str, str]]:
    """The body and headers of the POST that delivers ``event``."""
    body = json.dumps(event.payload(), separators=(",", ":")).encode()
    stamp = str(timestamp)
    return body, {
        "Content-Type": "application/json",
        "User-Agent": f"{settings.SHOP_NAME}-Webhooks/1.0",
        "Webhook-Id": event.id,
        "Webhook-Timestamp": stamp,
        "Webhook-Signature": signature(
            secret=secret, event_id=event.id, timestamp=stamp, body=body
        ),
    }


@dataclass(frozen=True)
class Outcome:
    status: str  # the delivery's, or "not_due" when there was nothing to do
    retry_at: datetime | None = None


def deliver(*, delivery_id: int, now: datetime | None = None) -> Outcome:
    """Try the delivery once if it is due (``now``: the clock, for tests). No transaction or
    lock is held while the receiver answers: the delivery is claimed first, by pushing its
    due time past the attempt's end, so no other worker sends it meanwhile."""
    now = now or timezone.now()
    lease = now + timedelta(seconds=settings.WEBHOOKS_TIMEOUT_SECONDS + 60)
    claimed = Delivery.objects.filter(
        pk=delivery_id, status__in=OPEN, next_attempt_at__lte=now
    ).update(next_attempt_at=lease, updated_at=now)
    if not claimed:
        return Outcome("not_due")  # done, not due yet, or another worker has it
    delivery = Delivery.objects.select_related("event", "endpoint").get(pk=delivery_id)
    endpoint = delivery.endpoint
    if not endpoint.is_active:
        delivery.status, delivery.next_attempt_at = Status.FAILED, None
        delivery.last_error = "The endpoint is disabled."
        delivery.save(update_fields=["status", "next_attempt_at", "last_error", "updated_at"])
        return Outcome(delivery.status)
    body, headers = request_of(delivery.event, endpoint.secret, timestamp=int(time.time()))
    answer = network.post(
        endpoint.url, body=body, headers=headers, timeout=settings.WEBHOOKS_TIMEOUT_SECONDS
    )
    return _record(delivery, answer, at=now)


@transaction.atomic
def _record(delivery: Delivery, answer: network.Answer, *, at: datetime) -> Outcome:
    """Log the attempt and decide what follows: done, a retry after the next wait, or given
    up on, which may disable the endpoint."""
    Attempt.objects.create(
        delivery=delivery,
        at=at,
        status_code=answer.status_code,
        duration_ms=answer.duration_ms,
        response_excerpt=answer.excerpt,
        error=answer.error,
    )
    delays = settings.WEBHOOKS_RETRY_DELAYS_SECONDS
    delivery.attempts += 1
    delivery.last_status_code = answer.status_code
    delivery.last_error = answer.error or ("" if answer.succeeded else f"HTTP {answer.status_code}")
    endpoint = Endpoint.objects.select_for_update().get(pk=delivery.endpoint_id)
    if answer.succeeded:
        delivery.status, delivery.next_attempt_at, delivery.delivered_at = (
            Status.SUCCEEDED,
            None,
            at,
        )
        if endpoint.consecutive_failures:
            endpoint.consecutive_failures = 0
            endpoint.save(update_fields=["consecutive_failures"])
    elif delivery.attempts <= len(delays):
        delivery.status = Status.RETRYING
        delivery.next_attempt_at = at + timedelta(seconds=delays[delivery.attempts - 1])
    else:
        delivery.status, delivery.next_attempt_at = Status.FAILED, None
        endpoint.consecutive_failures += 1
        endpoint.save(update_fields=["consecutive_failures"])
        if (
            endpoint.is_active
            and endpoint.consecutive_failures >= settings.WEBHOOKS_DISABLE_AFTER_FAILURES
        ):
            _disable(endpoint, last_error=delivery.last_error, at=at)
    delivery.save()
    log.info(
        "webhook_delivery",
        delivery_id=delivery.pk,
        event_id=delivery.event_id,
        endpoint_id=delivery.endpoint_id,
        status=delivery.status,
        status_code=answer.status_code,
        attempts=delivery.attempts,
        duration_ms=answer.duration_ms,
        error=answer.error,
    )
    return Outcome(delivery.status, delivery.next_attempt_at)


def _disable(endpoint: Endpoint, *, last_error: str, at: datetime) -> None:
    """Stop sending to the endpoint: its open deliveries fail (staff may resend them once it is
    enabled again) and every staff member is mailed."""
    endpoint.is_active, endpoint.disabled_at = False, at
    endpoint.disabled_reason = (
        f"{endpoint.consecutive_failures} deliveries in a row failed; the last: {last_error}"
    )[:300]
    endpoint.save(update_fields=["is_active", "disabled_at", "disabled_reason", "updated_at"])
    endpoint.deliveries.filter(status__in=OPEN).update(
        status=Status.FAILED, next_attempt_at=None, last_error="The endpoint was disabled."
    )
    staff = User.objects.filter(is_staff=True, is_active=True).exclude(email="")
    for user_id in staff.values_list("pk", flat=True):
        mail.queue(
            event=ENDPOINT_DISABLED,
            user=user_id,
            about=endpoint,
            once=f"{at.timestamp():.0f}:{user_id}",
            data={"url": endpoint.url, "reason": endpoint.disabled_reason},
        )
    log.warning("webhook_endpoint_disabled", endpoint_id=endpoint.pk, reason=last_error)


def send_due(*, now: datetime | None = None, send: Callable[[int], object] | None = None) -> dict:
    """Fan out events whose task was lost, then send the deliveries that are due: retries, and
    those whose task was lost. ``send`` hands one delivery on (a worker's task); by default
    it is sent here, at ``now``."""
    now = now or timezone.now()
    send = send or (lambda pk: deliver(delivery_id=pk, now=now))
    lost = Event.objects.filter(dispatched_at=None, created_at__lte=now - LOST_AFTER)
    for event_id in list(lost.values_list("pk", flat=True)[:500]):
        dispatch(event_id=event_id)
    due = Delivery.objects.filter(status__in=OPEN, next_attempt_at__lte=now).order_by(
        "next_attempt_at"
    )
    ids = list(due.values_list("pk", flat=True)[:500])
    for pk in ids:
        send(pk)
    return {"due": len(ids)}


def resend(*, delivery_ids: list[int]) -> dict:
    """Send these deliveries again, whatever became of them, with a fresh round of retries
    (their log keeps every earlier attempt). Those of disabled endpoints are skipped."""
    now = timezone.now()
    chosen = Delivery.objects.filter(pk__in=delivery_ids)
    skipped = chosen.filter(endpoint__is_active=False).count()
    ids = list(chosen.filter(endpoint__is_active=True).values_list("pk", flat=True))
    Delivery.objects.filter(pk__in=ids).update(
        status=Status.PENDING, attempts=0, next_attempt_at=now, updated_at=now
    )
    for pk in ids:
        transaction.on_commit(lambda pk=pk: _send_later(pk), robust=True)
    return {"resent": len(ids), "skipped": skipped}


def resend_one(*, endpoint_id: int, delivery_id: int) -> None:
    found = (
        Delivery.objects.select_related("endpoint")
        .filter(pk=delivery_id, endpoint_id=endpoint_id)
        .first()
    )
    if found is None:
        raise DeliveryNotFound()
    if not found.endpoint.is_active:
        raise EndpointDisabled()
    resend(delivery_ids=[found.pk])


def _send_later(delivery_id: int) -> None:
    from webhooks.tasks import deliver as deliver_task

    deliver_task.delay(delivery_id)


def delete_old(*, days: int | None = None) -> int:
    """Events older than WEBHOOKS_KEEP_DAYS with nothing left to send, with their log."""
    days = settings.WEBHOOKS_KEEP_DAYS if days is None else days
    old = Event.objects.filter(created_at__lt=timezone.now() - timedelta(days=days))
    deleted, _ = old.exclude(deliveries__status__in=OPEN).delete()
    return deleted
