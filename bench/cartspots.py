"""A cart add and its removal, in process: python -m bench.cartspots [-n 20]

What the adds setup of the order bench asks, one round at a time: as a bench shopper with a JWT,
POST /api/cart/items, then DELETE /api/cart/items/ID for the line it made, through Django's test
client against the bench database (seed it and make the shoppers first: `python -m bench --only
orders`). Prints the median time and CPU of both requests. `python -m bench.instructions
--cart` counts its instructions per round under callgrind.
"""

import argparse
import os
import statistics
import sys
import time

from bench.db import bench_env


def main() -> None:
    p = argparse.ArgumentParser(
        prog="python -m bench.cartspots",
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    p.add_argument("-n", type=int, default=20, help="rounds measured (default 20)")
    args = p.parse_args()

    os.environ.update(bench_env())  # the bench's settings and database, before Django starts
    import django

    django.setup()
    from django.test import Client

    from bench import orderprep

    shopper = orderprep.shoppers(1)
    user = orderprep.tokens(shopper)[0]
    orderprep.empty_carts(shopper)
    products = orderprep.spread_products(200)
    client = Client(HTTP_HOST="127.0.0.1", HTTP_AUTHORIZATION=f"Bearer {user['token']}")

    def request(method, path, expected, **kwargs):
        started, cpu = time.perf_counter(), time.process_time()
        response = method(path, content_type="application/json", **kwargs)
        if response.status_code != expected:
            sys.exit(f"{path}: {response.status_code} {response.content[:300]!r}")
        return response, (time.perf_counter() - started) * 1000, (time.process_time() - cpu) * 1000

    def round_(i: int) -> tuple[float, float, float, float]:
        product = products[i % len(products)]
        body = {key: product[key] for key in ("product_id", "color", "size")}
        added, add_ms, add_cpu = request(client.post, "/api/cart/items", 201, data=body)
        line = added.json()["items"][0]["id"]
        _, remove_ms, remove_cpu = request(client.delete, f"/api/cart/items/{line}", 200)
        return add_ms, add_cpu, remove_ms, remove_cpu

    round_(0)  # warm: connection, caches, lazy imports
    add_ms, add_cpu, remove_ms, remove_cpu = zip(*(round_(i) for i in range(1, args.n + 1)))
    print(
        f"add: median {statistics.median(add_ms):.1f} ms (CPU {statistics.median(add_cpu):.1f}); "
        f"removal: median {statistics.median(remove_ms):.1f} ms "
        f"(CPU {statistics.median(remove_cpu):.1f}), over {args.n} rounds"
    )
    orderprep.empty_carts(shopper)


if __name__ == "__main__":
    main()
