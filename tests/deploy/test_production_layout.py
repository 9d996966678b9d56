"""The production layout (deploy/, `make run-full`) started for real: nginx in front of gunicorn
and daphne, the Celery worker and beat under honcho. Everything is checked through nginx only."""

import asyncio
import json
import os
import shutil
import signal
import socket as sockets
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest
import websockets
from django.conf import settings

from accounts.tokens import issue_token_pair
from tests.catalog import builders
from tests.conftest import full_mode_only
from tests.helpers import PROJECT_DIR

NGINX = shutil.which("nginx") or shutil.which("nginx", path="/usr/sbin")

pytestmark = [
    full_mode_only,
    pytest.mark.skipif(
        not NGINX and not os.environ.get("REQUIRE_NGINX"),
        reason="needs nginx (apt-get install nginx; .ci/run installs it)",
    ),
    pytest.mark.django_db(transaction=True),
    pytest.mark.timeout(300),
]


def free_port() -> int:
    with sockets.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def get(url: str, **headers) -> tuple[int, dict, bytes]:
    request = urllib.request.Request(url, headers=headers)
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            return response.status, dict(response.headers), response.read()
    except urllib.error.HTTPError as error:
        return error.code, dict(error.headers), error.read()


class Layout:
    def __init__(self, run_dir: Path):
        self.run_dir = run_dir
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        db = settings.DATABASES["default"]
        self.env = {
            **os.environ,
            "ENV_FILE": "",
            # The test's own database and Redis: the processes see what the test writes.
            "DATABASE_URL": f"postgres://{db['USER']}@{db['HOST']}:{db['PORT']}/{db['NAME']}",
            "SHOP_PORT": str(self.port),
            "GUNICORN_PORT": str(free_port()),
            "DAPHNE_PORT": str(free_port()),
            "GUNICORN_WORKERS": "2",
            "CELERY_CONCURRENCY": "1",
            "RUN_DIR": str(run_dir),
            "SEED_DEMO": "0",
            "LOG_LEVEL": "WARNING",
        }
        self.log = open(run_dir / "layout.log", "w+b")  # noqa: SIM115 - closed in stop()
        self.process = subprocess.Popen(
            [sys.executable, "deploy/run_full.py"],
            cwd=PROJECT_DIR,
            env=self.env,
            stdout=self.log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )

    def output(self) -> str:
        self.log.flush()
        return (self.run_dir / "layout.log").read_text(errors="replace")[-4000:]

    def wait_until_up(self) -> None:
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise AssertionError(f"the layout stopped:\n{self.output()}")
            try:
                ws_up = sockets.create_connection(
                    ("127.0.0.1", int(self.env["DAPHNE_PORT"])), timeout=1
                )
                ws_up.close()
                if get(f"{self.url}/health")[0] == 200:
                    return
            except OSError:
                pass
            time.sleep(0.5)
        raise AssertionError(f"the layout did not come up:\n{self.output()}")

    def gunicorn_pid(self) -> int:
        return int((self.run_dir / "gunicorn.pid").read_text())

    def stop(self) -> None:
        if self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait()
        self.log.close()


@pytest.fixture
def layout(tmp_path, tasks_go_to_a_worker):
    started = Layout(tmp_path)
    try:
        started.wait_until_up()
        yield started
    finally:
        started.stop()


def test_the_layout_serves_the_shop_through_nginx(layout, django_user_model):
    warehouse = builders.location()
    item = builders.product("Layout Sneaker", variants=[("", "", 10)])

    # Pages and the API come from the app (its request id), through nginx.
    status, headers, body = get(f"{layout.url}/")
    assert status == 200
    assert headers["Server"].startswith("nginx")
    assert "X-Request-ID" in headers
    assert b"Layout Sneaker" in body
    status, headers, body = get(f"{layout.url}/api/products?limit=5")
    assert status == 200 and "X-Request-ID" in headers
    assert [p["name"] for p in json.loads(body)["results"]] == ["Layout Sneaker"]

    # A static file with a hashed name, from disk by nginx (no request id: Django never saw it).
    stylesheet = next(
        part.split('"')[0]
        for part in body_of(f"{layout.url}/").split('href="')
        if part.startswith("/static/css/")
    )
    assert stylesheet.count(".") == 2, stylesheet  # site.<hash>.css
    status, headers, _ = get(f"{layout.url}{stylesheet}", **{"Accept-Encoding": "gzip"})
    assert status == 200
    assert "X-Request-ID" not in headers
    assert headers["Cache-Control"] == "public, max-age=31536000, immutable"
    assert headers.get("Content-Encoding") == "gzip"

    # A socket through nginx to daphne hears a stock change made through the API (gunicorn).
    staff = django_user_model.objects.create_user(
        "clerk", "clerk@example.com", "pw-clerk-2026", is_staff=True
    )
    token = issue_token_pair(staff)["access"]

    async def stock_change_heard() -> dict:
        origin = {"Origin": layout.url}
        async with websockets.connect(
            f"ws://127.0.0.1:{layout.port}/ws/inventory/", additional_headers=origin
        ) as socket:
            await asyncio.sleep(0.3)
            request = urllib.request.Request(
                f"{layout.url}/api/staff/stock",
                data=json.dumps(
                    {"sku": f"T-{item.pk}-0", "location_id": warehouse.pk, "quantity": 4}
                ).encode(),
                method="PUT",
                headers={"Authorization": f"Bearer {token}", "Content-Type": "application/json"},
            )
            response = await asyncio.to_thread(urllib.request.urlopen, request, timeout=10)
            assert response.status == 200
            return json.loads(await asyncio.wait_for(socket.recv(), timeout=10))

    event = asyncio.run(stock_change_heard())
    assert (event["type"], event["product_id"], event["new_quantity"]) == (
        "inventory_update",
        item.pk,
        4,
    )

    # A job sent to the broker is run by the layout's worker.
    from orders.tasks import release_stale_orders

    assert release_stale_orders.delay().get(timeout=60) == {"orders_released": 0}

    # The figures of every process (gunicorn's workers, the worker), summed, for a local scraper.
    # The worker counts a run just after storing its result: the scrape may have to ask again.
    counted = b'shop_celery_task_runs_total{outcome="success",task="orders.tasks.release'
    deadline = time.monotonic() + 10
    while True:
        status, _, body = get(f"{layout.url}/metrics")
        assert status == 200
        if counted in body or time.monotonic() > deadline:
            break
        time.sleep(0.2)
    assert b'shop_http_requests_total{status="200",view="catalog:home"}' in body
    assert counted in body


def body_of(url: str) -> str:
    return get(url)[2].decode()


def test_a_gunicorn_reload_under_load_loses_no_request(layout):
    builders.product("Reload Jacket", variants=[("", "", 5)])
    outcomes: list[int] = []
    stop = threading.Event()

    def shopper():
        while not stop.is_set():
            outcomes.append(get(f"{layout.url}/api/products?limit=1")[0])

    shoppers = [threading.Thread(target=shopper) for _ in range(4)]
    for thread in shoppers:
        thread.start()
    time.sleep(1.5)
    before_reload = len(outcomes)
    os.kill(layout.gunicorn_pid(), signal.SIGHUP)  # gunicorn's graceful reload
    time.sleep(4)
    stop.set()
    for thread in shoppers:
        thread.join()
    assert before_reload > 0
    assert len(outcomes) > before_reload + 10, "requests kept being answered after the reload"
    assert set(outcomes) == {200}, {code: outcomes.count(code) for code in set(outcomes)}
    assert get(f"{layout.url}/health")[0] == 200
