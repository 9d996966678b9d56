"""The periodic jobs: schedule, inventory sync (good and bad rows), low-stock alerts, cleanup,
run by hand, and (full mode) through a real worker on Redis."""

import json
import os
import subprocess
import sys
from datetime import timedelta

import pytest
from celery.result import allow_join_result
from celery.schedules import crontab
from django.core.management import call_command
from django.utils import timezone

from cart.models import Cart, CartItem
from catalog import alerts, feeds, stock
from catalog.models import LowStockAlert, StockLevel
from core.jobs import beat_schedule, run_now
from tests.catalog import builders
from tests.conftest import full_mode_only
from tests.helpers import PROJECT_DIR

pytestmark = pytest.mark.django_db


def test_beat_runs_each_apps_jobs_at_their_times_in_app_order(settings):
    schedule = beat_schedule(settings)
    assert [(name, entry["task"]) for name, entry in schedule.items()] == [
        ("send_queued_mail", "mail.tasks.send_queued_mail"),
        ("flush_expired_tokens", "accounts.tasks.flush_expired_tokens"),
        ("sync_inventory", "catalog.tasks.sync_inventory"),
        ("low_stock_alerts", "catalog.tasks.low_stock_alerts"),
        ("delete_abandoned_carts", "cart.tasks.delete_abandoned_carts"),
        ("release_stale_orders", "orders.tasks.release_stale_orders"),
        ("send_due_webhooks", "webhooks.tasks.send_due_webhooks"),
        ("delete_old_webhook_events", "webhooks.tasks.delete_old_webhook_events"),
        ("close_idle_chat_sessions", "chat.tasks.close_idle_chat_sessions"),
    ]
    nightly = crontab(hour=2, minute=0)
    assert schedule["flush_expired_tokens"]["schedule"] == nightly
    assert schedule["delete_abandoned_carts"]["schedule"] == nightly
    assert schedule["close_idle_chat_sessions"]["schedule"] == nightly
    assert schedule["sync_inventory"]["schedule"] == crontab(minute="*/15")
    assert schedule["low_stock_alerts"]["schedule"] == crontab(minute=0, hour="*/1")
    assert schedule["release_stale_orders"]["schedule"] == crontab(minute="*/5")
    assert schedule["send_queued_mail"]["schedule"] == crontab(minute="*/5")
    assert schedule["send_due_webhooks"]["schedule"] == crontab(minute="*/1")
    assert schedule["delete_old_webhook_events"]["schedule"] == nightly
    settings.CLEANUP_AT_HOUR, settings.INVENTORY_SYNC_EVERY_MINUTES = 4, 30
    changed = beat_schedule(settings)
    assert changed["delete_abandoned_carts"]["schedule"] == crontab(hour=4, minute=0)
    assert changed["sync_inventory"]["schedule"] == crontab(minute="*/30")


@pytest.fixture
def shelf(db):
    warehouse = builders.location("Central Warehouse", "warehouse", "Reno")
    store = builders.location("Downtown Store", "store", "San Francisco")
    item = builders.product("Feed Item", variants=[("Red", "M", {warehouse: 5, store: 1})])
    return warehouse, store, item


def test_a_csv_feed_applies_good_rows_and_reports_bad_ones(
    shelf, tmp_path, settings, django_capture_on_commit_callbacks
):
    warehouse, _store, item = shelf
    sku = item.variants.get().sku
    feed = tmp_path / "feed.csv"
    feed.write_text(
        "sku,location,quantity\n"
        f"{sku},{warehouse.pk},40\n"
        f"{sku},downtown store,3\n"
        f"NOPE-1,{warehouse.pk},5\n"
        f"{sku},{warehouse.pk},-2\n"
        f"{sku},{warehouse.pk},lots\n"
        f"{sku},Moon Base,4\n"
    )
    settings.INVENTORY_FEED = str(feed)
    announced = []
    stock.stock_changed.connect(
        lambda sender, change, **kw: announced.append(change.new_quantity),
        weak=False,
        dispatch_uid="feed",
    )
    try:
        with django_capture_on_commit_callbacks(execute=True):
            run = feeds.sync_inventory()
    finally:
        stock.stock_changed.disconnect(dispatch_uid="feed")
    assert (run.rows, run.applied, run.skipped, run.failure) == (6, 2, 4, "")
    assert [e["line"] for e in run.errors] == [4, 5, 6, 7]
    assert "Unknown SKU" in run.errors[0]["error"] and "negative" in run.errors[1]["error"]
    assert "whole number" in run.errors[2]["error"] and "Unknown location" in run.errors[3]["error"]
    item.refresh_from_db()
    assert item.stock == 43 and sorted(announced) == [3, 40]
    again = feeds.sync_inventory()
    assert (again.applied, again.unchanged) == (0, 2)  # idempotent


def test_a_json_feed_and_an_unreadable_one(shelf, tmp_path):
    warehouse, _, item = shelf
    path = tmp_path / "feed.json"
    path.write_text(
        json.dumps(
            [{"sku": item.variants.get().sku, "location": "Central Warehouse", "quantity": 9}]
        )
    )
    assert feeds.sync_inventory(feeds.FileFeed(str(path))).applied == 1
    assert StockLevel.objects.get(location=warehouse).quantity == 9
    bad = tmp_path / "bad.csv"
    bad.write_text("product,where,count\nx,y,1\n")
    assert (
        "header must be sku,location,quantity"
        in feeds.sync_inventory(feeds.FileFeed(str(bad))).failure
    )
    assert (
        "Could not read"
        in feeds.sync_inventory(feeds.FileFeed(str(tmp_path / "missing.csv"))).failure
    )


def test_no_feed_no_sync(settings):
    settings.INVENTORY_FEED = ""
    assert feeds.sync_inventory() is None


def test_the_demo_feed_moves_about_a_tenth_of_the_levels(db):
    import random

    warehouse = builders.location()
    for n in range(10):
        builders.product(
            f"Demo {n}",
            variants=[("Red", "S", 10), ("Red", "M", 10), ("Blue", "S", 10), ("Blue", "M", 10)],
        )
    run = feeds.sync_inventory(feeds.DemoFeed(rng=random.Random(3)))
    assert run.rows == 4 and run.skipped == 0
    assert run.applied + run.unchanged == 4
    assert warehouse.stock_levels.exclude(quantity=10).count() == run.applied


def test_low_stock_alerts_open_once_and_resolve_on_restock(shelf, mailoutbox, django_user_model):
    warehouse, _store, item = shelf
    django_user_model.objects.create_user(
        "clerk", "clerk@example.com", "pw-clerk-2026", is_staff=True
    )
    assert alerts.check_low_stock() == {"opened": 1, "resolved": 0}
    assert alerts.check_low_stock() == {"opened": 0, "resolved": 0}
    assert LowStockAlert.objects.filter(status="open").count() == 1
    [mail] = mailoutbox
    assert mail.to == ["clerk@example.com"] and item.variants.get().sku in mail.body
    stock.set_stock_level(sku=item.variants.get().sku, location_id=warehouse.pk, quantity=30)
    assert alerts.check_low_stock() == {"opened": 0, "resolved": 1}
    stock.set_stock_level(sku=item.variants.get().sku, location_id=warehouse.pk, quantity=2)
    assert alerts.check_low_stock()["opened"] == 1
    assert LowStockAlert.objects.count() == 2 and len(mailoutbox) == 2


def test_cleanup_deletes_abandoned_carts_and_expired_tokens(user, other_user, settings):
    from rest_framework_simplejwt.token_blacklist.models import OutstandingToken

    from accounts.tokens import issue_token_pair

    item = builders.product("Kept Item", variants=[("", "", 5)])
    old = timezone.now() - timedelta(days=40)
    full = Cart.objects.create(user=user)
    CartItem.objects.create(cart=full, variant=item.variants.get(), quantity=1)
    empty = Cart.objects.create(user=other_user)
    visitor_old = Cart.objects.create(session_key="old-visitor")
    visitor_new = Cart.objects.create(session_key="new-visitor")
    Cart.objects.filter(pk__in=[full.pk, empty.pk, visitor_old.pk]).update(updated_at=old)
    issue_token_pair(user)
    OutstandingToken.objects.update(expires_at=timezone.now() - timedelta(seconds=1))
    issue_token_pair(user)

    assert run_now("delete_abandoned_carts") == {"carts_deleted": 2}
    assert run_now("flush_expired_tokens") == {"tokens_flushed": 1}
    assert set(Cart.objects.values_list("pk", flat=True)) == {full.pk, visitor_new.pk}
    assert OutstandingToken.objects.count() == 1


def test_run_job_command(shelf, capsys):
    call_command("run_job", "low_stock_alerts")
    assert 'low_stock_alerts: {"opened": 1, "resolved": 0}' in capsys.readouterr().out


def test_staff_run_a_job_from_the_admin(shelf, client, django_user_model):
    client.force_login(
        django_user_model.objects.create_superuser("boss", "boss@example.com", "pw-boss-2026")
    )
    page = client.get("/admin/catalog/lowstockalert/").content.decode()
    assert "Run low stock alerts now" in page
    assert "Run delete abandoned carts now" not in page  # an app's page offers its own jobs
    response = client.post(
        "/admin/jobs/low_stock_alerts/run/", {"next": "/admin/catalog/lowstockalert/"}, follow=True
    )
    assert [str(m) for m in response.context["messages"]] == [
        "Low stock alerts finished: 1 opened, 0 resolved."
    ]
    assert "Feed Item" in response.content.decode()


def test_the_admin_jobs_page_lists_every_job_and_runs_one(client, django_user_model):
    client.force_login(
        django_user_model.objects.create_superuser("boss", "boss@example.com", "pw-boss-2026")
    )
    assert "/admin/jobs/" in client.get("/admin/").content.decode()
    page = client.get("/admin/jobs/").content.decode()
    for label in (
        "flush expired tokens",
        "sync inventory",
        "low stock alerts",
        "delete abandoned carts",
        "release stale orders",
        "close idle chat sessions",
    ):
        assert f"Run {label} now" in page
    response = client.post("/admin/jobs/release_stale_orders/run/", follow=True)
    assert response.request["PATH_INFO"] == "/admin/jobs/"
    assert [str(m) for m in response.context["messages"]] == [
        "Release stale orders finished: 0 orders released."
    ]
    elsewhere = client.post("/admin/jobs/sync_inventory/run/", {"next": "https://evil.example/"})
    assert elsewhere["Location"] == "/admin/jobs/"


def test_staff_who_are_not_superusers_cannot_run_jobs(client, django_user_model):
    client.force_login(
        django_user_model.objects.create_user(
            "clerk", "c@example.com", "pw-clerk-2026", is_staff=True
        )
    )
    response = client.post("/admin/jobs/low_stock_alerts/run/", follow=True)
    assert [str(m) for m in response.context["messages"]] == ["Choose a job and press its button."]


@full_mode_only
@pytest.mark.django_db(transaction=True)
def test_a_task_runs_through_a_real_worker_on_redis(settings, tasks_go_to_a_worker):
    from catalog.tasks import low_stock_alerts

    warehouse = builders.location()
    builders.product("Worker Item", variants=[("", "", 2)])
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
            "solo",
            "--loglevel",
            "WARNING",
            "--without-heartbeat",
            "--without-gossip",
            "--without-mingle",
        ],
        cwd=PROJECT_DIR,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    try:
        # This process is the worker's client, not a task: waiting for the result is right here,
        # though tasks that earlier tests ran eagerly (in threads too) may have said otherwise.
        with allow_join_result():
            result = low_stock_alerts.delay().get(timeout=60)
    finally:
        worker.terminate()
        worker.wait(timeout=20)
    assert result == {"opened": 1, "resolved": 0}
    assert LowStockAlert.objects.get().variant.product.name == "Worker Item"
    assert warehouse.stock_levels.get().quantity == 2  # the alert job reads stock, never changes it


@pytest.mark.parametrize("purge, left", [(False, 2), (True, 0)])
def test_cleanup_closes_idle_chat_sessions(user, settings, purge, left):
    from chat.models import ChatMessage, ChatSession

    settings.CHAT_PURGE_MESSAGES = purge
    idle = ChatSession.objects.create(
        session_id="idle", user=user, last_activity=timezone.now() - timedelta(days=31)
    )
    fresh = ChatSession.objects.create(session_id="fresh", user=user)
    for session in (idle, fresh):
        ChatMessage.objects.create(session=session, type="user", content="hello")
    ChatMessage.objects.create(session=idle, type="assistant", content="hi")
    result = run_now("close_idle_chat_sessions")
    assert (result["sessions_closed"], result["messages_purged"]) == (1, 0 if not purge else 2)
    idle.refresh_from_db()
    fresh.refresh_from_db()
    assert (idle.is_active, fresh.is_active) == (False, True)
    assert ChatMessage.objects.filter(session=idle).count() == left
    assert ChatMessage.objects.filter(session=fresh).count() == 1
