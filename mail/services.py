"""The outbox: queue a mail in the caller's transaction, send it after commit, retry it when
the mail server fails, and the user's choices of what to receive."""

import smtplib
import uuid
from datetime import timedelta

import structlog
from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.core.mail import EmailMultiAlternatives
from django.db import models, transaction
from django.template.loader import render_to_string
from django.utils import timezone

from core.sql import insert_or_ignore
from mail.events import CATEGORIES, MailEvent, get_event
from mail.models import Email, Preferences

log = structlog.get_logger(__name__)

Status = Email.Status


class MailNotSent(Exception):
    """The mail server refused or could not be reached; the row stays queued (or, after the
    last attempt, failed)."""

    def __init__(self, key: str, error: str, *, gave_up: bool):
        super().__init__(f"{key}: {error}")
        self.gave_up = gave_up


def mail_key(*, event: str, user=None, about: models.Model | None = None, once=None) -> str:
    """What makes a mail one of a kind: an event about one object (and ``once``, e.g. a return's
    id, when the object has several), else a fresh key per call."""
    if about is not None:
        key = f"{event}:{about._meta.label_lower}:{about.pk}"
        return f"{key}:{once}" if once is not None else key
    return (
        f"{event}:user:{getattr(user, 'pk', None)}:{once if once is not None else uuid.uuid4().hex}"
    )


def queue(*, event: str, user, about: models.Model | None = None, data=None, once=None) -> str:
    """Write the mail to the outbox in the current transaction (so a rollback sends nothing)
    and hand it to a worker once that transaction commits. The same event about the same
    object again is ignored: one mail per event. Returns the mail's key."""
    get_event(event)  # an unknown event fails here, at the caller, not in a worker
    key = mail_key(event=event, user=user, about=about, once=once)
    row = Email(key=key, event=event, user_id=getattr(user, "pk", user), data=data or {})
    if about is not None:
        row.content_type = ContentType.objects.get_for_model(about)
        row.object_id = about.pk
    insert_or_ignore(row)
    # robust: a broker that is down must not fail the request that already committed; the row
    # waits for send_queued_mail.
    transaction.on_commit(lambda: _hand_to_worker(key), robust=True)
    return key


def _hand_to_worker(key: str) -> None:
    from mail.tasks import deliver

    deliver.delay(key)


def wants(user_id, event: MailEvent) -> bool:
    if event.category is None:
        return True
    return getattr(preferences_of(user_id), event.category)


def _draw(email: Email, event: MailEvent) -> EmailMultiAlternatives:
    context = {
        "shop_name": settings.SHOP_NAME,
        "site_url": settings.SITE_URL.rstrip("/"),
        "user": email.user,
        **event.context(email),
    }
    subject = " ".join(event.subject.format(**context).split())
    message = EmailMultiAlternatives(
        subject=subject[:300],
        body=render_to_string(f"{event.template}.txt", context),
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[email.to],
        headers={"Auto-Submitted": "auto-generated"},
    )
    message.attach_alternative(render_to_string(f"{event.template}.html", context), "text/html")
    return message


def deliver(*, key: str) -> str:
    """Send the queued mail ``key`` unless it was sent already or is being sent elsewhere.
    Returns its status; raises MailNotSent when the mail server failed."""
    failure = None
    with transaction.atomic():
        email = (
            Email.objects.select_for_update(skip_locked=True, of=("self",))
            .select_related("user")
            .filter(key=key, status=Status.QUEUED)
            .first()
        )
        if email is None:
            return "not_queued"  # sent, skipped or failed already, or another worker has it
        event = get_event(email.event)
        email.to = email.user.email if email.user else email.to
        if not email.to or not wants(email.user_id, event):
            email.status = Status.SKIPPED
            email.save(update_fields=["to", "status", "updated_at"])
            return email.status
        try:
            message = _draw(email, event)
        except Exception as exc:  # a bug or a vanished row: retrying won't help; staff can
            log.exception("mail_not_drawn", key=key, mail_event=email.event)
            email.status, email.last_error = Status.FAILED, f"{type(exc).__name__}: {exc}"[:300]
            email.save(update_fields=["to", "status", "last_error", "updated_at"])
            return email.status
        email.subject = message.subject
        email.attempts += 1
        try:
            message.send()
        except (smtplib.SMTPException, OSError) as exc:
            failure = f"{type(exc).__name__}: {exc}"[:300]
            email.last_error = failure
            if email.attempts >= settings.MAIL_MAX_ATTEMPTS:
                email.status = Status.FAILED
        else:
            email.status, email.sent_at, email.last_error = Status.SENT, timezone.now(), ""
        email.save()
    log.info("mail", key=key, mail_event=email.event, status=email.status, attempts=email.attempts)
    if failure is not None:
        raise MailNotSent(key, failure, gave_up=email.status == Status.FAILED)
    return email.status


def send_queued(*, idle_minutes: int = 5) -> dict:
    """Send the mail still queued and untouched for ``idle_minutes``: its task was lost (the
    broker was down) or its retries were cut short. Staff's "send again" uses it too."""
    since = timezone.now() - timedelta(minutes=idle_minutes)
    keys = Email.objects.filter(status=Status.QUEUED, updated_at__lte=since).values_list(
        "key", flat=True
    )
    counts = {"sent": 0, "not_sent": 0}
    for key in list(keys[:500]):
        try:
            counts["sent" if deliver(key=key) == Status.SENT else "not_sent"] += 1
        except MailNotSent:
            counts["not_sent"] += 1
    return counts


def send_again(*, keys: list[str]) -> int:
    """Queue failed (or skipped) mail once more, with a fresh count of attempts."""
    changed = Email.objects.filter(key__in=keys).exclude(status=Status.SENT)
    count = changed.update(status=Status.QUEUED, attempts=0, updated_at=timezone.now())
    for key in keys:
        transaction.on_commit(lambda key=key: _hand_to_worker(key), robust=True)
    return count


# The user's choices


def preferences_of(user_id) -> Preferences:
    """Saved choices, or the defaults (unsaved) for a user who never chose."""
    found = Preferences.objects.filter(user_id=user_id).first()
    return found or Preferences(user_id=user_id)


def set_preferences(*, user, **choices: bool) -> Preferences:
    unknown = set(choices) - set(CATEGORIES)
    if unknown:
        raise ValueError(f"Unknown mail preferences: {', '.join(sorted(unknown))}.")
    preferences, _ = Preferences.objects.update_or_create(user_id=user.pk, defaults=choices)
    return preferences
