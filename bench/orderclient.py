"""The order benchmark's load client: python -m bench.orderclient CONFIG.json (run by `python -m bench`).

One asyncio process, standard library only. Each of N clients is one shopper with its own JWT,
looping for a fixed time: add one item to the cart (POST /api/cart/items), then place the
order (POST /api/orders with a fresh Idempotency-Key). An order that fails leaves its item in
the cart, so the client removes it (DELETE /api/cart/items/ID) before the next round; an add
that fails (sold out) skips the order. With "mode": "adds", a round is the add and then the
removal of that line, and no order: carts stay one line long, as a shopper's who changes their
mind. Closed loop, like wrk: a client sends its next request when the last one has been
answered.

Only answers received within the window count; requests in flight at its end are finished
(no half-placed orders) and left out. Prints one JSON line: counts by status and error code,
latency percentiles, the time of the first and last placed order and the client's own CPU time.
"""

import asyncio
import json
import math
import sys
import time
import uuid


class Client:
    def __init__(self, host: str, port: int):
        self.host, self.port = host, port
        self.reader = self.writer = None

    async def request(
        self,
        method: str,
        path: str,
        token: str,
        body: dict | None = None,
        headers: dict | None = None,
    ) -> tuple[int, bytes]:
        data = json.dumps(body).encode() if body is not None else b""
        lines = [
            f"{method} {path} HTTP/1.1",
            f"Host: {self.host}:{self.port}",
            f"Authorization: Bearer {token}",
            "Accept: application/json",
            f"Content-Length: {len(data)}",
        ]
        if body is not None:
            lines.append("Content-Type: application/json")
        lines += [f"{k}: {v}" for k, v in (headers or {}).items()]
        if self.writer is None:
            self.reader, self.writer = await asyncio.open_connection(self.host, self.port)
        self.writer.write(("\r\n".join(lines) + "\r\n\r\n").encode() + data)
        status_line = await self.reader.readline()
        if not status_line:
            raise ConnectionError("connection closed before an answer")
        status = int(status_line.split()[1])
        length, close = None, False
        while True:
            line = await self.reader.readline()
            if line in (b"\r\n", b"\n", b""):
                break
            name, _, value = line.decode("latin-1").partition(":")
            name, value = name.strip().lower(), value.strip()
            if name == "content-length":
                length = int(value)
            elif name == "connection" and value.lower() == "close":
                close = True
        payload = await (
            self.reader.readexactly(length) if length is not None else self.reader.read()
        )
        if close or length is None:  # gunicorn's sync workers close after every answer
            self.close()
        return status, payload

    def close(self) -> None:
        if self.writer is not None:
            self.writer.close()
        self.reader = self.writer = None


def error_code(payload: bytes) -> str:
    try:
        return json.loads(payload)["error"]["code"]
    except (ValueError, KeyError, TypeError):
        return "?"


class Stats:
    def __init__(self, started: float, deadline: float):
        self.started, self.deadline = started, deadline
        self.latency = {"add": [], "order": [], "order_201": [], "remove": []}
        self.statuses = {"add": {}, "order": {}, "remove": {}}
        self.codes = {"add": {}, "order": {}}
        self.socket_errors = 0
        self.placed_at = []  # seconds from the start, of each 201 to an order

    def record(self, kind: str, status: int, payload: bytes, began: float, ended: float) -> None:
        if ended > self.deadline:
            return
        self.latency[kind].append(ended - began)
        self.statuses[kind][status] = self.statuses[kind].get(status, 0) + 1
        if kind in self.codes and status >= 300:
            key = f"{status} {error_code(payload)}"
            self.codes[kind][key] = self.codes[kind].get(key, 0) + 1
        if kind == "order" and status == 201:
            self.latency["order_201"].append(ended - began)
            self.placed_at.append(ended - self.started)


async def shopper(
    index: int,
    user: dict,
    products: list[dict],
    stride: int,
    base: tuple[str, int],
    stats: Stats,
    orders: bool = True,
) -> None:
    client = Client(*base)
    token = user["token"]
    order_body = {"address_id": user["address_id"], "payment_method_id": user["payment_method_id"]}
    round_ = 0
    try:
        while time.perf_counter() < stats.deadline:
            product = products[(index + round_ * stride) % len(products)]
            round_ += 1
            item = {
                "product_id": product["product_id"],
                "quantity": 1,
                "color": product["color"],
                "size": product["size"],
            }
            try:
                began = time.perf_counter()
                status, payload = await client.request("POST", "/api/cart/items", token, item)
                stats.record("add", status, payload, began, time.perf_counter())
                if status != 201:
                    continue
                item_ids = [line["id"] for line in json.loads(payload)["items"]]
                if time.perf_counter() >= stats.deadline:
                    break
                status = None
                if orders:
                    began = time.perf_counter()
                    status, payload = await client.request(
                        "POST",
                        "/api/orders",
                        token,
                        order_body,
                        {"Idempotency-Key": uuid.uuid4().hex},
                    )
                    stats.record("order", status, payload, began, time.perf_counter())
                if status != 201:
                    for item_id in item_ids:  # start the next round with an empty cart
                        began = time.perf_counter()
                        status, payload = await client.request(
                            "DELETE", f"/api/cart/items/{item_id}", token
                        )
                        stats.record("remove", status, payload, began, time.perf_counter())
            except (OSError, ConnectionError, asyncio.IncompleteReadError, ValueError):
                client.close()
                stats.socket_errors += 1
                await asyncio.sleep(0.05)
    finally:
        client.close()


def percentile(values: list[float], pct: float) -> float | None:
    if not values:
        return None
    ordered = sorted(values)  # nearest rank
    return ordered[min(len(ordered), max(1, math.ceil(pct / 100 * len(ordered)))) - 1] * 1000


async def run(config: dict) -> dict:
    users, products, clients = config["users"], config["products"], config["clients"]
    if len(users) < clients:
        sys.exit(f"{clients} clients need {clients} shoppers, got {len(users)}")
    base = (config["host"], config["port"])
    cpu_before = time.process_time()
    started = time.perf_counter()
    stats = Stats(started, started + config["seconds"])
    await asyncio.gather(
        *(
            shopper(i, users[i], products, clients, base, stats, config.get("mode") != "adds")
            for i in range(clients)
        )
    )
    ended = time.perf_counter()
    cpu = time.process_time() - cpu_before
    lat = stats.latency
    return {
        "seconds": config["seconds"],
        "wall": ended - started,
        "clients": clients,
        "placed": len(stats.placed_at),
        "first_placed_s": stats.placed_at[0] if stats.placed_at else None,
        "last_placed_s": stats.placed_at[-1] if stats.placed_at else None,
        "statuses": stats.statuses,
        "codes": stats.codes,
        "socket_errors": stats.socket_errors,
        "order_ms": {p: percentile(lat["order"], p) for p in (50, 90, 99, 100)},
        "order_201_ms": {p: percentile(lat["order_201"], p) for p in (50, 99)},
        "add_ms": {p: percentile(lat["add"], p) for p in (50, 99)},
        "adds": len(lat["add"]),
        "adds_201": stats.statuses["add"].get(201, 0),
        "requests": sum(len(v) for k, v in lat.items() if k != "order_201"),
        "client_cpu_s": cpu,
    }


def main() -> None:
    with open(sys.argv[1]) as f:
        config = json.load(f)
    result = asyncio.run(run(config))
    print("ORDER_RESULT " + json.dumps(result), flush=True)


if __name__ == "__main__":
    main()
