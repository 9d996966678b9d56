"""A Celery worker process killed mid-task (the OOM killer, a deploy) on Redis and PostgreSQL:
the task goes back to the queue, runs again, and its work is done once."""

import os
import signal
import subprocess
import sys
import time
from datetime import timedelta

import pytest
from django.db import connection, transaction
from django.utils import timezone

from accounts import services as accounts
from cart import services as cart_services
from catalog.models import Product
from orders import placing
from orders.models import Order
from tests.catalog import builders
from tests.conftest import full_mode_only
from tests.factories import UserFactory
from tests.helpers import PROJECT_DIR

pytestmark = [full_mode_only, pytest.mark.django_db(transaction=True)]


def wait_for(condition, *, timeout: float = 60, what: str = ""):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        found = condition()
        if found:
            return found
        time.sleep(0.2)
    raise AssertionError(f"timed out waiting for {what}")


def worker_children(parent: int) -> list[int]:
    out = subprocess.run(
        ["ps", "-o", "pid=", "--ppid", str(parent)], capture_output=True, text=True
    ).stdout
    return [int(pid) for pid in out.split()]


def sessions_waiting_for_a_lock() -> int:
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_stat_clear_snapshot()")  # else a transaction sees one snapshot
        cursor.execute(
            "SELECT count(*) FROM pg_stat_activity WHERE wait_event_type = 'Lock' AND datname = current_database()"
        )
        return cursor.fetchone()[0]


def test_a_worker_killed_mid_job_reruns_it_and_the_work_is_done_once(
    settings, tasks_go_to_a_worker
):
    from orders.tasks import release_stale_orders

    builders.location()
    socks = builders.product("Wool Socks", price="12.50", variants=[("", "", 100)])
    user = UserFactory()
    address = accounts.add_address(
        user=user, street="1 Main St", city="X", zip_code="1", country="US"
    )
    card = accounts.add_payment_method(
        user=user, type="card", card_number="4242424242424242", exp_month=12, exp_year=2031
    )
    cart_services.add_item(cart=cart_services.cart_for(user=user), product_id=socks.pk, quantity=4)
    order, _ = placing._reserve(
        user=user,
        address_id=address.pk,
        payment_method_id=card.pk,
        checkout_id=None,
        idempotency_key=None,
    )
    Order.objects.filter(pk=order.pk).update(created_at=timezone.now() - timedelta(hours=1))

    db = settings.DATABASES["default"]
    env = {
        **os.environ,
        "ENV_FILE": "",
        "DATABASE_URL": f"postgres://{db['USER']}@{db['HOST']}:{db['PORT']}/{db['NAME']}",
    }
    worker = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "celery",
            "-A",
            "config",
            "worker",
            "--pool",
            "prefork",
            "--concurrency",
            "1",
            "--loglevel",
            "WARNING",
            "--without-heartbeat",
            "--without-gossip",
            "--without-mingle",
        ],
        cwd=PROJECT_DIR,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        with transaction.atomic():
            # Hold the order's row: the job blocks on it, mid-task, where the worker is killed.
            Order.objects.select_for_update().get(pk=order.pk)
            release_stale_orders.delay()
            wait_for(sessions_waiting_for_a_lock, what="the job to reach the order")
            killed = worker_children(worker.pid)
            assert len(killed) == 1
            os.kill(killed[0], signal.SIGKILL)
            wait_for(
                lambda: set(worker_children(worker.pid)) - set(killed), what="a new worker process"
            )
        order.refresh_from_db()
        wait_for(
            lambda: Order.objects.get(pk=order.pk).status == "cancelled",
            what="the job to run again",
        )
    finally:
        worker.terminate()
        worker.wait(timeout=20)
    order.refresh_from_db()
    assert order.history.filter(status="cancelled").count() == 1
    assert Product.objects.get(pk=socks.pk).stock == 100  # released once, not twice
