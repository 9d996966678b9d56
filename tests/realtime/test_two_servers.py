"""Two real server processes sharing Redis: a stock change made through one reaches the
sockets of both."""

import asyncio
import json
import os
import socket as sockets
import subprocess
import sys
import time
import urllib.request

import pytest
import websockets
from django.conf import settings

from accounts.tokens import issue_token_pair
from tests.catalog import builders
from tests.conftest import full_mode_only
from tests.helpers import PROJECT_DIR

pytestmark = [full_mode_only, pytest.mark.django_db(transaction=True)]


def free_port() -> int:
    with sockets.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def start_server(port: int) -> subprocess.Popen:
    db = settings.DATABASES["default"]
    env = {
        **os.environ,
        "ENV_FILE": "",
        "DATABASE_URL": f"postgres://{db['USER']}@{db['HOST']}:{db['PORT']}/{db['NAME']}",
        "ALLOWED_HOSTS": "127.0.0.1",
        "DEBUG": "0",
        "SECURE_SSL_REDIRECT": "0",
        "LOG_LEVEL": "WARNING",
    }
    return subprocess.Popen(
        [
            sys.executable,
            "-m",
            "daphne",
            "-v",
            "0",
            "-b",
            "127.0.0.1",
            "-p",
            str(port),
            "config.asgi:application",
        ],
        cwd=PROJECT_DIR,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )


def wait_until_up(port: int, process: subprocess.Popen) -> None:
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise AssertionError(process.stderr.read().decode()[-2000:])
        try:
            urllib.request.urlopen(f"http://127.0.0.1:{port}/health", timeout=2)
            return
        except OSError:
            time.sleep(0.2)
    raise AssertionError(f"server on {port} did not start")


@pytest.fixture
def two_servers():
    ports = [free_port(), free_port()]
    processes = [start_server(port) for port in ports]
    try:
        for port, process in zip(ports, processes):
            wait_until_up(port, process)
        yield ports
    finally:
        for process in processes:
            process.terminate()
        for process in processes:
            process.wait(timeout=10)


def test_a_stock_change_through_one_server_reaches_sockets_on_both(two_servers, django_user_model):
    warehouse = builders.location()
    item = builders.product("Shared Sneaker", variants=[("", "", 10)])
    staff = django_user_model.objects.create_user(
        "clerk", "clerk@example.com", "pw-clerk-2026", is_staff=True
    )
    token = issue_token_pair(staff)["access"]
    first, second = two_servers

    async def scenario():
        origin = {"Origin": "http://127.0.0.1"}
        async with (
            websockets.connect(
                f"ws://127.0.0.1:{first}/ws/inventory/", additional_headers=origin
            ) as a,
            websockets.connect(
                f"ws://127.0.0.1:{second}/ws/inventory/", additional_headers=origin
            ) as b,
        ):
            await asyncio.sleep(0.3)  # both sockets have joined the group
            body = json.dumps(
                {"sku": f"T-{item.pk}-0", "location_id": warehouse.pk, "quantity": 4}
            ).encode()
            request = urllib.request.Request(
                f"http://127.0.0.1:{first}/api/staff/stock",
                data=body,
                method="PUT",
                headers={"Authorization": f"Bearer {token}", "Content-Type": "application/json"},
            )
            response = await asyncio.to_thread(urllib.request.urlopen, request, timeout=10)
            assert response.status == 200
            return [json.loads(await asyncio.wait_for(ws.recv(), timeout=5)) for ws in (a, b)]

    events = asyncio.run(scenario())
    for event in events:
        assert (event["type"], event["product_id"], event["new_quantity"]) == (
            "inventory_update",
            item.pk,
            4,
        )
