"""Load benchmarks against PostgreSQL and Redis: `python -m bench --help`.

The catalog API (wrk per endpoint) and order placement (`--only orders`: bench/orders.py,
concurrent shoppers adding to the cart and placing orders, with an oversell check). Figures
and how they were made go to docs/PERFORMANCE.md. One request's cost, in-process:
`python -m bench.hotspots` (catalog paths) and `python -m bench.orderspots` (an order).
"""
