"""Broadcast groups reach a server process once and are written from there to each of its
sockets.

For each group a socket streams (LiveConsumer.streams), the process joins it with one channel
of its own (lazily, on its first socket) and one receive loop; each event's frame is encoded
once and the same text goes to every registered socket that ``wants`` it, straight to the
server's send. A channel-layer receive per socket instead cost about 0.4 ms of CPU per
recipient and left enough tasks and futures behind to set off a full garbage collection with
most broadcasts (docs/PERFORMANCE.md). With the Redis layer every process holds such a
subscription, so every socket on every process still gets every event.
"""

import asyncio
import json
import weakref

import structlog
from channels.layers import get_channel_layer

from core.metrics import timed_fanout
from core.realtime import RELAY

log = structlog.get_logger(__name__)

# Group memberships expire after the layer's group_expiry (a day by default), and a process
# may live longer: the subscription joins again this often.
RENEW_EVERY_SECONDS = 3600.0
# After a failed receive (Redis restarting), wait this long, then join again and go on.
RETRY_AFTER_SECONDS = 1.0
# Frames handed to the server between two turns of the event loop: the server writes a socket's
# frame out only when the loop turns, so with no turn the first of 8,000 sockets would wait for
# the last one's frame to be queued; a turn every so often lets the first clients read meanwhile.
WRITE_OUT_EVERY = 256
# Where KeepServerSend puts the server's own ASGI send in a socket's scope.
SERVER_SEND = "shop.server_send"


class GroupFanout:
    def __init__(self, group: str, layer, loop: asyncio.AbstractEventLoop):
        self.group = group
        self.layer = layer
        self.loop = loop
        self.sockets: weakref.WeakSet = weakref.WeakSet()  # weak: a crashed consumer can't leak
        self.channel: str | None = None
        self.tasks: list[asyncio.Task] = []
        self.subscribing = asyncio.Lock()

    @property
    def subscribed(self) -> bool:
        return bool(self.tasks) and not any(task.done() for task in self.tasks)

    async def join(self, consumer) -> None:
        """Called before the socket is accepted, so no event committed after it is missed."""
        if not self.subscribed:
            async with self.subscribing:
                if not self.subscribed:
                    await self._subscribe()
        self.sockets.add(consumer)

    def leave(self, consumer) -> None:
        self.sockets.discard(consumer)

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
        frame = event["frame"]
        message = {"type": "websocket.send", "text": json.dumps(frame)}  # the same for every socket
        with timed_fanout(self.group):
            for count, consumer in enumerate(list(self.sockets), 1):
                if consumer.wants(self.group, frame):
                    try:
                        await consumer.scope.get(SERVER_SEND, consumer.base_send)(message)
                    except Exception:
                        log.exception("fanout_send_failed", group=self.group)
                if count % WRITE_OUT_EVERY == 0:
                    await asyncio.sleep(0)


class KeepServerSend:
    """Keeps the server's own ASGI send in the scope (SERVER_SEND), for deliver(): the frame goes
    straight to it, past the consumer's send and the session middleware's wrapper, which do
    nothing for a socket's frame but cost several calls for each of thousands of sockets."""

    def __init__(self, inner):
        self.inner = inner

    async def __call__(self, scope, receive, send):
        return await self.inner({**scope, SERVER_SEND: send}, receive, send)


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
