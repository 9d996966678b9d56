"""Fixed-window rate limits counted in the cache, so every server process shares them."""

import hashlib
import math
import time
from dataclasses import dataclass

from django.core.cache import cache
from django.core.cache.backends.locmem import LocMemCache

from core.cache import CacheUnavailable


@dataclass(frozen=True)
class RateLimit:
    name: str
    limit: int
    window_seconds: int


@dataclass(frozen=True)
class Verdict:
    allowed: bool
    retry_after: int  # seconds until the window resets; 0 when allowed


# Where attempts are counted while the shared cache is unreachable: this process only.
_PROCESS_COUNTS = LocMemCache("ratelimit-while-cache-is-down", {})


def hit(rate: RateLimit, ident: str) -> Verdict:
    """Count one attempt by ``ident`` and say whether it is within ``rate``.

    The window opens at the first attempt and lasts ``window_seconds``. The count is atomic
    in Redis (a script) and under a lock in local memory, so concurrent attempts from several
    processes are all counted. While Redis is down each process counts alone:
    looser, but never no limit at all.
    """
    try:
        return _count(cache, rate, ident)
    except CacheUnavailable:
        return _count(_PROCESS_COUNTS, rate, ident)


def _count(cache, rate: RateLimit, ident: str) -> Verdict:
    # Hashed: an ident is whatever a client typed (a login name), of any length or charset.
    key = f"ratelimit:{rate.name}:{hashlib.sha256(ident.encode()).hexdigest()[:32]}"
    if hasattr(cache, "count_in_window"):  # Redis: one round trip (a script)
        count, left = cache.count_in_window(key, rate.window_seconds)
    else:
        count, left = _count_step_by_step(cache, key, rate.window_seconds)
    if count <= rate.limit:
        return Verdict(allowed=True, retry_after=0)
    return Verdict(allowed=False, retry_after=max(1, left))


def _count_step_by_step(cache, key: str, window_seconds: int) -> tuple[int, int]:
    """The count and the seconds left in its window, on a cache without count_in_window."""
    now = time.time()
    cache.add(f"{key}:opened", now, timeout=window_seconds)
    cache.add(key, 0, timeout=window_seconds)
    try:
        count = cache.incr(key)
    except ValueError:  # the window closed between add and incr
        cache.add(key, 1, timeout=window_seconds)
        count = 1
    opened = cache.get(f"{key}:opened", now)
    return count, math.ceil(opened + window_seconds - now)


def client_ip(request) -> str:
    """The client's address; behind TRUSTED_PROXY_COUNT proxies, from X-Forwarded-For."""
    from django.conf import settings

    proxies = settings.TRUSTED_PROXY_COUNT
    forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
    if proxies and forwarded:
        hops = [hop.strip() for hop in forwarded.split(",") if hop.strip()]
        if len(hops) >= proxies:
            return hops[-proxies]
    return request.META.get("REMOTE_ADDR", "") or "unknown"
