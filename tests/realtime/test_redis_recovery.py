"""A real Redis stopped and started again (empty, as it keeps nothing on disk) under a real
daphne: the sockets that stayed open receive broadcasts and their user's events again, without
reconnecting."""

import asyncio
import json
import os
import shutil
import socket as sockets
import subprocess
import sys
import time
import urllib.request

import pytest
import websockets
from django.conf import settings

from accounts.tokens import issue_token_pair
from orders.models import Order
from tests.catalog import builders
from tests.conftest import full_mode_only
from tests.helpers import PROJECT_DIR

REDIS_SERVER = shutil.which("redis-server")

pytestmark = [
    full_mode_only,
    pytest.mark.skipif(REDIS_SERVER is None, reason="needs the redis-server program"),
    pytest.mark.django_db(transaction=True),
    pytest.mark.timeout(120),
]


def free_port() -> int:
    with sockets.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class OwnRedis:
    """A Redis of the test's own, on a port of its own, that keeps nothing on disk."""

    def __init__(self):
        self.port = free_port()
        self.process = None

    def start(self) -> None:
        self.process = subprocess.Popen(
            [REDIS_SERVER, "--port", str(self.port), "--bind", "127.0.0.1", "--save", ""]
            + ["--appendonly", "no"],
            stdout=subprocess.DEVNULL,
        )
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            try:
                sockets.create_connection(("127.0.0.1", self.port), timeout=0.5).close()
                return
            except OSError:
                time.sleep(0.1)
        raise AssertionError("redis-server did not start")

    def stop(self) -> None:
        if self.process and self.process.poll() is None:
            self.process.kill()
            self.process.wait()


def wait_for_http(port: int, process: subprocess.Popen) -> None:
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise AssertionError(process.stderr.read().decode()[-3000:])
        try:
            urllib.request.urlopen(f"http://127.0.0.1:{port}/health", timeout=2)
            return
        except OSError:
            time.sleep(0.2)
    raise AssertionError("daphne did not start")


@pytest.fixture
def server_on_own_redis():
    redis = OwnRedis()
    redis.start()
    port = free_port()
    db = settings.DATABASES["default"]
    env = {
        **os.environ,
        "ENV_FILE": "",
        "DATABASE_URL": f"postgres://{db['USER']}@{db['HOST']}:{db['PORT']}/{db['NAME']}",
        "REDIS_URL": f"redis://127.0.0.1:{redis.port}/0",
        "ALLOWED_HOSTS": "127.0.0.1",
        "DEBUG": "0",
        "SECURE_SSL_REDIRECT": "0",
        "LOG_LEVEL": "WARNING",
        "CELERY_TASK_ALWAYS_EAGER": "1",
    }
    daphne = subprocess.Popen(
        [sys.executable, "-m", "daphne", "-v", "0", "-b", "127.0.0.1", "-p", str(port)]
        + ["config.asgi:application"],
        cwd=PROJECT_DIR,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    try:
        wait_for_http(port, daphne)
        yield port, redis
    finally:
        daphne.terminate()
        daphne.wait(timeout=10)
        redis.stop()


def call(port: int, method: str, path: str, token: str, body: dict) -> int:
    request = urllib.request.Request(
        f"http://127.0.0.1:{port}{path}",
        data=json.dumps(body).encode(),
        method=method,
        headers={"Authorization": f"Bearer {token}", "Content-Type": "application/json"},
    )
    with urllib.request.urlopen(request, timeout=10) as response:
        return response.status


async def next_frame(socket, wanted: str, timeout: float = 10) -> dict:
    """The next frame of type ``wanted`` (pings and others skipped)."""
    deadline = asyncio.get_running_loop().time() + timeout
    while True:
        remaining = deadline - asyncio.get_running_loop().time()
        frame = json.loads(await asyncio.wait_for(socket.recv(), timeout=max(remaining, 0.01)))
        if frame.get("type") == wanted:
            return frame


def test_open_sockets_receive_again_after_redis_comes_back(
    server_on_own_redis, user, django_user_model
):
    port, redis = server_on_own_redis
    warehouse = builders.location()
    item = builders.product("Recovery Boot", variants=[("", "", 10)])
    staff = django_user_model.objects.create_user(
        "clerk", "clerk@example.com", "pw-clerk-2026", is_staff=True
    )
    staff_token = issue_token_pair(staff)["access"]
    order = Order.objects.create(
        user=user,
        status="paid",
        ship_street="1 Main St",
        ship_city="Springfield",
        ship_zip_code="62701",
        ship_country="US",
        number="ORD-R-1",
    )

    def restock(quantity: int) -> None:
        body = {"sku": f"T-{item.pk}-0", "location_id": warehouse.pk, "quantity": quantity}
        assert call(port, "PUT", "/api/staff/stock", staff_token, body) == 200

    token = issue_token_pair(user)["access"]

    async def scenario():
        origin = {"Origin": "http://127.0.0.1"}
        async with (
            websockets.connect(
                f"ws://127.0.0.1:{port}/ws/inventory/", additional_headers=origin
            ) as visitor,
            websockets.connect(
                f"ws://127.0.0.1:{port}/ws/inventory/?token={token}", additional_headers=origin
            ) as shopper,
        ):
            await asyncio.sleep(0.3)
            await asyncio.to_thread(restock, 7)
            for socket in (visitor, shopper):
                assert (await next_frame(socket, "inventory_update"))["new_quantity"] == 7

            redis.stop()
            await asyncio.sleep(2)
            redis.start()  # empty: every group membership is gone
            await asyncio.sleep(8)  # the server notices and joins its groups again

            await asyncio.to_thread(restock, 3)
            for socket in (visitor, shopper):
                assert (await next_frame(socket, "inventory_update"))["new_quantity"] == 3
            await asyncio.to_thread(
                call,
                port,
                "POST",
                f"/api/staff/orders/{order.pk}/status",
                staff_token,
                {"status": "processing"},
            )
            update = await next_frame(shopper, "order_update")
            assert (update["order_id"], update["status"]) == (order.pk, "processing")

    asyncio.run(scenario())
