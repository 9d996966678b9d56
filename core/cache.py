"""Redis as a cache that a Redis outage degrades instead of breaking: reads miss, writes are
dropped, and for a few seconds after a failure Redis isn't tried again, so requests don't each
wait out a connection timeout. Counters (incr) have no safe stand-in: they raise
CacheUnavailable, and core.ratelimit counts in the process meanwhile."""

import time

import structlog
from django.core.cache.backends.base import DEFAULT_TIMEOUT
from django.core.cache.backends.redis import RedisCache
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import TimeoutError as RedisTimeoutError

log = structlog.get_logger(__name__)

OUTAGE = (RedisConnectionError, RedisTimeoutError, ConnectionError, TimeoutError)


class CacheUnavailable(Exception):
    pass


def _unavailable():
    raise CacheUnavailable("Redis is unreachable")


class FailSoftRedisCache(RedisCache):
    RETRY_AFTER_SECONDS = 5.0

    def __init__(self, server, params):
        super().__init__(server, params)
        self._down_until = 0.0

    def _try(self, operation: str, fallback, *args, **kwargs):
        if time.monotonic() < self._down_until:
            return fallback()
        try:
            return getattr(super(), operation)(*args, **kwargs)
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
