"""Fixed-window rate limits counted in the cache, so every server process shares them."""

import time
from dataclasses import dataclass

from django.core.cache import cache


@dataclass(frozen=True)
class RateLimit:
    name: str
    limit: int
    window_seconds: int


@dataclass(frozen=True)
class Verdict:
    allowed: bool
    retry_after: int  # seconds until the window resets; 0 when allowed


def hit(rate: RateLimit, ident: str) -> Verdict:
    """Count one attempt by ``ident`` and say whether it is within ``rate``.

    cache.add + cache.incr are atomic in Redis (and under a lock in local memory), so
    concurrent attempts from several processes are all counted.
    """
    now = time.time()
    window = int(now // rate.window_seconds)
    key = f"ratelimit:{rate.name}:{ident}:{window}"
    cache.add(key, 0, timeout=rate.window_seconds + 1)
    try:
        count = cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.add(key, 1, timeout=rate.window_seconds + 1)
        count = 1
    if count <= rate.limit:
        return Verdict(allowed=True, retry_after=0)
    retry_after = max(1, int((window + 1) * rate.window_seconds - now + 0.999))
    return Verdict(allowed=False, retry_after=retry_after)


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
