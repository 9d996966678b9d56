"""Broadcast groups reach a server process once and are written from there to each of its
sockets.

For each group a socket streams (LiveConsumer.streams), the process joins it with one channel
of its own (lazily, on its first socket) and one receive loop; each event arrives with its
frame's text already encoded (core.realtime.relay), and the same ASGI message goes straight to
the ASGI send of every registered socket that listens to the event's topic (or to everything):
which sockets take an event is one lookup per event, not a question asked of every socket. A
channel-layer receive per socket instead cost about 0.4 ms of CPU per recipient and left enough
tasks and futures behind to set off a full garbage collection with most broadcasts
(docs/PERFORMANCE.md). With the Redis layer every process holds such a subscription, so every
socket on every process still gets every event.
"""

import asyncio
from collections.abc import Awaitable, Callable, Hashable

import structlog
from channels.layers import get_channel_layer

from core.realtime import RELAY

log = structlog.get_logger(__name__)

# Group memberships expire after the layer's group_expiry (a day by default), and a process
# may live longer: the subscription joins again this often.
RENEW_EVERY_SECONDS = 3600.0
# After a failed receive (Redis restarting), wait this long, then join again and go on.
RETRY_AFTER_SECONDS = 1.0
# Frames handed to the server between two turns of the event loop: the server writes a socket's
# frame only once the loop turns, so with 8,000 sockets and no turn the first one would wait for
# the last one's; turning every so often lets the clients read while the rest are queued.
WRITE_OUT_EVERY = 256

Send = Callable[[dict], Awaitable[None]]


class GroupFanout:
    def __init__(self, group: str, layer, loop: asyncio.AbstractEventLoop):
        self.group = group
        self.layer = layer
        self.loop = loop
        # Each registered socket: its ASGI send and the topics it listens to (None: every
        # event). Sockets leave when their consumer ends, however it ends (LiveConsumer).
        self.sockets: dict[object, tuple[Send, frozenset | None]] = {}
        self._everything: dict[object, Send] = {}
        self._by_topic: dict[Hashable, dict[object, Send]] = {}
        self.channel: str | None = None
        self.tasks: list[asyncio.Task] = []
        self.subscribing = asyncio.Lock()

    @property
    def subscribed(self) -> bool:
        return bool(self.tasks) and not any(task.done() for task in self.tasks)

    async def join(self, socket, send: Send) -> None:
        """Called before the socket is accepted, so no event committed after it is missed;
        ``send`` is the socket's ASGI send, which takes every event until ``listen`` narrows
        it."""
        if not self.subscribed:
            async with self.subscribing:
                if not self.subscribed:
                    await self._subscribe()
        self._route(socket, send, None)

    def listen(self, socket, topics: frozenset | None) -> None:
        """From now on the socket takes only events of these topics (None: every event)."""
        if socket in self.sockets:
            send, _ = self.sockets[socket]
            self.leave(socket)
            self._route(socket, send, topics)

    def leave(self, socket) -> None:
        _, topics = self.sockets.pop(socket, (None, None))
        self._everything.pop(socket, None)
        for topic in topics or ():
            listening = self._by_topic[topic]
            del listening[socket]
            if not listening:
                del self._by_topic[topic]

    def _route(self, socket, send: Send, topics: frozenset | None) -> None:
        self.sockets[socket] = (send, topics)
        if topics is None:
            self._everything[socket] = send
        for topic in topics or ():
            self._by_topic.setdefault(topic, {})[socket] = send

    async def _subscribe(self) -> None:
        # The default prefix: channels-redis reads all of a process's channels with that prefix
        # from one list, and a channel of another prefix waits out the consumers' blocking reads.
        self.channel = await self.layer.new_channel()
        await self.layer.group_add(self.group, self.channel)
        self.tasks = [self.loop.create_task(self._receive()), self.loop.create_task(self._renew())]

    async def unsubscribe(self) -> None:
        if not self.loop.is_closed():
            for task in self.tasks:
                task.cancel()
        self.tasks = []
        if self.channel:
            await self.layer.group_discard(self.group, self.channel)

    async def _renew(self) -> None:
        while True:
            await asyncio.sleep(RENEW_EVERY_SECONDS)
            await self._join_again()

    async def _receive(self) -> None:
        while True:
            try:
                event = await self.layer.receive(self.channel)
            except Exception:
                log.exception("fanout_receive_failed", group=self.group)
                await asyncio.sleep(RETRY_AFTER_SECONDS)
                await self._join_again()
                continue
            await self.deliver(event)

    async def _join_again(self) -> None:
        try:
            await self.layer.group_add(self.group, self.channel)
        except Exception:
            log.exception("fanout_subscription_renew_failed", group=self.group)

    async def deliver(self, event: dict) -> None:
        if event.get("type") != RELAY:
            return
        sends = list(self._everything.values())
        narrowed = self._by_topic.get(event.get("topic"))
        if narrowed:
            sends += narrowed.values()
        message = {"type": "websocket.send", "text": event["text"]}  # the same for every socket
        for count, send in enumerate(sends, 1):
            try:
                await send(message)
            except Exception:
                log.exception("fanout_send_failed", group=self.group)
            if count % WRITE_OUT_EVERY == 0:
                await asyncio.sleep(0)


_current: dict[str, GroupFanout] = {}


async def group_fanout(group: str) -> GroupFanout:
    """This process's fan-out of ``group`` on the running loop and the configured layer (tests
    start a loop per test and may swap the layer: a stale subscription leaves its group)."""
    loop, layer = asyncio.get_running_loop(), get_channel_layer()
    current = _current.get(group)
    if current is None or current.loop is not loop or current.layer is not layer:
        _current[group] = GroupFanout(group, layer, loop)
        if current is not None:
            try:
                await current.unsubscribe()
            except Exception:
                log.exception("fanout_unsubscribe_failed", group=group)
    return _current[group]
