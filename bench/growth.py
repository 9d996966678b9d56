"""How the costs grow with the catalog: python -m bench --growth 5000,50000,500000

For each size, a database of its own, DATABASE_SIZE (shop_perf_50000, say), seeded with
`seed_demo --products SIZE` when it has no catalog yet and reused after that. On it, gunicorn
(the production server) is measured as the catalog bench measures it: the trivial view, list
and detail (cache hits after the warm-up) and search misses (bench/searches.py: queries drawn
from that catalog, none asked before); then order placement, the spread setup of
bench/orders.py only, payment delay off; then the search's SQL is EXPLAINed (bench/explain.py).
The Redis database is flushed between sizes: the cache holds no database's name.
"""

import copy
import json
import os
import shlex
import subprocess
import sys
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from bench import db, orders, report, runs, searches, servers
from bench.endpoints import DETAIL, LIST, SEARCH, SEARCH_MISSES, SEARCH_QUERIES, TRIVIAL, endpoints
from bench.load import Result

SERVER = "gunicorn"
MEASURED = (TRIVIAL, LIST, DETAIL, SEARCH_MISSES)
# Searches whose plans are shown, the same at every size: a brand (thousands of matches), a
# category, colour + category, brand + category, two typos, and part of a model's name.
EXPLAINED = ["nike", "running shoes", "black hoodie", "nike hoodie", "runing shoos", "glide volt"]
REFERENCE, LARGEST = 50_000, 500_000
MAX_P99_RATIO = 2.0


@dataclass
class Size:
    products: int
    database: str
    setup: dict
    facts: dict
    pool: searches.Pool
    results: dict[str, Result]
    order: orders.OrderRun
    plans: dict


def explain(limit: int = 20) -> dict:
    done = subprocess.run(
        [sys.executable, "-m", "bench.explain", "--limit", str(limit), *EXPLAINED],
        cwd=db.ROOT,
        env=db.bench_env(),
        capture_output=True,
        text=True,
        timeout=1800,
    )
    line = next((l for l in done.stdout.splitlines() if l.startswith("EXPLAIN_RESULT ")), None)
    if done.returncode or line is None:
        sys.exit(
            f"bench.explain failed ({done.returncode}):\n{done.stdout[-2000:]}{done.stderr[-4000:]}"
        )
    return json.loads(line.removeprefix("EXPLAIN_RESULT "))


def measure_size(products: int, args, work_dir: Path) -> Size:
    setup = db.prepare(products, reseed=args.reseed)
    db.claim_cache()
    facts = db.facts()
    pool = searches.pool(SEARCH_QUERIES)
    every = endpoints(db.sample(500), searches.FreshPaths("api", pool.queries))
    to_measure = [e for e in every if e.name in MEASURED]
    # Each worker's first searches (not measured) set up whatever the search keeps per process.
    warm_extra = next(e for e in every if e.name == SEARCH).paths
    catalog_args = copy.copy(args)
    catalog_args.single = ""
    print(f"{db.DATABASE}: {SERVER}, {', '.join(MEASURED)}", flush=True)
    server = servers.start(SERVER, workers=args.workers, log_dir=work_dir, log_name=db.DATABASE)
    try:
        results = runs.measure(server, to_measure, catalog_args, work_dir, warm_extra=warm_extra)
    except BaseException:
        print(f"{SERVER} log: {server.log}", file=sys.stderr)
        raise
    finally:
        servers.stop(server)
    order_args = copy.copy(args)
    order_args.payment_delays = [0.0]
    order_runs, _ = orders.measure(order_args, work_dir, scenarios=(orders.SPREAD,))
    print(f"{db.DATABASE}: EXPLAIN of {len(EXPLAINED)} searches", flush=True)
    plans = explain()
    return Size(products, db.DATABASE, setup, facts, pool, results, order_runs[0], plans)


def _cell(r: Result | None, trivial: Result | None = None) -> str:
    if r is None:
        return "–"
    cell = f"{r.rps:,.0f} / {r.p99_ms:.1f}"
    if trivial and trivial.rps:
        cell += f" ({100 * r.rps / trivial.rps:.0f}%)"
    return cell + (f", {r.errors:,} errors" if r.errors else "")


def table(sizes: list[Size]) -> str:
    rows = [
        (
            "| products | trivial req/s | list req/s / p99 ms | detail req/s / p99 ms | "
            "search misses req/s / p99 ms | orders/s / order p99 ms | workers' RSS after, MiB "
            "(sum: per worker) | seeding |"
        ),
        "|---:|---:|---:|---:|---:|---:|---|---|",
    ]
    for size in sizes:
        r = size.results
        trivial = r.get(TRIVIAL)
        order = size.order
        order_errors = sum(order.errors("order").values())
        order_cell = f"{order.orders_per_s:.1f} / {order.client['order_ms']['99'] or 0:.0f}" + (
            f", {order_errors:,} errors" if order_errors else ""
        )
        last = list(r.values())[-1] if r else None
        seeding = (
            f"{size.setup['seed_seconds']:.0f} s"
            if size.setup["seed_seconds"] is not None
            else "reused"
        )
        rows.append(
            f"| {size.facts['products']:,} | {trivial.rps:,.0f} | {_cell(r.get(LIST), trivial)} "
            f"| {_cell(r.get(DETAIL), trivial)} | {_cell(r.get(SEARCH_MISSES), trivial)} "
            f"| {order_cell} | {report.rss_cell(last) if last else '–'} | {seeding} |"
        )
    return "\n".join(rows)


def verdict(sizes: list[Size]) -> str:
    by_size = {s.facts["products"]: s.results.get(SEARCH_MISSES) for s in sizes}
    wanted = f"search misses' p99 at {LARGEST:,} products at most {MAX_P99_RATIO:g} times its p99 at {REFERENCE:,}"
    reference, largest = by_size.get(REFERENCE), by_size.get(LARGEST)
    if not (reference and largest):
        return f"- {wanted}: **not judged** (measured: {', '.join(f'{n:,}' for n in by_size)} products)."
    ratio = largest.p99_ms / reference.p99_ms
    return (
        f"- {wanted}: **{'met' if ratio <= MAX_P99_RATIO else 'not met'}** "
        f"({largest.p99_ms:.1f} ms against {reference.p99_ms:.1f} ms: {ratio:.2f} times)."
    )


def plans_text(size: Size) -> list[str]:
    plans = size.plans
    out = [
        f"#### {size.facts['products']:,} products",
        "",
        (
            f"First search in a fresh process (connection, imports, whatever the search sets up "
            f"once): {plans['first_ms']:.0f} ms."
        ),
        "",
        "| query | matches | request ms | statements | SELECTs: ms in the request / EXPLAIN ANALYZE execution ms |",
        "|---|---:|---:|---:|---|",
    ]
    for search in plans["searches"]:
        selects = "; ".join(
            f"{s['kind']} {s['request_ms']:.1f} / {s['execution_ms']:.1f}"
            if s["execution_ms"] is not None
            else f"{s['kind']} {s['request_ms']:.1f} / –"
            for s in search["statements"]
        )
        out.append(
            f"| {search['query']} | {search['count']:,} | {search['request_ms']:.1f} "
            f"| {search['statements_in_request']} | {selects or 'none'} |"
        )
    out.append("")
    for search in plans["searches"]:
        # The plan that matters most for each search: its slowest statement's.
        timed = [s for s in search["statements"] if s["execution_ms"] is not None]
        if not timed:
            continue
        slowest = max(timed, key=lambda s: s["execution_ms"])
        out += [
            "<details>",
            (
                f"<summary>{search['query']}: {slowest['kind']}, "
                f"{slowest['execution_ms']:.1f} ms</summary>"
            ),
            "",
            "```sql",
            " ".join(slowest["sql"].split()),
            "```",
            "",
            "```",
            slowest["plan"],
            "```",
            "",
            "</details>",
            "",
        ]
    return out


def section(sizes: list[Size], *, command: str, date: str, args, load_before: str) -> str:
    first = sizes[0]
    out = [
        "## Growth",
        "",
        f"Measured {date} with `{command}`.",
        "",
        table(sizes),
        "",
        verdict(sizes),
        "",
        (
            "req/s / p99 ms (% of the trivial view's req/s in the same server run): list and "
            "detail are cache hits (the warm-up asked for every path), search misses are searches "
            "the server had not answered before (bench/searches.py; the check per size is below); "
            "orders: the spread setup of the order bench (every client buys a different product), "
            "payment delay off. RSS: the gunicorn workers after the last catalog run."
        ),
        "",
        "Search misses, every request new:",
        "",
    ]
    for size in sizes:
        to_check = endpoints(None, searches.FreshPaths("api", size.pool.queries))
        for line in report.fresh_lines(size.results, to_check):
            out.append(line.replace("- search-misses:", f"- {size.facts['products']:,} products:"))
    out += [
        "",
        "### Search plans (EXPLAIN (ANALYZE, BUFFERS))",
        "",
        (
            "Each search below ran once through the API in a process of its own with an empty "
            "cache (bench/explain.py), after one search that set the process up; its statements "
            "(CaptureQueriesContext) were then run again under EXPLAIN (ANALYZE, BUFFERS), in "
            "order, SET statements included, and rolled back. So the buffers are mostly hits. "
            "Each size's table lists every SELECT; the plan shown is each search's slowest."
        ),
        "",
    ]
    for size in sizes:
        out += plans_text(size)
    out += [
        "### How",
        "",
        *[
            f"- {size.facts['products']:,} products: `{size.database}`, {size.setup['text']}; "
            f"{size.facts['variants']:,} variants, {size.facts['stock levels']:,} stock levels; "
            f"search misses from {len(size.pool.queries):,} queries"
            for size in sizes
        ],
        (
            f"- server: `{servers.shown(SERVER, args.workers)}`, a fresh one per size, environment "
            f"as for the catalog above (PostgreSQL database of the size, {db.REDIS_URL} flushed "
            "between sizes)"
        ),
        (
            f"- load: wrk, {args.threads} thread, {args.connections} connections, {args.duration:g} s "
            f"per endpoint after a warm-up (each path of list, detail and the cached search once, "
            f"then {args.warmup:g} s); orders: {args.connections} clients, {args.duration:g} s, "
            f"{args.spread:,} products"
        ),
        f"- code: {orders.code_state()}",
        (
            f"- machine sharing: wrk, PostgreSQL and Redis run on the same {os.cpu_count()} cores "
            f"as the server; load average before the run {load_before}"
        ),
        f"- versions: PostgreSQL {first.facts['PostgreSQL']}, Redis {first.facts['Redis']}",
        "",
    ]
    return "\n".join(out)


def main(args, argv: list[str], work_dir: Path) -> None:
    load_before = " / ".join(f"{x:.2f}" for x in os.getloadavg())
    base = db.DATABASE
    sizes = []
    try:
        for products in args.growth:
            db.use(f"{base}_{products}")
            sizes.append(measure_size(products, args, work_dir))
    finally:
        db.use(base)
    print(f"\nGrowth (gunicorn)\n{table(sizes)}\n{verdict(sizes)}")
    if args.no_doc:
        return
    text = section(
        sizes,
        command=shlex.join(["python", "-m", "bench", *argv]),
        date=datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC"),
        args=args,
        load_before=load_before,
    )
    report.write(args.doc, growth=text)
    print(f"\nWrote {args.doc}; server logs in {work_dir}")
