"""Where one request's time goes: python -m bench.hotspots [PATH ...] [--explain] [--profile]

Runs each path through Django's test client in this process, against the bench database
(seed it first with `python -m bench`), and prints the median time, every SQL query with its
time, optionally EXPLAIN ANALYZE of the slow ones and a cProfile of the request.
"""

import argparse
import cProfile
import os
import pstats
import statistics
import time

from bench.db import bench_env

DEFAULT_PATHS = [
    "/bench/trivial",
    "/api/products?limit=20",
    "/api/products?limit=20&category=shoes",
    "/api/products?limit=20&offset=1000",
    "/api/products/search?q=runing+shoos",
    "/api/products/search?q=trail",
    "/api/products?search=running&in_stock=true",
    "/api/products/{id}",
    "/api/products/inventory/{id}",
]


def main() -> None:
    p = argparse.ArgumentParser(
        prog="python -m bench.hotspots",
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    p.add_argument(
        "paths", nargs="*", help="paths to look at ({id}: a product id); default: one per endpoint"
    )
    p.add_argument(
        "-n", type=int, default=20, help="requests per path for the median and profile (default 20)"
    )
    p.add_argument(
        "--explain", action="store_true", help="EXPLAIN ANALYZE queries slower than --slow-ms"
    )
    p.add_argument(
        "--slow-ms", type=float, default=2.0, help="what --explain calls slow (default 2 ms)"
    )
    p.add_argument("--profile", action="store_true", help="print a cProfile of each path")
    args = p.parse_args()

    os.environ.update(bench_env())  # the bench's settings and database, before Django starts
    import django

    django.setup()
    from django.db import connection
    from django.test import Client

    from catalog.models import Product

    product_id = (
        Product.objects.filter(is_active=True).order_by("id").values_list("id", flat=True)[100]
    )
    client = Client(HTTP_HOST="127.0.0.1")
    for path in [p.format(id=product_id) for p in args.paths or DEFAULT_PATHS]:
        response = client.get(path)  # warm: connection, caches, lazy imports
        timings = []
        for _ in range(args.n):
            started = time.perf_counter()
            client.get(path)
            timings.append((time.perf_counter() - started) * 1000)
        queries = []  # (ms, sql, params)

        def timed(execute, sql, params, many, context, queries=queries):
            started = time.perf_counter()
            try:
                return execute(sql, params, many, context)
            finally:
                queries.append(((time.perf_counter() - started) * 1000, sql, params))

        with connection.execute_wrapper(timed):
            started = time.perf_counter()
            client.get(path)
            total_ms = (time.perf_counter() - started) * 1000
        sql_ms = sum(ms for ms, _, _ in queries)
        print(f"\n=== {path}  status {response.status_code}, {len(response.content):,} bytes")
        print(
            f"median {statistics.median(timings):.1f} ms over {args.n}; traced request {total_ms:.1f} ms "
            f"with {len(queries)} queries taking {sql_ms:.1f} ms (round trip, as Django sees it)"
        )
        for ms, sql, params in queries:
            print(f"  {ms:7.2f} ms  {' '.join(sql.split())[:240]}")
        if args.explain:
            for ms, sql, params in queries:
                if ms >= args.slow_ms and sql.lstrip().upper().startswith("SELECT"):
                    with connection.cursor() as cursor:
                        cursor.execute("EXPLAIN (ANALYZE, BUFFERS) " + sql, params)
                        plan = "\n".join("    " + row[0] for row in cursor.fetchall())
                    print(
                        f"  --- EXPLAIN ANALYZE of the {ms:.1f} ms query, params {params}:\n{plan}"
                    )
        if args.profile:
            profiler = cProfile.Profile()
            profiler.enable()
            for _ in range(args.n):
                client.get(path)
            profiler.disable()
            print(f"  --- cProfile over {args.n} requests, by cumulative time:")
            pstats.Stats(profiler).sort_stats("cumulative").print_stats(30)


if __name__ == "__main__":
    main()
