"""DRF's scoped throttle, counted as core.ratelimit counts."""

from rest_framework.throttling import ScopedRateThrottle

from core.ratelimit import RateLimit, hit


class ScopedWindowThrottle(ScopedRateThrottle):
    """A view's ``throttle_scope`` rate, per user (per client address for visitors), in a
    fixed window in the shared cache: one round trip a request where DRF's own throttle reads
    and writes back a list of timestamps (two, and a longer list the busier the client), and
    still counted, per process, while Redis is down, where DRF's would let everything through."""

    def allow_request(self, request, view) -> bool:
        self.scope = getattr(view, self.scope_attr, None)
        if not self.scope:
            return True
        self.rate = self.get_rate()
        self.num_requests, self.duration = self.parse_rate(self.rate)
        ident = self.get_cache_key(request, view)  # names the scope and the user or address
        if ident is None:
            return True
        verdict = hit(RateLimit("throttle", self.num_requests, self.duration), ident)
        self.retry_after = verdict.retry_after
        return verdict.allowed

    def wait(self) -> int:
        return self.retry_after
