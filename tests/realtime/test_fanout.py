"""The process's one inventory subscription (core.fanout): many sockets, one group member,
one frame; subscriptions narrow it per socket; it outlives the layer's group expiry."""

import asyncio
import gc

import pytest
from channels.db import database_sync_to_async
from channels.layers import InMemoryChannelLayer, get_channel_layer
from channels.testing import WebsocketCommunicator

from catalog import stock
from catalog.broadcast import INVENTORY_GROUP
from config.asgi import application
from core import fanout
from core.realtime import relay

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.asyncio]

HEADERS = [(b"origin", b"http://testserver"), (b"host", b"testserver")]

set_level = database_sync_to_async(stock.set_stock_level)


async def group_members(group: str) -> list[str]:
    layer = get_channel_layer()
    if isinstance(layer, InMemoryChannelLayer):
        return list(layer.groups.get(group, {}))
    connection = layer.connection(layer.consistent_hash(group))
    return [name.decode() for name in await connection.zrange(layer._group_key(group), 0, -1)]


async def connected(count: int) -> list[WebsocketCommunicator]:
    sockets = [
        WebsocketCommunicator(application, "/ws/inventory/", headers=HEADERS) for _ in range(count)
    ]
    for socket in sockets:
        assert (await socket.connect())[0]
    return sockets


async def test_one_group_member_serves_every_socket_of_the_process(goods):
    warehouse, runner, _ = goods
    sockets = await connected(5)
    members = await group_members(INVENTORY_GROUP)
    process = await fanout.group_fanout(INVENTORY_GROUP)
    assert members == [process.channel]
    assert len(process.sockets) == 5

    await set_level(sku=f"T-{runner.pk}-0", location_id=warehouse.pk, quantity=4)
    frames = [await socket.receive_output(timeout=3) for socket in sockets]
    assert {frame["text"] for frame in frames} == {
        frames[0]["text"]
    }  # encoded once, the same frame
    assert [await socket.receive_nothing(timeout=0.1) for socket in sockets] == [True] * 5
    for socket in sockets:
        await socket.disconnect()
    assert len(process.sockets) == 0


async def test_a_broadcast_lets_the_server_write_out_as_it_goes(monkeypatch):
    """The server writes a frame out only when the event loop turns: a broadcast turns it every
    WRITE_OUT_EVERY sockets, so the first sockets' frames leave before the last are handed over."""
    monkeypatch.setattr(fanout, "WRITE_OUT_EVERY", 2)
    sockets = await connected(5)
    process = await fanout.group_fanout(INVENTORY_GROUP)
    handed_over_at_first_turn = []

    async def first_turn():
        handed_over_at_first_turn.append(sum(not s.output_queue.empty() for s in sockets))

    asyncio.get_running_loop().create_task(first_turn())
    await process.deliver(relay({"type": "stock", "product_id": 1, "stock": 3}))
    assert handed_over_at_first_turn == [2]
    frames = [await socket.receive_json_from(timeout=3) for socket in sockets]
    assert frames == [{"type": "stock", "product_id": 1, "stock": 3}] * 5
    for socket in sockets:
        await socket.disconnect()


async def test_each_socket_keeps_its_own_subscription(goods):
    warehouse, runner, bottle = goods
    everything, bottles_only = await connected(2)
    await bottles_only.send_json_to({"subscribe": [bottle.pk]})
    assert (await bottles_only.receive_json_from())["type"] == "subscribed"

    await set_level(sku=f"T-{runner.pk}-0", location_id=warehouse.pk, quantity=1)
    await set_level(sku=f"T-{bottle.pk}-0", location_id=warehouse.pk, quantity=7)
    assert [(await everything.receive_json_from(timeout=3))["product_id"] for _ in range(2)] == [
        runner.pk,
        bottle.pk,
    ]
    assert (await bottles_only.receive_json_from(timeout=3))["product_id"] == bottle.pk
    assert await bottles_only.receive_nothing(timeout=0.3)

    await bottles_only.send_json_to({"subscribe": []})
    assert (await bottles_only.receive_json_from())["product_ids"] is None
    await set_level(sku=f"T-{runner.pk}-0", location_id=warehouse.pk, quantity=2)
    assert (await bottles_only.receive_json_from(timeout=3))["product_id"] == runner.pk
    await everything.disconnect()
    await bottles_only.disconnect()


async def test_a_closed_socket_leaves_and_the_others_keep_receiving(goods):
    warehouse, runner, _ = goods
    leaving, staying = await connected(2)
    await leaving.disconnect()
    await set_level(sku=f"T-{runner.pk}-0", location_id=warehouse.pk, quantity=3)
    assert (await staying.receive_json_from(timeout=3))["new_quantity"] == 3
    assert len((await fanout.group_fanout(INVENTORY_GROUP)).sockets) == 1
    await staying.disconnect()


async def test_the_subscription_outlives_the_group_expiry(goods, monkeypatch):
    warehouse, runner, _ = goods
    monkeypatch.setattr(fanout, "RENEW_EVERY_SECONDS", 0.2)
    monkeypatch.setattr(get_channel_layer(), "group_expiry", 1)
    (socket,) = await connected(1)
    await asyncio.sleep(2.5)  # two whole seconds: an unrenewed membership would be gone
    await set_level(sku=f"T-{runner.pk}-0", location_id=warehouse.pk, quantity=6)
    assert (await socket.receive_json_from(timeout=3))["new_quantity"] == 6
    await socket.disconnect()


async def test_a_failed_receive_is_retried(goods, monkeypatch):
    warehouse, runner, _ = goods
    monkeypatch.setattr(fanout, "RETRY_AFTER_SECONDS", 0)
    process = await fanout.group_fanout(INVENTORY_GROUP)
    layer, failed = get_channel_layer(), []
    real_receive = layer.receive

    async def receive_failing_once(channel):
        if channel == process.channel and not failed:
            failed.append(channel)
            raise ConnectionError("Redis restarting")
        return await real_receive(channel)

    monkeypatch.setattr(layer, "receive", receive_failing_once)
    (socket,) = await connected(1)
    await set_level(sku=f"T-{runner.pk}-0", location_id=warehouse.pk, quantity=8)
    assert (await socket.receive_json_from(timeout=3))["new_quantity"] == 8
    assert failed == [process.channel]
    await socket.disconnect()


async def test_socket_servers_collect_young_garbage_less_often():
    from config import asgi

    assert gc.get_threshold()[0] == asgi.YOUNG_COLLECTION_EVERY > 700  # CPython's default: 700
