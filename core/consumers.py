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

from core.fanout import WRITE_OUT_EVERY, group_fanout
from core.realtime import RELAY, user_group

log = structlog.get_logger(__name__)

UNAUTHORIZED = 4401
MISSED_PONGS_LIMIT = 2
# Broadcast events need no database: skip Channels' per-message hop to close old connections,
# which was a quarter of a broadcast's cost across 2,000 sockets (docs/PERFORMANCE.md).
BROADCAST_EVENTS = {RELAY}
PING = json.dumps({"type": "ping"})


LAYER_RETRY_SECONDS = 5
LIVE_UPDATES_DOWN = (
    "Live updates are unavailable right now; everything else works. Reconnect later for them."
)


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


def _signed_in(scope) -> bool:
    user = scope.get("user")
    return user is not None and user.is_authenticated


class Heartbeat:
    """Pings every socket of the process every WS_PING_INTERVAL_SECONDS from when it connected
    and closes those that left MISSED_PONGS_LIMIT pings unanswered: one task for the process,
    where a sleeping task per socket was 1.3 KiB of every idle socket."""

    def __init__(self, loop: asyncio.AbstractEventLoop):
        self.loop = loop
        # When each socket is due; in that order too, as each goes back to the end once pinged.
        self.due: dict[LiveConsumer, float] = {}
        self.task: asyncio.Task | None = None

    def add(self, socket: "LiveConsumer") -> None:
        self.due[socket] = self.loop.time() + settings.WS_PING_INTERVAL_SECONDS
        if self.task is None or self.task.done():
            self.task = self.loop.create_task(self._run())

    def remove(self, socket: "LiveConsumer") -> None:
        self.due.pop(socket, None)

    async def _run(self) -> None:
        pinged = 0
        while self.due:
            socket, at = next(iter(self.due.items()))
            if (wait := at - self.loop.time()) > 0:
                await asyncio.sleep(wait)
                continue
            try:
                still_open = await socket.beat()
            except Exception:
                log.exception("heartbeat_failed")
                still_open = False
            if self.due.pop(socket, None) is not None and still_open:
                self.due[socket] = self.loop.time() + settings.WS_PING_INTERVAL_SECONDS
            pinged += 1
            if pinged % WRITE_OUT_EVERY == 0:  # sockets that connected together fall due together
                await asyncio.sleep(0)


_heartbeat: Heartbeat | None = None


def heartbeat() -> Heartbeat:
    """This process's heartbeat on the running loop (tests start a loop per test)."""
    global _heartbeat
    loop = asyncio.get_running_loop()
    if _heartbeat is None or _heartbeat.loop is not loop:
        _heartbeat = Heartbeat(loop)
    return _heartbeat


class LiveConsumer(AsyncJsonWebsocketConsumer):
    """Events of the groups in ``streams`` come from the process's one subscription to each
    (core.fanout), which writes the frame to the sockets that ``listen`` to its topic; a
    signed-in user's own events come through their user group (core.realtime.send_to_user)."""

    require_user = False
    streams: tuple[str, ...] = ()  # broadcast groups this socket receives

    async def __call__(self, scope, receive, send):
        try:
            await super().__call__(scope, receive, send)
        finally:  # however the consumer ends: a closed socket must not stay registered
            for fanout in getattr(self, "fanouts", {}).values():
                fanout.leave(self)
            heartbeat().remove(self)

    @property
    def channel_layer(self):
        return self.__dict__.get("_channel_layer")

    @channel_layer.setter
    def channel_layer(self, layer):
        # Channels sets this once it has the scope, then gives the consumer a channel of its own
        # with a receive pending on it for as long as the socket is open (5 KiB in memory, 8 with
        # Redis). Only a signed-in user's socket has events of its own; an anonymous one gets
        # everything from the fan-out, so it goes without.
        own_events = layer is not None and _signed_in(self.scope)
        self.__dict__["_channel_layer"] = PatientLayer(layer) if own_events else None

    async def dispatch(self, message):
        if message.get("type") in BROADCAST_EVENTS:
            await getattr(self, get_handler_name(message))(message)
        else:
            await super().dispatch(message)

    async def connect(self):
        signed_in = _signed_in(self.scope)
        if self.scope.get("auth_failed") or (self.require_user and not signed_in):
            await self.close(code=UNAUTHORIZED)
            return
        groups = [user_group(self.scope["user"].pk)] if signed_in else []
        self.fanouts = {group: await group_fanout(group) for group in self.streams}
        try:
            for group in groups:
                await self.channel_layer.group_add(group, self.channel_name)
            for fanout in self.fanouts.values():
                await fanout.join(self, self.base_send)
            self.joined, live = groups, True
        except Exception as exc:  # noqa: BLE001 - the layer is down: serve the socket without it
            log.warning("channel_layer_unavailable", error=f"{type(exc).__name__}: {exc}")
            self.joined, live = [], False
        await self.accept()
        await self.on_connected()
        if not live:
            await self.send_error(LIVE_UPDATES_DOWN)
        self.unanswered_pings = 0
        heartbeat().add(self)

    async def on_connected(self):
        """For subclasses: the first messages after accepting."""

    async def disconnect(self, code):
        for group in getattr(self, "joined", []):
            await self.channel_layer.group_discard(group, self.channel_name)

    def listen(self, group: str, topics: frozenset | None) -> None:
        """Narrow a stream to the events of these topics (None: all of them again)."""
        if group in getattr(self, "fanouts", {}):
            self.fanouts[group].listen(self, topics)

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

    async def beat(self) -> bool:
        """One heartbeat: a ping, or the close once pings went unanswered; False once closed."""
        if self.unanswered_pings >= MISSED_PONGS_LIMIT:
            await self.close(code=4408)
            return False
        self.unanswered_pings += 1
        await self.send(text_data=PING)
        return True

    # Channel-layer events

    async def socket_relay(self, event):
        await self.send(text_data=event["text"])
