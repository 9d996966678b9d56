"""core.broker: tasks published on Redis with one client per channel land in the queue a
worker reads, each once; a channel whose pool was replaced gets a client on the new pool.
(A real worker running them: tests/test_jobs.py and tests/reliability.)"""

import pytest
from kombu import Connection

from core.broker import Channel
from tests.conftest import full_mode_only

pytestmark = [full_mode_only]


@pytest.fixture
def connection(settings):
    with Connection(settings.REDIS_URL, transport="core.broker:Transport") as connection:
        yield connection


def test_the_full_mode_settings_publish_with_the_shared_client(settings):
    from config.celery import app

    assert settings.CELERY_BROKER_TRANSPORT == "core.broker:Transport"
    with app.connection_for_write() as connection:
        assert isinstance(connection.default_channel, Channel)


def test_published_messages_land_in_the_queue_in_order_on_one_client(connection):
    queue = connection.SimpleQueue("test-broker-queue")
    try:
        channel = connection.default_channel
        clients = set()
        for n in range(3):
            queue.put({"n": n})
            with channel.conn_or_acquire() as client:
                clients.add(id(client))
        assert len(clients) == 1
        got = [queue.get(timeout=2) for _ in range(3)]
        assert [message.payload["n"] for message in got] == [0, 1, 2]
        for message in got:
            message.ack()
        with channel.conn_or_acquire() as client:
            assert client.llen("test-broker-queue") == 0
    finally:
        queue.close()


def test_a_new_pool_gets_a_new_client(connection):
    channel = connection.default_channel
    with channel.conn_or_acquire() as first:
        pass
    channel._pool = None  # as kombu does when it drops the channel's pools
    with channel.conn_or_acquire() as second:
        assert second is not first and second.connection_pool is channel.pool


def test_kombu_itself_builds_a_client_per_command(settings):
    """Why core.broker exists: should kombu start sharing one, it can go."""
    with Connection(settings.REDIS_URL) as plain:
        channel = plain.default_channel
        with channel.conn_or_acquire() as first, channel.conn_or_acquire() as second:
            assert first is not second
