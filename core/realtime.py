"""Channel-layer groups and sending to them from synchronous code (services, after commit).

Apps name their own groups and socket events; what travels is a relay message carrying the
frame a socket should get as it is, so the socket code here never needs to know one app's
events: ``broadcast(group, frame)`` for a group that core.fanout serves per process,
``send_to_user(user_id, frame)`` for one user's open sockets.

A failed send is logged, never raised: a broadcast must not undo or fail the change it
announces. With the Redis layer, every server process's sockets get every message.

Sends come from synchronous code (services after commit, in a WSGI worker, a Celery task or a
sync view's thread): to Redis they go on redis-py's blocking client (core.redis_groups), with
no event loop to start or to hop to. The in-memory layer's queues belong to the server's loop,
so it keeps async_to_sync.
"""

import structlog
from asgiref.sync import async_to_sync
from channels.layers import get_channel_layer
from channels_redis.core import RedisChannelLayer

from core import redis_groups

log = structlog.get_logger(__name__)

RELAY = "socket.relay"


def user_group(user_id: int) -> str:
    return f"user.{user_id}"


def relay(frame: dict) -> dict:
    """The channel-layer message that puts ``frame`` on the sockets it reaches."""
    return {"type": RELAY, "frame": frame}


def broadcast(group: str, frame: dict) -> None:
    send_to_group(group, relay(frame))


def send_to_user(user_id: int, frame: dict) -> None:
    send_to_group(user_group(user_id), relay(frame))


def send_to_group(group: str, message: dict) -> None:
    layer = get_channel_layer()
    if layer is None:
        return
    try:
        if isinstance(layer, RedisChannelLayer):
            redis_groups.group_send(layer, group, message)
        else:
            async_to_sync(layer.group_send)(group, message)
    except Exception:
        log.exception("group_send_failed", group=group, frame=message.get("frame", {}).get("type"))
