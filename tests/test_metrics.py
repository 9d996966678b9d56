"""GET /metrics: Prometheus's text format with the figures API.md lists, only for allowed
addresses or the bearer token (404 to anyone else), summed over processes in multiprocess mode."""

import pytest
from channels.testing import WebsocketCommunicator
from prometheus_client.parser import text_string_to_metric_families

from config.asgi import application
from tests.helpers import run_django

pytestmark = pytest.mark.django_db


def scrape(client, **extra) -> dict[tuple, float]:
    response = client.get("/metrics", **extra)
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/plain")
    return samples(response.content.decode())


def samples(text: str) -> dict[tuple, float]:
    """{(sample name, sorted labels): value}"""
    return {
        (sample.name, tuple(sorted(sample.labels.items()))): sample.value
        for family in text_string_to_metric_families(text)
        for sample in family.samples
    }


def value(found: dict, name: str, **labels) -> float:
    return found.get((name, tuple(sorted(labels.items()))), 0.0)


def test_requests_are_counted_by_view_and_status(client):
    before = scrape(client)
    client.get("/health")
    client.get("/health")
    client.get("/no-such-page/")
    after = scrape(client)
    counted = "shop_http_requests_total"
    assert value(after, counted, view="health", status="200") - value(
        before, counted, view="health", status="200"
    ) == pytest.approx(2)
    assert value(after, counted, view="unmatched", status="404") - value(
        before, counted, view="unmatched", status="404"
    ) == pytest.approx(1)
    timed = "shop_http_request_duration_seconds_count"
    assert value(after, timed, view="health") - value(before, timed, view="health") == 2


def test_other_addresses_get_a_404_unless_they_bring_the_token(client, settings):
    settings.METRICS_TOKEN = "scrape-me-0123456789"
    assert client.get("/metrics", REMOTE_ADDR="203.0.113.7").status_code == 404
    wrong = client.get("/metrics", REMOTE_ADDR="203.0.113.7", HTTP_AUTHORIZATION="Bearer not-it")
    assert wrong.status_code == 404
    right = client.get(
        "/metrics", REMOTE_ADDR="203.0.113.7", HTTP_AUTHORIZATION="Bearer scrape-me-0123456789"
    )
    assert right.status_code == 200
    assert b"shop_http_requests_total" in right.content


def test_behind_a_proxy_the_forwarded_address_decides(client, settings):
    """nginx connects from 127.0.0.1: the client it forwards for is the one checked."""
    settings.TRUSTED_PROXY_COUNT = 1
    outside = client.get("/metrics", REMOTE_ADDR="127.0.0.1", HTTP_X_FORWARDED_FOR="198.51.100.4")
    assert outside.status_code == 404
    inside = client.get("/metrics", REMOTE_ADDR="127.0.0.1", HTTP_X_FORWARDED_FOR="127.0.0.1")
    assert inside.status_code == 200


def test_allowed_networks_are_taken(client, settings):
    from core import metrics

    settings.METRICS_ALLOWED_IPS = ["10.0.0.0/8"]
    metrics._allowed_networks.cache_clear()
    try:
        assert client.get("/metrics", REMOTE_ADDR="10.1.2.3").status_code == 200
        assert client.get("/metrics", REMOTE_ADDR="127.0.0.1").status_code == 404
    finally:
        metrics._allowed_networks.cache_clear()


def test_celery_task_runs_are_counted(client):
    from orders.tasks import release_stale_orders

    before = scrape(client)
    release_stale_orders.delay()
    after = scrape(client)
    name = "shop_celery_task_runs_total"
    labels = {"task": release_stale_orders.name, "outcome": "success"}
    assert value(after, name, **labels) - value(before, name, **labels) == 1


@pytest.mark.django_db(transaction=True)
async def test_open_sockets_are_a_gauge():
    from asgiref.sync import sync_to_async
    from django.test import Client

    def open_now() -> float:
        found = samples(Client().get("/metrics").content.decode())
        return value(found, "shop_open_sockets", consumer="InventoryConsumer")

    before = await sync_to_async(open_now)()
    socket = WebsocketCommunicator(
        application,
        "/ws/inventory/",
        headers=[(b"origin", b"http://testserver"), (b"host", b"testserver")],
    )
    connected, _ = await socket.connect()
    assert connected
    assert await sync_to_async(open_now)() == before + 1
    await socket.disconnect()
    assert await sync_to_async(open_now)() == before


def test_several_processes_add_up_in_multiprocess_mode(tmp_path):
    """Two processes (gunicorn workers, say) count into one directory; a third serves the sum."""
    count_two = (
        "import django; django.setup()\n"
        "from django.test import Client\n"
        "c = Client()\n"
        "assert c.get('/health').status_code == 200\n"
        "assert c.get('/health').status_code == 200\n"
    )
    scrape_all = (
        "import django; django.setup()\n"
        "from django.test import Client\n"
        "print(Client().get('/metrics').content.decode())\n"
    )
    env = {
        "PROMETHEUS_MULTIPROC_DIR": str(tmp_path),
        "ALLOWED_HOSTS": "testserver",
        "DEBUG": "0",
        "DATABASE_URL": f"sqlite:///{tmp_path / 'db.sqlite3'}",
        "REDIS_URL": None,
    }
    for _ in range(2):
        done = run_django(count_two, **env)
        assert done.returncode == 0, done.stderr
    scraped = run_django(scrape_all, **env)
    assert scraped.returncode == 0, scraped.stderr
    found = samples(scraped.stdout)
    assert value(found, "shop_http_requests_total", view="health", status="200") == 4


def test_metrics_are_only_read(client):
    assert client.post("/metrics").status_code == 405
