"""core.redis_groups: a group send from synchronous code on a real Redis is what channels-redis's
own group_send would have written: its receivers get it, in order, within capacity."""

import asyncio
import time
import uuid

import pytest
from channels_redis.core import RedisChannelLayer
from django.conf import settings

from core import redis_groups
from tests.conftest import full_mode_only

pytestmark = [full_mode_only]


def relay(n) -> dict:
    return {"type": "socket.relay", "frame": {"n": n}}


@pytest.fixture
def layer():
    """A layer of the test's own (a fresh prefix: nothing of other tests' groups)."""
    layer = RedisChannelLayer(
        hosts=[settings.REDIS_URL], prefix=f"test{uuid.uuid4().hex[:8]}", capacity=3
    )
    yield layer
    client = redis_groups._shards_of(layer)[0].client
    for key in client.scan_iter(f"{layer.prefix}*"):
        client.delete(key)


async def drain(layer, channel: str) -> list:
    """The frames ``channel`` can receive now, until it would wait for more."""
    frames = []
    while True:
        try:
            message = await asyncio.wait_for(layer.receive(channel), timeout=0.5)
        except TimeoutError:
            return frames
        frames.append(message["frame"]["n"])


def test_every_member_receives_the_messages_in_the_order_sent(layer):
    async def scenario():
        # A server process's channel (as core.fanout's) and a plain one.
        members = [await layer.new_channel(), "plain-member"]
        for channel in members:
            await layer.group_add("shoppers", channel)
        redis_groups.group_send(layer, "shoppers", relay(1))
        redis_groups.group_send(layer, "shoppers", relay(2))
        got = [await drain(layer, channel) for channel in members]
        await layer.close_pools()
        return got

    assert asyncio.run(scenario()) == [[1, 2], [1, 2]]


def test_a_group_nobody_joined_gets_nothing_written(layer):
    redis_groups.group_send(layer, "empty", relay(1))
    client = redis_groups._shards_of(layer)[0].client
    assert list(client.scan_iter(f"{layer.prefix}*")) == []


def test_a_full_channel_gets_no_more_and_the_others_still_do(layer):
    async def scenario():
        for channel in ("full", "free"):
            await layer.group_add("busy", channel)
        for n in range(3):  # the layer's capacity
            await layer.send("full", relay(n))
        redis_groups.group_send(layer, "busy", relay("late"))
        got = await drain(layer, "free"), await drain(layer, "full")
        await layer.close_pools()
        return got

    assert asyncio.run(scenario()) == (["late"], [0, 1, 2])


def test_members_past_the_group_expiry_are_dropped(layer):
    client = redis_groups._shards_of(layer)[0].client
    group_key = layer._group_key("stale")
    client.zadd(group_key, {"gone": time.time() - layer.group_expiry - 10})
    client.zadd(group_key, {"here": time.time()})
    redis_groups.group_send(layer, "stale", relay(1))
    assert client.zrange(group_key, 0, -1) == [b"here"]
    assert client.exists(f"{layer.prefix}gone") == 0
    assert client.zcard(f"{layer.prefix}here") == 1


def test_messages_past_the_expiry_are_dropped_before_the_new_one(layer):
    client = redis_groups._shards_of(layer)[0].client
    client.zadd(layer._group_key("slow"), {"slow-reader": time.time()})
    queue = f"{layer.prefix}slow-reader"
    for n in range(3):  # a full channel, but of messages nobody read in time
        client.zadd(queue, {f"old-{n}": time.time() - layer.expiry - 10})
    redis_groups.group_send(layer, "slow", relay("fresh"))
    assert client.zcard(queue) == 1
