"""Prometheus metrics: what every process counts, and GET /metrics for the scraper.

Under several processes (gunicorn workers, daphne, Celery) set PROMETHEUS_MULTIPROC_DIR to an
empty directory before they start: each process then writes its figures to files there and
/metrics adds them up (prometheus-client's multiprocess mode; deploy/gunicorn.conf.py removes a
dead worker's gauges). Without it, /metrics shows this process's own figures.

Apps define their own figures next to the code they count (orders/metrics.py, say) on the same
default registry; this module holds the ones every app shares.
"""

import hmac
import ipaddress
import os
import time
from functools import cache

from django.conf import settings
from django.http import Http404, HttpResponse
from django.views.decorators.http import require_safe
from prometheus_client import (
    CONTENT_TYPE_LATEST,
    REGISTRY,
    CollectorRegistry,
    Counter,
    Gauge,
    Histogram,
    generate_latest,
    multiprocess,
)

from core.ratelimit import client_ip

# Buckets for a shop's requests: most answer in milliseconds; a slow page is a second or more.
REQUEST_BUCKETS = (0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0)

http_requests = Counter(
    "shop_http_requests_total", "HTTP requests answered, by view and status.", ["view", "status"]
)
http_request_seconds = Histogram(
    "shop_http_request_duration_seconds",
    "Time to answer an HTTP request, by view.",
    ["view"],
    buckets=REQUEST_BUCKETS,
)
open_sockets = Gauge(
    "shop_open_sockets",
    "WebSockets open, by consumer.",
    ["consumer"],
    multiprocess_mode="livesum",
)
broadcast_fanout_seconds = Histogram(
    "shop_broadcast_fanout_seconds",
    "Time to hand one broadcast event to every socket of a process, by group.",
    ["group"],
    buckets=(0.001, 0.005, 0.01, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5),
)
task_runs = Counter(
    "shop_celery_task_runs_total", "Celery task runs, by task and outcome.", ["task", "outcome"]
)


def observe_request(request, status: int, seconds: float) -> None:
    """Counted by the request id middleware, which times every request already. The view's name
    keeps the label set small: never the path, which holds ids."""
    match = getattr(request, "resolver_match", None)
    view = (match.view_name or match._func_path) if match is not None else "unmatched"
    http_requests.labels(view=view, status=str(status)).inc()
    http_request_seconds.labels(view=view).observe(seconds)


class timed_fanout:
    """``with timed_fanout(group):`` around handing one event to a process's sockets."""

    __slots__ = ("group", "started")

    def __init__(self, group: str):
        self.group = group

    def __enter__(self):
        self.started = time.perf_counter()

    def __exit__(self, *exc):
        broadcast_fanout_seconds.labels(group=self.group).observe(
            time.perf_counter() - self.started
        )


def count_task(sender=None, state=None, **kwargs) -> None:
    """Celery's task_postrun signal: one run of ``sender`` ended in ``state``."""
    outcome = "failure" if state == "FAILURE" else "retry" if state == "RETRY" else "success"
    task_runs.labels(task=getattr(sender, "name", "unknown"), outcome=outcome).inc()


@cache
def _allowed_networks() -> tuple:
    return tuple(
        ipaddress.ip_network(entry.strip(), strict=False)
        for entry in settings.METRICS_ALLOWED_IPS
        if entry.strip()
    )


def _allowed(request) -> bool:
    token = settings.METRICS_TOKEN
    if token:
        sent = request.headers.get("Authorization", "")
        if hmac.compare_digest(sent.encode(), f"Bearer {token}".encode()):
            return True
    try:
        address = ipaddress.ip_address(client_ip(request))
    except ValueError:
        return False
    return any(address in network for network in _allowed_networks())


@require_safe
def metrics(request):
    """GET /metrics: 404 to anyone not allowed, so its existence isn't told."""
    if not _allowed(request):
        raise Http404
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        registry = CollectorRegistry()
        multiprocess.MultiProcessCollector(registry)
    else:
        registry = REGISTRY
    return HttpResponse(generate_latest(registry), content_type=CONTENT_TYPE_LATEST)
