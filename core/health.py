"""GET /health: can this process reach its database, cache and channel layer? 200 "ok";
200 "degraded" when only Redis-backed parts are down; 503 "unavailable" without the database."""

import asyncio
import uuid

import structlog
from asgiref.sync import sync_to_async
from channels.layers import get_channel_layer
from django.core.cache import cache
from django.db import connection
from django.http import JsonResponse
from django.views.decorators.http import require_safe

log = structlog.get_logger(__name__)

CHECK_TIMEOUT_SECONDS = 3


def check_database() -> None:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    finally:
        connection.close()  # this runs in a worker thread of its own: leave nothing open


def check_cache() -> None:
    key = f"health:{uuid.uuid4().hex}"
    cache.set(key, "ok", timeout=10)
    if cache.get(key) != "ok":
        raise RuntimeError("cache did not return the value just written")
    cache.delete(key)


async def check_channel_layer() -> None:
    layer = get_channel_layer()
    if layer is None:
        raise RuntimeError("no channel layer configured")
    channel = await layer.new_channel("health.")
    await layer.send(channel, {"type": "health.check"})
    message = await layer.receive(channel)
    if message.get("type") != "health.check":
        raise RuntimeError("channel layer returned another message")


async def _outcome(name: str, check) -> str:
    try:
        await asyncio.wait_for(check(), timeout=CHECK_TIMEOUT_SECONDS)
    except Exception as exc:  # noqa: BLE001 - any failure means the part is down
        log.warning("health_check_failed", part=name, error=f"{type(exc).__name__}: {exc}")
        return "down"
    return "ok"


@require_safe
async def health(request):
    # Concurrently and each in its own thread, so one part that hangs can't make the others
    # look down too.
    checks = {
        "database": sync_to_async(check_database, thread_sensitive=False),
        "cache": sync_to_async(check_cache, thread_sensitive=False),
        "channel_layer": check_channel_layer,
    }
    outcomes = await asyncio.gather(*(_outcome(name, check) for name, check in checks.items()))
    parts = dict(zip(checks, outcomes))
    # Without its database the process can't serve; without Redis it serves, degraded (no
    # shared rate limits or cache, no live updates), and stays in the load balancer.
    if parts["database"] != "ok":
        status = "unavailable"
    else:
        status = "ok" if all(state == "ok" for state in parts.values()) else "degraded"
    body = {"status": status, **parts}
    return JsonResponse(body, status=503 if status == "unavailable" else 200)
