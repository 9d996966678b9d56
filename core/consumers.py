"""The base of every socket: authentication outcome, the broadcast groups it streams (through
the process's fan-out), the signed-in user's own events, a heartbeat, and bad frames answered
with an error event instead of a dropped connection. Apps subclass it with their groups,
filters and messages; the events themselves are theirs (core.realtime carries them)."""

import asyncio
import json

import structlog
from channels.consumer import get_handler_name
from channels.generic.websocket import AsyncJsonWebsocketConsumer
from django.conf import settings
from django.utils import timezone

from core.fanout import group_fanout
from core.metrics import open_sockets
from core.realtime import RELAY, user_group

log = structlog.get_logger(__name__)

UNAUTHORIZED = 4401
MISSED_PONGS_LIMIT = 2
# Broadcast events need no database: skip Channels' per-message hop to close old connections,
# which was a quarter of a broadcast's cost across 2,000 sockets (docs/PERFORMANCE.md).
BROADCAST_EVENTS = {RELAY}


LAYER_RETRY_SECONDS = 5
LIVE_UPDATES_DOWN = (
    "Live updates are unavailable right now; everything else works. Reconnect later for them."
)


class PatientLayer:
    """The channel layer, with a receive that waits out a Redis outage: Channels ends the
    consumer, and so the socket, when the layer's receive raises. Redis keeps nothing on disk,
    so after an outage the consumer's groups are joined again (``rejoin``) before receiving."""

    def __init__(self, layer, rejoin):
        self._layer = layer
        self._rejoin = rejoin

    def __getattr__(self, name):
        return getattr(self._layer, name)

    async def receive(self, channel):
        while True:
            try:
                return await self._layer.receive(channel)
            except Exception as exc:  # noqa: BLE001 - any layer failure: wait, then try again
                log.warning("channel_layer_receive_failed", error=f"{type(exc).__name__}: {exc}")
                await asyncio.sleep(LAYER_RETRY_SECONDS)
                await self._rejoin()


class LiveConsumer(AsyncJsonWebsocketConsumer):
    """Events of the groups in ``streams`` come from the process's one subscription to each
    (core.fanout), which asks ``wants`` and writes the frame; a signed-in user's own events come
    through their user group (core.realtime.send_to_user)."""

    require_user = False
    streams: tuple[str, ...] = ()  # broadcast groups this socket receives

    @property
    def channel_layer(self):
        return self.__dict__.get("_channel_layer")

    @channel_layer.setter
    def channel_layer(self, layer):
        self.__dict__["_channel_layer"] = (
            PatientLayer(layer, rejoin=self._join_groups_again) if layer is not None else None
        )

    async def _join_groups_again(self) -> None:
        """After a layer outage: this socket's own groups (the user's), which a restarted Redis
        has forgotten. A failure is left to the next receive, which waits and comes back here."""
        try:
            for group in getattr(self, "joined", []):
                await self.channel_layer.group_add(group, self.channel_name)
        except Exception as exc:  # noqa: BLE001 - still down
            log.warning("channel_layer_rejoin_failed", error=f"{type(exc).__name__}: {exc}")

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
        self.unanswered_pings = 0
        self.fanouts = [await group_fanout(group) for group in self.streams]
        try:
            for group in groups:
                await self.channel_layer.group_add(group, self.channel_name)
            for fanout in self.fanouts:
                await fanout.join(self)
            self.joined, live = groups, True
        except Exception as exc:  # noqa: BLE001 - the layer is down: serve the socket without it
            log.warning("channel_layer_unavailable", error=f"{type(exc).__name__}: {exc}")
            self.joined, live = [], False
        await self.accept()
        self.counted = open_sockets.labels(consumer=type(self).__name__)
        self.counted.inc()
        await self.on_connected()
        if not live:
            await self.send_error(LIVE_UPDATES_DOWN)
        self.heartbeat = asyncio.create_task(self._beat())

    async def on_connected(self):
        """For subclasses: the first messages after accepting."""

    async def disconnect(self, code):
        if getattr(self, "counted", None):
            self.counted.dec()
            self.counted = None
        if getattr(self, "heartbeat", None):
            self.heartbeat.cancel()
        for fanout in getattr(self, "fanouts", []):
            fanout.leave(self)
        for group in getattr(self, "joined", []):
            await self.channel_layer.group_discard(group, self.channel_name)

    async def receive(self, text_data=None, bytes_data=None, **kwargs):
        if text_data is None or len(text_data) > settings.WS_MAX_FRAME_CHARS:
            await self.send_error(
                f"Send JSON text frames of at most {settings.WS_MAX_FRAME_CHARS} characters."
            )
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
        else:
            await self.handle(content)

    async def handle(self, content: dict):
        """For subclasses: any other message."""
        await self.send_error("Unknown message.")

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

    def wants(self, group: str, frame: dict) -> bool:
        """For subclasses: whether this socket takes a frame broadcast to one of its streams."""
        return True

    # Channel-layer events

    async def socket_relay(self, event):
        await self.send_json(event["frame"])
