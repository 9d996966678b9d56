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

    def add_many(self, data: dict, timeout=DEFAULT_TIMEOUT, version=None) -> None:
        """add() of each key, in one round trip (a pipeline of SET NX)."""

        def add_each():
            client = self._cache.get_client(write=True)
            expiry = self.get_backend_timeout(timeout)
            with client.pipeline(transaction=False) as pipeline:
                for key, value in data.items():
                    pipeline.set(
                        self.make_and_validate_key(key, version=version),
                        self._cache._serializer.dumps(value),
                        nx=True,
                        ex=expiry,
                    )
                pipeline.execute()

        return self._guarded("add_many", lambda: None, add_each)

    def touch(self, key, timeout=DEFAULT_TIMEOUT, version=None):
        return self._try("touch", lambda: False, key, timeout, version)

    def set_many(self, data, timeout=DEFAULT_TIMEOUT, version=None):
        return self._try("set_many", lambda: list(data), data, timeout, version)

    def delete(self, key, version=None):
        return self._try("delete", lambda: False, key, version)

    def delete_many(self, keys, version=None):
        return self._try("delete_many", lambda: None, keys, version)

    def clear(self):
        return self._try("clear", lambda: False)

    def incr(self, key, delta=1, version=None):
        return self._try("incr", _unavailable, key, delta, version)


def add_many(cache, data: dict, timeout=None) -> None:
    """cache.add() of each key: in one round trip where the backend can (Redis)."""
    if hasattr(cache, "add_many"):
        cache.add_many(data, timeout=timeout)
        return
    for key, value in data.items():
        cache.add(key, value, timeout=timeout)
