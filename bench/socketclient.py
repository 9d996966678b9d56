"""The WebSocket benchmark's client: python -m bench.socketclient CONFIG.json (run by `python -m bench`).

One asyncio process holding many sockets to /ws/inventory/ (the `websockets` package, from
requirements-dev.txt), anonymous, with the Origin header a browser on the site would send.
`python -m bench` starts several and splits the sockets between them.

It talks to the bench in JSON lines. On start it opens its sockets (a bounded number of
handshakes at a time) and prints {"event": "connected", ...}. Each socket then only listens:
it answers the app's heartbeat ({"type": "ping"}) with a pong, and stamps every
inventory_update with time.time() the moment it is read (the wall clock, which the bench's
t0 shares; time.monotonic() is not comparable across processes). Commands on stdin:

    {"cmd": "expect", "quantity": Q, "timeout": S}  wait until every open socket has had the
        update with new_quantity Q (or S seconds), then print {"event": "received", "times":
        [one per socket, null when missing], ...} with the process's CPU seconds meanwhile
    {"cmd": "quit"}  exit at once, without closing handshakes (the server is stopped next)

Updates are recorded whenever they come, so one that arrives before its "expect" is read counts.
"""

import asyncio
import json
import os
import sys
import time

try:
    from websockets.asyncio.client import connect
    from websockets.exceptions import ConnectionClosed, InvalidStatus
except ImportError:  # pragma: no cover - told, not raised
    sys.exit(
        "The socket benchmark needs the websockets package: .venv/bin/pip install -r requirements-dev.txt"
    )


class Sockets:
    def __init__(self, config: dict):
        self.config = config
        self.count = config["count"]
        self.gate = asyncio.Semaphore(config["concurrency"])
        self.arrivals: dict[int, dict[int, float]] = {}  # new_quantity -> {socket index: time}
        self.open: set[int] = set()
        self.failed: dict[str, int] = {}
        self.closed: dict[str, int] = {}  # close codes of sockets the server closed
        self.handshakes: list[float] = []
        self.pings = 0
        self.other = 0  # frames that were neither updates nor pings
        self.tasks = []

    def _count(self, table: dict, key: str) -> None:
        table[key] = table.get(key, 0) + 1

    async def open_one(self, index: int) -> None:
        async with self.gate:
            began = time.perf_counter()
            try:
                socket = await connect(
                    self.config["url"],
                    origin=self.config["origin"],
                    open_timeout=self.config["open_timeout"],
                    ping_interval=None,  # the library's own keepalive off; daphne pings, the library pongs
                    close_timeout=1,
                    max_queue=None,
                )
            except InvalidStatus as error:
                self._count(self.failed, f"HTTP {error.response.status_code}")
                return
            except Exception as error:  # noqa: BLE001 - refused, reset, timed out: counted by kind
                self._count(self.failed, type(error).__name__)
                return
            self.handshakes.append(time.perf_counter() - began)
        self.open.add(index)
        self.tasks.append(asyncio.create_task(self.listen(index, socket)))

    async def listen(self, index: int, socket) -> None:
        try:
            async for raw in socket:
                now = time.time()  # first: the stamp is when the frame was read
                message = json.loads(raw)
                kind = message.get("type")
                if kind == "inventory_update":
                    self.arrivals.setdefault(message.get("new_quantity"), {})[index] = now
                elif kind == "ping":
                    self.pings += 1
                    await socket.send('{"type": "pong"}')
                else:
                    self.other += 1
        except ConnectionClosed:
            pass
        finally:
            self.open.discard(index)
            code = socket.close_code
            self._count(self.closed, str(code) if code is not None else "no close frame")

    async def connect_all(self) -> dict:
        began = time.perf_counter()
        await asyncio.gather(*(self.open_one(i) for i in range(self.count)))
        handshakes = sorted(self.handshakes)
        pick = lambda pct: round(
            1000 * handshakes[min(len(handshakes) - 1, int(pct / 100 * len(handshakes)))], 1
        )
        return {
            "event": "connected",
            "open": len(self.open),
            "failed": self.failed,
            "seconds": time.perf_counter() - began,
            "handshake_ms": {"50": pick(50), "99": pick(99)} if handshakes else None,
        }

    async def expect(self, quantity: int, timeout: float) -> dict:
        cpu_before, began = time.process_time(), time.perf_counter()
        deadline = began + timeout
        while time.perf_counter() < deadline:
            got = self.arrivals.get(quantity, {})
            if all(i in got for i in self.open):
                break
            await asyncio.sleep(0.01)
        got = self.arrivals.get(quantity, {})
        return {
            "event": "received",
            "quantity": quantity,
            "times": [got.get(i) for i in range(self.count)],
            "open": len(self.open),
            "closed": self.closed,
            "pings": self.pings,
            "other": self.other,
            "cpu_s": time.process_time() - cpu_before,
            "waited_s": time.perf_counter() - began,
        }


def say(message: dict) -> None:
    sys.stdout.write(json.dumps(message) + "\n")
    sys.stdout.flush()


async def run(config: dict) -> None:
    sockets = Sockets(config)
    say(await sockets.connect_all())
    loop = asyncio.get_running_loop()
    commands = asyncio.StreamReader(limit=2**20)
    await loop.connect_read_pipe(lambda: asyncio.StreamReaderProtocol(commands), sys.stdin)
    while True:
        line = await commands.readline()
        if not line:
            break  # the bench went away
        command = json.loads(line)
        if command["cmd"] == "expect":
            say(await sockets.expect(command["quantity"], command["timeout"]))
        elif command["cmd"] == "quit":
            break
    os._exit(0)  # no closing handshakes: thousands of them would only slow the stop


def main() -> None:
    with open(sys.argv[1]) as f:
        config = json.load(f)
    asyncio.run(run(config))


if __name__ == "__main__":
    main()
