"""Order mail over a real SMTP connection: what the customer receives, and that a mail server
refusing or down neither fails the order nor loses (or doubles) its confirmation."""

from datetime import timedelta

import pytest
from django.utils import timezone

from core import jobs
from mail import services
from mail.models import Email
from mail.tasks import deliver as deliver_task
from orders import emails as order_emails
from orders.models import Order
from tests.catalog import builders
from tests.conftest import full_mode_only
from tests.orders.conftest import add_to_cart, card, place

pytestmark = pytest.mark.django_db

SITE = "https://shop.example"


@pytest.fixture(autouse=True)
def _site(settings):
    settings.SITE_URL = SITE


@pytest.fixture
def products(db):
    warehouse = builders.location("Central Warehouse", "warehouse", "Reno")
    jacket = builders.product(
        "Rain Jacket", price="60.00", variants=[("Navy", "M", {warehouse: 5})]
    )
    socks = builders.product("Wool Socks", price="12.50", variants=[("", "", {warehouse: 50})])
    return jacket, socks


@pytest.fixture
def checkout(user, user_api, products):
    """Places an order for a jacket and two pairs of socks through the API, letting the
    after-commit work (the mail's delivery) run; returns the response."""
    from accounts import services as accounts

    address = accounts.add_address(
        user=user, street="1 Main St", city="Springfield", zip_code="62701", country="US"
    )
    method = card(user)
    jacket, socks = products

    def checkout(capture):
        add_to_cart(user_api, jacket, 1, color="Navy", size="M")
        add_to_cart(user_api, socks, 2)
        with capture(execute=True):
            response = place(user_api, address, method)
        assert response.status_code == 201, response.content
        return response

    return checkout


def confirmation_of(order_id) -> Email:
    return Email.objects.get(event="order_confirmation", object_id=order_id)


def assert_paid(response) -> None:
    body = response.json()
    assert body["status"] == "paid"
    assert Order.objects.get(pk=body["id"]).status == "paid"


@full_mode_only
def test_a_paid_order_mails_its_confirmation(
    checkout, smtp_server, user, django_capture_on_commit_callbacks
):
    body = checkout(django_capture_on_commit_callbacks).json()
    number, total, order_id = body["order_number"], body["totals"]["total"], body["id"]

    assert len(smtp_server.received) == 1
    received = smtp_server.received[0]
    assert received.rcpt_tos == [user.email]
    message = received.message
    assert message["To"] == user.email
    assert number in message["Subject"]
    assert message.get_content_type() == "multipart/alternative"
    parts = {part.get_content_type(): part.get_content() for part in message.iter_parts()}
    assert set(parts) == {"text/plain", "text/html"}
    link = f"{SITE}/orders/{order_id}/"
    for content in parts.values():
        assert number in content
        assert "Rain Jacket" in content and "Wool Socks" in content
        assert f"${total}" in content
        assert link in content
    html = parts["text/html"]
    assert f'href="{link}"' in html
    lowered = html.lower()
    assert '<img src="http' not in lowered
    assert "@import" not in lowered
    assert "<link" not in lowered

    row = confirmation_of(order_id)
    assert row.status == "sent" and row.sent_at is not None
    assert row.to == user.email and row.attempts == 1 and row.last_error == ""
    assert row.subject == message["Subject"]


def test_a_refusing_mail_server_delays_the_confirmation_without_losing_it(
    checkout, smtp_server, user, django_capture_on_commit_callbacks
):
    smtp_server.refuse = True
    response = checkout(django_capture_on_commit_callbacks)
    assert_paid(response)
    assert smtp_server.received == []
    row = confirmation_of(response.json()["id"])
    assert row.status == "queued" and row.attempts == 1 and row.sent_at is None
    assert "554" in row.last_error and "refused" in row.last_error

    smtp_server.refuse = False
    assert services.send_queued(idle_minutes=0) == {"sent": 1, "not_sent": 0}
    assert len(smtp_server.to(user.email)) == 1
    assert response.json()["order_number"] in smtp_server.received[0].message["Subject"]
    row.refresh_from_db()
    assert row.status == "sent" and row.attempts == 2 and row.sent_at is not None
    assert row.last_error == ""

    assert services.send_queued(idle_minutes=0) == {"sent": 0, "not_sent": 0}
    assert len(smtp_server.received) == 1


def test_a_mail_server_that_is_down_delays_the_confirmation_without_losing_it(
    checkout, smtp_server_down, user, django_capture_on_commit_callbacks
):
    response = checkout(django_capture_on_commit_callbacks)
    assert_paid(response)
    row = confirmation_of(response.json()["id"])
    assert row.status == "queued" and row.attempts == 1 and row.sent_at is None
    assert "Connection" in row.last_error or "refused" in row.last_error.lower()

    # The periodic job leaves mail alone while a worker may still be retrying it...
    smtp_server_down.start()
    assert jobs.run_now("send_queued_mail") == {"sent": 0, "not_sent": 0}
    assert smtp_server_down.received == []
    # ...and sends it once it has been idle for a while.
    Email.objects.filter(pk=row.pk).update(updated_at=timezone.now() - timedelta(minutes=10))
    assert jobs.run_now("send_queued_mail") == {"sent": 1, "not_sent": 0}
    assert len(smtp_server_down.to(user.email)) == 1
    row.refresh_from_db()
    assert row.status == "sent" and row.attempts == 2

    Email.objects.filter(pk=row.pk).update(updated_at=timezone.now() - timedelta(minutes=10))
    assert jobs.run_now("send_queued_mail") == {"sent": 0, "not_sent": 0}
    assert len(smtp_server_down.received) == 1


def test_a_mail_already_sent_is_not_sent_again(
    checkout, smtp_server, user, django_capture_on_commit_callbacks
):
    order_id = checkout(django_capture_on_commit_callbacks).json()["id"]
    assert len(smtp_server.to(user.email)) == 1
    row = confirmation_of(order_id)
    assert row.status == "sent"

    # A task delivered twice, a worker retrying, the event queued once more: still one mail.
    assert services.deliver(key=row.key) == "not_queued"
    assert deliver_task.apply(args=[row.key]).get() == "not_queued"
    with django_capture_on_commit_callbacks(execute=True):
        order_emails.queue("order_confirmation", Order.objects.get(pk=order_id))
    assert services.send_queued(idle_minutes=0) == {"sent": 0, "not_sent": 0}

    assert len(smtp_server.received) == 1
    assert Email.objects.filter(event="order_confirmation").count() == 1
    row.refresh_from_db()
    assert row.status == "sent" and row.attempts == 1
