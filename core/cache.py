"""Redis as a cache that a Redis outage degrades instead of breaking: reads miss, writes are
dropped, and for a few seconds after a failure Redis isn't tried again, so requests don't each
wait out a connection timeout. Counters (incr) have no safe stand-in: they raise
CacheUnavailable, and core.ratelimit counts in the process meanwhile."""

import time

import structlog
from django.core.cache.backends.base import DEFAULT_TIMEOUT
from django.core.cache.backends.redis import RedisCache, RedisCacheClient
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import TimeoutError as RedisTimeoutError

log = structlog.get_logger(__name__)

OUTAGE = (RedisConnectionError, RedisTimeoutError, ConnectionError, TimeoutError)


# KEYS: the keys; ARGV: a value per key, then the expiry in seconds (0: none).
_ADD_MANY = """
local expiry = tonumber(ARGV[#ARGV])
for i, key in ipairs(KEYS) do
    if expiry > 0 then
        redis.call('SET', key, ARGV[i], 'NX', 'EX', expiry)
    else
        redis.call('SET', key, ARGV[i], 'NX')
    end
end
return redis.call('MGET', unpack(KEYS))
"""
_SET_MANY = """
local expiry = tonumber(ARGV[#ARGV])
for i, key in ipairs(KEYS) do
    if expiry > 0 then
        redis.call('SET', key, ARGV[i], 'EX', expiry)
    else
        redis.call('SET', key, ARGV[i])
    end
end
"""
# KEYS[1]: a counter; ARGV[1]: its window in seconds. Count one hit, opening the window (the
# counter's expiry) at the first; answer the count and the seconds the window has left.
_COUNT_IN_WINDOW = """
local count = redis.call('INCR', KEYS[1])
local left = redis.call('TTL', KEYS[1])
if left < 0 then
    redis.call('EXPIRE', KEYS[1], ARGV[1])
    left = tonumber(ARGV[1])
end
return {count, left}
"""
# KEYS: counters. Each one that is set goes up by one; one that isn't stays unset.
_INCR_EXISTING = """
for _, key in ipairs(KEYS) do
    if redis.call('EXISTS', key) == 1 then
        redis.call('INCR', key)
    end
end
"""


class CacheUnavailable(Exception):
    pass


def _unavailable():
    raise CacheUnavailable("Redis is unreachable")


class _ClientPerPool(RedisCacheClient):
    """One redis.Redis per connection pool, instead of one per call: building one (its table
    of reply callbacks) takes about as long as a round trip to a local Redis."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._clients = {}

    def get_client(self, key=None, *, write=False):
        pool = self._get_connection_pool(write)
        client = self._clients.get(pool)
        if client is None:
            client = self._clients[pool] = self._client(connection_pool=pool)
        return client


class FailSoftRedisCache(RedisCache):
    RETRY_AFTER_SECONDS = 5.0

    def __init__(self, server, params):
        super().__init__(server, params)
        self._class = _ClientPerPool
        self._down_until = 0.0
        self._scripts = {}

    def validate_key(self, key):
        """Nothing to check: memcached's limits on keys (length, characters), which Django warns
        about for every key of every call, are not Redis's, and the check is a loop over each
        key's characters (a page of search results reads 20 cards)."""

    def _try(self, operation: str, fallback, *args, **kwargs):
        parent = super()
        return self._guarded(
            operation, fallback, lambda: getattr(parent, operation)(*args, **kwargs)
        )

    def _guarded(self, operation: str, fallback, call):
        if time.monotonic() < self._down_until:
            return fallback()
        try:
            return call()
        except OUTAGE as exc:
            self._down_until = time.monotonic() + self.RETRY_AFTER_SECONDS
            log.warning(
                "cache_unavailable", operation=operation, error=f"{type(exc).__name__}: {exc}"
            )
            return fallback()

    def get(self, key, default=None, version=None):
        return self._try("get", lambda: default, key, default, version)

    def get_many(self, keys, version=None):
        return self._try("get_many", dict, keys, version)

    def has_key(self, key, version=None):
        return self._try("has_key", lambda: False, key, version)

    def set(self, key, value, timeout=DEFAULT_TIMEOUT, version=None):
        return self._try("set", lambda: None, key, value, timeout, version)

    def add(self, key, value, timeout=DEFAULT_TIMEOUT, version=None):
        return self._try("add", lambda: False, key, value, timeout, version)

    def add_many(self, data: dict, timeout=DEFAULT_TIMEOUT, version=None) -> dict:
        """add() of each key, then what each holds (the value added, or the one it had), in
        one command (a script), however many keys. Empty when Redis is unreachable."""

        def add_each():
            keys = [self.make_and_validate_key(key, version=version) for key in data]
            values = [self._cache._serializer.dumps(value) for value in data.values()]
            expiry = self.get_backend_timeout(timeout)
            held = self._script("add_many", _ADD_MANY)(keys, [*values, expiry or 0])
            return {
                key: self._cache._serializer.loads(value)
                for key, value in zip(data, held, strict=True)
                if value is not None
            }

        return self._guarded("add_many", dict, add_each)

    def touch(self, key, timeout=DEFAULT_TIMEOUT, version=None):
        return self._try("touch", lambda: False, key, timeout, version)

    def set_many(self, data, timeout=DEFAULT_TIMEOUT, version=None):
        """As Django's, in one command (a script) rather than a SET and an EXPIRE per key."""

        def set_each():
            keys = [self.make_and_validate_key(key, version=version) for key in data]
            values = [self._cache._serializer.dumps(value) for value in data.values()]
            expiry = self.get_backend_timeout(timeout)
            self._script("set_many", _SET_MANY)(keys, [*values, expiry or 0])
            return []

        if not data:
            return []
        return self._guarded("set_many", lambda: list(data), set_each)

    def _script(self, name: str, source: str):
        """A Lua script on the writing connection pool, registered once (sent by its SHA)."""
        script = self._scripts.get(name)
        if script is None:
            script = self._scripts[name] = self._cache.get_client(write=True).register_script(
                source
            )
        return script

    def delete(self, key, version=None):
        return self._try("delete", lambda: False, key, version)

    def delete_many(self, keys, version=None):
        return self._try("delete_many", lambda: None, keys, version)

    def clear(self):
        return self._try("clear", lambda: False)

    def incr(self, key, delta=1, version=None):
        return self._try("incr", _unavailable, key, delta, version)

    def incr_existing(self, keys, version=None) -> None:
        """incr() of each of ``keys`` that is set, in one command (Django's incr() is two
        round trips a key); a key that isn't set stays unset."""

        def incr_each():
            full_keys = [self.make_and_validate_key(key, version=version) for key in keys]
            self._script("incr_existing", _INCR_EXISTING)(full_keys, [])

        if keys:
            self._guarded("incr_existing", _unavailable, incr_each)

    def count_in_window(self, key, window_seconds: int, version=None) -> tuple[int, int]:
        """One more hit on the counter ``key``, whose window opens at its first hit and lasts
        ``window_seconds``: the count so far and the seconds left, in one round trip."""

        def count():
            full_key = self.make_and_validate_key(key, version=version)
            hits, left = self._script("count_in_window", _COUNT_IN_WINDOW)(
                [full_key], [window_seconds]
            )
            return int(hits), int(left)

        return self._guarded("count_in_window", _unavailable, count)


def add_many(cache, data: dict, timeout=None) -> dict:
    """cache.add() of each key, then what each holds: in one round trip where the backend can
    (Redis). A key missing from the result could not be read (the cache is unreachable)."""
    if hasattr(cache, "add_many"):
        return cache.add_many(data, timeout=timeout)
    for key, value in data.items():
        cache.add(key, value, timeout=timeout)
    return cache.get_many(list(data))


def incr_existing(cache, keys) -> None:
    """cache.incr() of each of ``keys`` that is set: in one round trip where the backend can
    (Redis); a key that isn't set stays unset."""
    if hasattr(cache, "incr_existing"):
        return cache.incr_existing(keys)
    for key in keys:
        try:
            cache.incr(key)
        except ValueError:  # not set
            pass
