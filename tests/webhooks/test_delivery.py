"""Signed deliveries to a real receiver: the documented signature, retries with backoff driven
by the clock, the timeout, no redirects, disabling after repeated failures, and the cost of an
event nobody listens to."""

import time
from datetime import timedelta

import pytest
from django.core import mail as django_mail
from django.core.cache import cache
from django.utils import timezone

from catalog import stock
from mail.models import Email
from tests.catalog import builders
from tests.factories import UserFactory
from tests.webhooks.conftest import verify
from webhooks import services
from webhooks.models import Delivery, Endpoint, Event

pytestmark = pytest.mark.django_db

DELAYS = [60, 300, 1800, 7200, 21600]


@pytest.fixture
def boots(db):
    return builders.product("Trail Boots", price="80.00", variants=[("Brown", "42", 5)])


def edit(product, name="Trail Boots II"):
    product.name = name
    product.save()


def log_of(delivery: Delivery) -> list:
    return [(a.status_code, a.error) for a in delivery.log.all()]


def test_a_delivery_is_signed_as_api_md_says(subscribe, receiver, committed, boots):
    _, secret = subscribe(["stock.changed"])
    variant = boots.variants.get()
    location = builders.location()
    before = int(time.time())
    committed(lambda: stock.set_stock_level(sku=variant.sku, location_id=location.pk, quantity=9))

    [got] = receiver.received
    assert verify(got, secret)
    assert not verify(got, "whsec_not-the-secret-of-this-endpoint")
    body = got.json
    assert got.headers["Webhook-Id"] == body["id"] and body["id"].startswith("evt_")
    assert before <= int(got.headers["Webhook-Timestamp"]) <= int(time.time())
    assert got.headers["Content-Type"] == "application/json"
    assert got.path == "/hooks?from=shop"
    assert body["event"] == "stock.changed" and body["created_at"]
    assert body["data"] | {"at": None} == {
        "product_id": boots.pk,
        "variant_id": variant.pk,
        "sku": variant.sku,
        "location_id": location.pk,
        "location": location.name,
        "quantity": 9,
        "variant_stock": 9,
        "product_stock": 9,
        "stock_status": "low_stock",
        "at": None,
    }
    delivery = Delivery.objects.get()
    assert (delivery.status, delivery.attempts, log_of(delivery)) == ("succeeded", 1, [(200, "")])
    assert delivery.log.get().response_excerpt == "ok"


def test_a_receiver_failing_twice_gets_the_event_three_times_after_the_backoff(
    subscribe, receiver, committed, boots
):
    subscribe(["product.updated"])
    receiver.script = [500, 503]
    start = timezone.now()
    committed(lambda: edit(boots))
    delivery = Delivery.objects.get()
    assert (delivery.status, delivery.attempts) == ("retrying", 1)
    assert delivery.next_attempt_at - start == pytest.approx(
        timedelta(seconds=60), abs=timedelta(seconds=5)
    )

    # Not before it is due.
    assert services.send_due(now=start + timedelta(seconds=50)) == {"due": 0}
    assert len(receiver.received) == 1
    committed(lambda: services.send_due(now=start + timedelta(seconds=61)))
    delivery.refresh_from_db()
    assert (delivery.status, delivery.last_status_code) == ("retrying", 503)
    assert delivery.next_attempt_at == start + timedelta(seconds=61 + 300)
    committed(lambda: services.send_due(now=start + timedelta(seconds=61 + 301)))

    delivery.refresh_from_db()
    assert (delivery.status, delivery.attempts) == ("succeeded", 3)
    assert log_of(delivery) == [(500, ""), (503, ""), (200, "")]
    assert [a.response_excerpt for a in delivery.log.all()] == ["nope: 500", "nope: 503", "ok"]
    ids = {r.headers["Webhook-Id"] for r in receiver.received}
    assert len(receiver.received) == 3 and len(ids) == 1  # the same event, for deduplication
    assert receiver.events() == ["product.updated"] * 3


def test_a_slow_receiver_times_out_without_holding_the_worker(
    settings, subscribe, receiver, committed, boots
):
    settings.WEBHOOKS_TIMEOUT_SECONDS = 0.5
    subscribe(["product.updated"])
    receiver.script = [("sleep", 3)]
    started = time.monotonic()
    committed(lambda: edit(boots))
    assert time.monotonic() - started < 2
    delivery = Delivery.objects.get()
    [attempt] = delivery.log.all()
    assert (attempt.status_code, attempt.error) == (None, "Timed out after 0.5 s.")
    assert 400 <= attempt.duration_ms < 1500
    assert delivery.status == "retrying"


def test_a_receiver_dripping_its_answer_is_cut_at_the_timeout(
    settings, subscribe, receiver, committed, boots
):
    settings.WEBHOOKS_TIMEOUT_SECONDS = 0.5
    subscribe(["product.updated"])
    receiver.script = [("drip", 4)]  # each read gets a byte in time, the whole never ends
    started = time.monotonic()
    committed(lambda: edit(boots))
    assert time.monotonic() - started < 2
    [attempt] = Delivery.objects.get().log.all()
    assert (attempt.status_code, attempt.error) == (200, "Timed out after 0.5 s.")
    assert Delivery.objects.get().status == "retrying"


def test_a_redirect_is_not_followed(subscribe, receiver, committed, boots):
    subscribe(["product.updated"])
    receiver.script = [("redirect", f"http://127.0.0.1:{receiver.port}/elsewhere")]
    committed(lambda: edit(boots))
    assert [r.path for r in receiver.received] == ["/hooks?from=shop"]
    delivery = Delivery.objects.get()
    assert delivery.status == "retrying" and delivery.last_status_code == 302
    assert "not followed" in delivery.last_error


def test_an_endpoint_hears_only_what_it_subscribed_to(subscribe, receiver, committed, boots):
    subscribe(["stock.changed"])
    committed(lambda: edit(boots))
    assert receiver.received == [] and not Event.objects.exists()


def test_five_failed_deliveries_in_a_row_disable_the_endpoint_and_staff_are_told(
    subscribe, receiver, committed, boots, staff_user, user
):
    endpoint, _ = subscribe(["product.updated"])
    other_staff = UserFactory(username="kim", email="kim@example.com", is_staff=True)
    receiver.script = [500] * 100
    start = timezone.now()
    for n in range(5):
        committed(lambda n=n: edit(boots, name=f"Boots {n}"))
    assert Delivery.objects.filter(status="retrying").count() == 5
    elapsed = 0
    for delay in DELAYS:  # every retry of all five, each at its time
        elapsed += delay + 5
        committed(lambda elapsed=elapsed: services.send_due(now=start + timedelta(seconds=elapsed)))
        endpoint.refresh_from_db()
        if delay != DELAYS[-1]:
            assert endpoint.is_active and endpoint.consecutive_failures == 0

    assert len(receiver.received) == 5 * 6  # the first try and five retries each
    assert set(Delivery.objects.values_list("status", flat=True)) == {"failed"}
    endpoint.refresh_from_db()
    assert (endpoint.is_active, endpoint.consecutive_failures) == (False, 5)
    assert endpoint.disabled_reason.startswith("5 deliveries in a row failed; the last: HTTP 500")
    told = sorted(m.to[0] for m in django_mail.outbox)
    assert told == sorted([staff_user.email, other_staff.email])  # not the customer
    assert django_mail.outbox[0].subject == "Webhook endpoint disabled: 127.0.0.1"
    assert endpoint.url in django_mail.outbox[0].body
    assert Email.objects.filter(event="webhook_endpoint_disabled", status="sent").count() == 2

    # Disabled: new events aren't written for it, nothing more is sent.
    committed(lambda: edit(boots, name="Boots 6"))
    assert len(receiver.received) == 30 and Event.objects.count() == 5


def test_a_success_starts_the_count_of_failures_afresh(
    settings, subscribe, receiver, committed, boots
):
    settings.WEBHOOKS_RETRY_DELAYS_SECONDS = []  # a delivery fails at its first attempt
    endpoint, _ = subscribe(["product.updated"])
    receiver.script = [500, 500, 500, 500, 200, 500, 500]
    for n in range(7):
        committed(lambda n=n: edit(boots, name=f"Boots {n}"))
    endpoint.refresh_from_db()
    assert (endpoint.is_active, endpoint.consecutive_failures) == (True, 2)


def test_a_delivery_whose_task_was_lost_is_sent_by_the_periodic_job(subscribe, receiver, boots):
    """No commit callbacks run here: as if the broker was down when the change committed."""
    from core import jobs

    subscribe(["product.updated"])
    edit(boots)
    event = Event.objects.get()
    assert event.dispatched_at is None and receiver.received == []
    Endpoint.objects.update(created_at=timezone.now() - timedelta(minutes=10))
    Event.objects.update(created_at=timezone.now() - timedelta(minutes=2))
    assert jobs.run_now("send_due_webhooks") == {"due": 1}
    assert receiver.events() == ["product.updated"]
    assert Delivery.objects.get().status == "succeeded"


def test_an_event_nobody_listens_to_costs_one_query_at_most(receiver, django_assert_num_queries):
    def data():
        raise AssertionError("drawn for nobody")

    cache.clear()
    with django_assert_num_queries(1):  # who listens, not cached yet
        assert services.emit(event="order.paid", data=data) is None
    with django_assert_num_queries(0):
        assert services.emit(event="order.paid", data=data) is None

    # A new endpoint is heard of at once.
    services.create_endpoint(url=receiver.url, events=["order.paid"])
    assert services.emit(event="order.paid", data=lambda: {"n": 1}).startswith("evt_")
    services.update_endpoint(endpoint_id=Endpoint.objects.get().pk, is_active=False)
    assert services.emit(event="order.paid", data=data) is None


def test_old_events_are_deleted_once_nothing_is_left_to_send(subscribe, receiver, committed, boots):
    from core import jobs

    subscribe(["product.updated"])
    receiver.script = [200, 500]
    committed(lambda: edit(boots, name="Sent"))
    committed(lambda: edit(boots, name="Still retrying"))
    Event.objects.update(created_at=timezone.now() - timedelta(days=31))
    jobs.run_now("delete_old_webhook_events")
    [kept] = Event.objects.all()
    assert kept.data["product"]["name"] == "Still retrying"
    assert Delivery.objects.get().status == "retrying"
