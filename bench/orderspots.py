"""Where one order placement's time goes: python -m bench.orderspots [-n 20] [--explain] [--profile]

Places orders through Django's test client in this process, against the bench database (seed
it and make the shoppers first: `python -m bench --only orders`), as a bench shopper with a
JWT: each round adds one item to the cart (POST /api/cart/items) and places the order (POST
/api/orders). Prints the median time of both requests, every SQL query of one order with its
time and the line of the app that ran it (CaptureQueriesContext counts them), a summary by
that line, optionally EXPLAIN ANALYZE of the slow queries (writes rolled back) and a cProfile
of the order requests. The mock gateway's delay is off unless --delay says otherwise.
"""

import argparse
import cProfile
import os
import pstats
import statistics
import sys
import time
import traceback
import uuid
from collections import defaultdict
from pathlib import Path

from bench.db import ROOT, bench_env

APP_DIRS = ("accounts", "cart", "catalog", "core", "loyalty", "orders")


def origin() -> str:
    """The innermost frame of the app's own code (not Django's, not this file's)."""
    for frame in reversed(traceback.extract_stack()):
        path = Path(frame.filename)
        try:
            relative = path.relative_to(ROOT)
        except ValueError:
            continue
        if relative.parts and relative.parts[0] in APP_DIRS:
            return f"{relative}:{frame.lineno} {frame.name}"
    return "(framework)"


def patch_broadcasts(counter: dict, *, off: bool) -> None:
    """Time every core.realtime.send_to_group (the after-commit stock and order updates), or
    make it a no-op; the modules that imported it by name get the same wrapper."""
    import sys as _sys

    from core import realtime

    real = realtime.send_to_group

    def send_to_group(*args, **kwargs):
        started = time.perf_counter()
        try:
            return None if off else real(*args, **kwargs)
        finally:
            counter["n"] += 1
            counter["ms"] += (time.perf_counter() - started) * 1000

    for module in list(_sys.modules.values()):
        if getattr(module, "send_to_group", None) is real:
            module.send_to_group = send_to_group


def main() -> None:
    p = argparse.ArgumentParser(
        prog="python -m bench.orderspots",
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    p.add_argument(
        "-n", type=int, default=20, help="orders for the medians and the profile (default 20)"
    )
    p.add_argument(
        "--explain", action="store_true", help="EXPLAIN ANALYZE queries slower than --slow-ms"
    )
    p.add_argument(
        "--slow-ms", type=float, default=1.0, help="what --explain calls slow (default 1 ms)"
    )
    p.add_argument("--profile", action="store_true", help="print a cProfile of the order requests")
    p.add_argument(
        "--profile-out", metavar="FILE", help="also write that profile to FILE (pstats format)"
    )
    p.add_argument("--delay", type=float, default=0.0, help="PAYMENT_DELAY_SECONDS (default 0)")
    p.add_argument(
        "--hot", action="store_true", help="buy the hot product (bench.orderprep) every time"
    )
    p.add_argument(
        "--without-broadcasts",
        action="store_true",
        help="replace the channel-layer sends after commit (stock and order updates) with no-ops, "
        "to see what they cost",
    )
    args = p.parse_args()

    os.environ.update(bench_env())  # the bench's settings and database, before Django starts
    os.environ["PAYMENT_DELAY_SECONDS"] = f"{args.delay:g}"
    import django

    django.setup()
    from django.db import connection, transaction
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from bench import orderprep

    broadcasts = {"n": 0, "ms": 0.0}
    patch_broadcasts(broadcasts, off=args.without_broadcasts)

    user = orderprep.tokens(orderprep.shoppers(1))[0]
    orderprep.empty_carts(orderprep.shoppers(1))
    products = orderprep.spread_products(max(200, 3 * args.n))
    if args.hot:
        hot = orderprep.set_hot_stock(orderprep.hot_product_id(), 10_000)
        products = [hot]
    client = Client(HTTP_HOST="127.0.0.1", HTTP_AUTHORIZATION=f"Bearer {user['token']}")
    order_body = {"address_id": user["address_id"], "payment_method_id": user["payment_method_id"]}
    rounds = iter(range(10**9))

    def add():
        product = products[next(rounds) % len(products)]
        response = client.post(
            "/api/cart/items",
            {
                "product_id": product["product_id"],
                "quantity": 1,
                "color": product["color"],
                "size": product["size"],
            },
            content_type="application/json",
        )
        if response.status_code != 201:
            sys.exit(f"add to cart: {response.status_code} {response.content[:300]!r}")

    def order():
        response = client.post(
            "/api/orders",
            order_body,
            content_type="application/json",
            HTTP_IDEMPOTENCY_KEY=uuid.uuid4().hex,
        )
        if response.status_code != 201:
            sys.exit(f"order: {response.status_code} {response.content[:300]!r}")
        return response

    add(), order()  # warm: connection, caches, lazy imports
    add_ms, order_ms, add_cpu, order_cpu = [], [], [], []
    broadcasts.update(n=0, ms=0.0)
    for _ in range(args.n):
        started, cpu = time.perf_counter(), time.process_time()
        add()
        add_ms.append((time.perf_counter() - started) * 1000)
        add_cpu.append((time.process_time() - cpu) * 1000)
        started, cpu = time.perf_counter(), time.process_time()
        order()
        order_ms.append((time.perf_counter() - started) * 1000)
        order_cpu.append((time.process_time() - cpu) * 1000)
    sends = (
        f"{broadcasts['n'] / args.n:.1f} channel-layer sends per order, {broadcasts['ms'] / args.n:.1f} ms"
        if not args.without_broadcasts
        else "channel-layer sends replaced by no-ops"
    )

    queries = []  # (ms, sql, params, origin)

    def timed(execute, sql, params, many, context):
        started = time.perf_counter()
        try:
            return execute(sql, params, many, context)
        finally:
            queries.append(((time.perf_counter() - started) * 1000, sql, params, origin()))

    with CaptureQueriesContext(connection) as add_captured, connection.execute_wrapper(timed):
        add()
    add_queries, queries[:] = list(queries), []
    with CaptureQueriesContext(connection) as captured, connection.execute_wrapper(timed):
        started = time.perf_counter()
        response = order()
        total_ms = (time.perf_counter() - started) * 1000
    sql_ms = sum(q[0] for q in queries)
    print(
        f"add to cart: median {statistics.median(add_ms):.1f} ms over {args.n} "
        f"(CPU of this process {statistics.median(add_cpu):.1f} ms), {len(add_captured)} statements "
        f"(CaptureQueriesContext, with BEGIN/COMMIT):"
    )
    for ms, sql, _, where in add_queries:
        print(f"  {ms:6.2f} ms  {where:<55}  {' '.join(sql.split())[:150]}")
    print(
        f"place order: median {statistics.median(order_ms):.1f} ms over {args.n} "
        f"(CPU of this process {statistics.median(order_cpu):.1f} ms) "
        f"(p90 {statistics.quantiles(order_ms, n=10)[-1]:.1f} ms; {sends}); traced order {total_ms:.1f} ms, "
        f"status {response.status_code}, {len(captured)} statements (CaptureQueriesContext, with BEGIN/COMMIT); "
        f"the {len(queries)} queries took {sql_ms:.1f} ms (round trip, as Django sees it):"
    )
    for ms, sql, _, where in queries:
        print(f"  {ms:6.2f} ms  {where:<55}  {' '.join(sql.split())[:150]}")
    print("\nby line of app code (queries, ms):")
    grouped = defaultdict(lambda: [0, 0.0])
    for ms, _, _, where in queries:
        grouped[where][0] += 1
        grouped[where][1] += ms
    for where, (n, ms) in sorted(grouped.items(), key=lambda kv: -kv[1][1]):
        print(f"  {n:3d} {ms:7.2f} ms  {where}")
    kinds = defaultdict(int)
    for _, sql, _, _ in queries:
        kinds[sql.split()[0].upper()] += 1
    print(
        "by statement: "
        + ", ".join(f"{k} {n}" for k, n in sorted(kinds.items(), key=lambda kv: -kv[1]))
    )

    if args.explain:
        for ms, sql, params, where in queries:
            if ms < args.slow_ms or sql.split()[0].upper() in ("SAVEPOINT", "RELEASE", "INSERT"):
                continue
            with transaction.atomic(), connection.cursor() as cursor:
                try:
                    cursor.execute("EXPLAIN (ANALYZE, BUFFERS) " + sql, params)
                    plan = "\n".join("    " + row[0] for row in cursor.fetchall())
                except Exception as error:  # noqa: BLE001 - e.g. a row the query wrote is gone
                    plan = f"    (could not EXPLAIN: {error})"
                transaction.set_rollback(True)  # EXPLAIN ANALYZE runs writes: undo them
            print(
                f"\n  --- EXPLAIN ANALYZE of the {ms:.2f} ms query from {where}, params {params}:\n"
                f"    {' '.join(sql.split())[:400]}\n{plan}"
            )

    if args.profile:
        profiler = cProfile.Profile()
        for _ in range(args.n):
            add()
            profiler.enable()
            order()
            profiler.disable()
        print(
            f"\n--- cProfile over {args.n} order requests (adds not profiled), by cumulative time:"
        )
        pstats.Stats(profiler).sort_stats("cumulative").print_stats(45)
        print("--- the app's own functions, by cumulative time:")
        pstats.Stats(profiler).sort_stats("cumulative").print_stats(
            rf"{ROOT}/({'|'.join(APP_DIRS)})/", 30
        )
        print("--- by own time:")
        pstats.Stats(profiler).sort_stats("tottime").print_stats(25)
        if args.profile_out:
            profiler.dump_stats(args.profile_out)
    orderprep.empty_carts(orderprep.shoppers(1))


if __name__ == "__main__":
    main()
