"""The base of every socket: authentication outcome, the inventory stream (optionally narrowed
by {"subscribe": [product ids]}), the user's own order updates, a heartbeat, and bad frames
answered with an error event instead of a dropped connection."""

import asyncio
import json

import structlog
from channels.generic.websocket import AsyncJsonWebsocketConsumer
from channels.consumer import get_handler_name
from django.conf import settings
from django.utils import timezone

from config.fanout import inventory_fanout
from config.realtime import user_group

log = structlog.get_logger(__name__)

UNAUTHORIZED = 4401
MISSED_PONGS_LIMIT = 2
# Broadcast events need no database: skip Channels' per-message hop to close old connections,
# which was a quarter of a broadcast's cost across 2,000 sockets (docs/PERFORMANCE.md).
BROADCAST_EVENTS = {"order.update"}


LAYER_RETRY_SECONDS = 5
LIVE_UPDATES_DOWN = "Live updates are unavailable right now; everything else works. Reconnect later for them."


class PatientLayer:
    """The channel layer, with a receive that waits out a Redis outage: Channels ends the
    consumer, and so the socket, when the layer's receive raises."""

    def __init__(self, layer):
        self._layer = layer

    def __getattr__(self, name):
        return getattr(self._layer, name)

    async def receive(self, channel):
        while True:
            try:
                return await self._layer.receive(channel)
            except Exception as exc:  # noqa: BLE001 - any layer failure: wait, then try again
                log.warning("channel_layer_receive_failed", error=f"{type(exc).__name__}: {exc}")
                await asyncio.sleep(LAYER_RETRY_SECONDS)


class LiveConsumer(AsyncJsonWebsocketConsumer):
    """Inventory events come from the process's one subscription (config.fanout), which asks
    `wants` and writes the frame; order updates come through the user's own group."""

    require_user = False

    @property
    def channel_layer(self):
        return self.__dict__.get("_channel_layer")

    @channel_layer.setter
    def channel_layer(self, layer):
        self.__dict__["_channel_layer"] = PatientLayer(layer) if layer is not None else None

    async def dispatch(self, message):
        if message.get("type") in BROADCAST_EVENTS:
            await getattr(self, get_handler_name(message))(message)
        else:
            await super().dispatch(message)

    async def connect(self):
        user = self.scope.get("user")
        signed_in = user is not None and user.is_authenticated
        if self.scope.get("auth_failed") or (self.require_user and not signed_in):
            await self.close(code=UNAUTHORIZED)
            return
        groups = [user_group(user.pk)] if signed_in else []
        self.subscribed: set[int] | None = None
        self.unanswered_pings = 0
        self.fanout = await inventory_fanout()
        try:
            for group in groups:
                await self.channel_layer.group_add(group, self.channel_name)
            await self.fanout.join(self)
            self.joined, live = groups, True
        except Exception as exc:  # noqa: BLE001 - the layer is down: serve the socket without it
            log.warning("channel_layer_unavailable", error=f"{type(exc).__name__}: {exc}")
            self.joined, live = [], False
        await self.accept()
        await self.on_connected()
        if not live:
            await self.send_error(LIVE_UPDATES_DOWN)
        self.heartbeat = asyncio.create_task(self._beat())

    async def on_connected(self):
        """For subclasses: the first messages after accepting."""

    async def disconnect(self, code):
        if getattr(self, "heartbeat", None):
            self.heartbeat.cancel()
        if getattr(self, "fanout", None):
            self.fanout.leave(self)
        for group in getattr(self, "joined", []):
            await self.channel_layer.group_discard(group, self.channel_name)

    async def receive(self, text_data=None, bytes_data=None, **kwargs):
        if text_data is None or len(text_data) > settings.WS_MAX_FRAME_CHARS:
            await self.send_error("Send JSON text frames of at most %d characters." % settings.WS_MAX_FRAME_CHARS)
            return
        try:
            content = json.loads(text_data)
        except ValueError:
            await self.send_error("That was not valid JSON.")
            return
        if not isinstance(content, dict):
            await self.send_error("Send a JSON object.")
            return
        await self.receive_json(content)

    async def receive_json(self, content, **kwargs):
        if content.get("type") == "pong":
            self.unanswered_pings = 0
        elif "subscribe" in content:
            await self.subscribe(content["subscribe"])
        else:
            await self.handle(content)

    async def handle(self, content: dict):
        """For subclasses: any other message."""
        await self.send_error("Unknown message.")

    async def subscribe(self, ids):
        if ids is None or ids == []:
            self.subscribed = None  # everything again
        elif isinstance(ids, list) and all(isinstance(i, int) and not isinstance(i, bool) for i in ids) and len(ids) <= 500:
            self.subscribed = set(ids)
        else:
            await self.send_error('Subscribe with {"subscribe": [product ids]} (at most 500).')
            return
        await self.send_event("subscribed", product_ids=sorted(self.subscribed) if self.subscribed else None)

    async def send_event(self, type_: str, **fields):
        await self.send_json({"type": type_, **fields, "timestamp": timezone.now().isoformat()})

    async def send_error(self, message: str):
        await self.send_event("error", content=message)

    async def _beat(self):
        interval = settings.WS_PING_INTERVAL_SECONDS
        while True:
            await asyncio.sleep(interval)
            if self.unanswered_pings >= MISSED_PONGS_LIMIT:
                await self.close(code=4408)
                return
            self.unanswered_pings += 1
            await self.send_json({"type": "ping"})

    def wants(self, product_id: int) -> bool:
        return self.subscribed is None or product_id in self.subscribed

    # Channel-layer events

    async def order_update(self, event):
        await self.send_json({**event, "type": "order_update"})
