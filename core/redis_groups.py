"""channels-redis's group_send for synchronous code (a WSGI worker, a Celery task, a sync view
under daphne), on redis-py's blocking client.

The layer's own group_send is a coroutine: from a thread it needs an event loop (a thread hop
per send) and costs four commands through redis-py's asyncio client: trim the group, read its
members, trim each member's queue, push. Here the same writes, in the same keys and format
(the layer's serializer, capacities and expiries), take one script call when the group has no
members (a shopper with no socket open) and two when it has: members are read first because
each member's message names its channel. An order's three sends cost about a third of the
instructions they did (docs/PERFORMANCE.md).
"""

import time
import weakref

import redis
import redis.sentinel
import structlog
from channels_redis.core import RedisChannelLayer

log = structlog.get_logger(__name__)

# The group's members, after dropping those that joined longer ago than group_expiry.
MEMBERS = """
redis.call('ZREMRANGEBYSCORE', KEYS[1], 0, ARGV[1])
return redis.call('ZRANGE', KEYS[1], 0, -1)
"""

# channels-redis's group_send script with its trimming of expired messages folded in: ARGV is
# the messages, then the capacities (one per key), then now, expiry and the trimming cutoff.
PUSH = """
local count = #KEYS
local now, expiry, cutoff = ARGV[2 * count + 1], ARGV[2 * count + 2], ARGV[2 * count + 3]
local over_capacity = 0
for i = 1, count do
    redis.call('ZREMRANGEBYSCORE', KEYS[i], 0, cutoff)
    if redis.call('ZCOUNT', KEYS[i], '-inf', '+inf') < tonumber(ARGV[count + i]) then
        redis.call('ZADD', KEYS[i], now, ARGV[i])
        redis.call('EXPIRE', KEYS[i], expiry)
    else
        over_capacity = over_capacity + 1
    end
end
return over_capacity
"""


class _Shard:
    """A blocking client for one of the layer's hosts, with the two scripts registered
    (EVALSHA, and EVAL again after a Redis restart has emptied its script cache)."""

    def __init__(self, host: dict):
        self.client = redis.Redis(connection_pool=_pool(host))
        self.members = self.client.register_script(MEMBERS)
        self.push = self.client.register_script(PUSH)


def _pool(host: dict) -> redis.ConnectionPool:
    """The blocking twin of channels_redis.utils.create_pool: the same host settings."""
    host = dict(host)
    if "address" in host:
        return redis.ConnectionPool.from_url(host.pop("address"), **host)
    master_name = host.pop("master_name", None)
    if master_name is not None:
        sentinel = redis.sentinel.Sentinel(
            host.pop("sentinels"), sentinel_kwargs=host.pop("sentinel_kwargs", None)
        )
        return redis.sentinel.SentinelConnectionPool(master_name, sentinel, **host)
    return redis.ConnectionPool(**host)


# Per layer object: tests swap layers, and a process keeps one layer otherwise.
_shards: "weakref.WeakKeyDictionary[RedisChannelLayer, list[_Shard]]" = weakref.WeakKeyDictionary()


def _shards_of(layer: RedisChannelLayer) -> list[_Shard]:
    shards = _shards.get(layer)
    if shards is None:
        shards = _shards[layer] = [_Shard(host) for host in layer.hosts]
    return shards


def group_send(layer: RedisChannelLayer, group: str, message: dict) -> None:
    """``message`` to every channel in ``group``, as ``layer.group_send`` would put it."""
    assert layer.require_valid_group_name(group), "Group name not valid"
    shards = _shards_of(layer)
    now = time.time()
    found = shards[layer.consistent_hash(group)].members(
        keys=[layer._group_key(group)], args=[int(now) - layer.group_expiry]
    )
    if not found:
        return
    channels = [name.decode("utf8") for name in found]
    keys_by_shard, message_by_key, capacity_by_key = layer._map_channel_keys_to_connection(
        channels, message
    )
    for index, keys in keys_by_shard.items():
        args = [message_by_key[key] for key in keys] + [capacity_by_key[key] for key in keys]
        args += [now, layer.expiry, int(now) - int(layer.expiry)]
        over_capacity = shards[index].push(keys=keys, args=args)
        if over_capacity:
            log.info(
                "group_channels_over_capacity",
                group=group,
                over_capacity=over_capacity,
                channels=len(channels),
            )
