"""Channel-layer groups and sending to them from synchronous code (services, after commit).

A failed send is logged, never raised: a broadcast must not undo or fail the change it
announces. With the Redis layer, every server process's sockets get every message.
"""

import structlog
from asgiref.sync import async_to_sync
from channels.layers import get_channel_layer

log = structlog.get_logger(__name__)

INVENTORY_GROUP = "inventory"


def user_group(user_id: int) -> str:
    return f"user.{user_id}"


def send_to_group(group: str, message: dict) -> None:
    layer = get_channel_layer()
    if layer is None:
        return
    try:
        async_to_sync(layer.group_send)(group, message)
    except Exception:  # noqa: BLE001 - see the module docstring
        log.exception("group_send_failed", group=group, message_type=message.get("type"))
