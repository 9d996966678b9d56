"""python -m bench: on the seeded PostgreSQL database (seeded first when missing), serve the app as
production does, load each catalog endpoint and storefront page with wrk (cached answers, and
searches never asked before), place orders with concurrent shoppers (bench/orders.py) and
broadcast a stock change to thousands of WebSockets (bench/sockets.py), print the tables and
rewrite the generated part of docs/PERFORMANCE.md. With --growth, measure how the costs grow
with the catalog instead (bench/growth.py)."""

import argparse
import os
import shlex
import signal
import sys
import tempfile
from datetime import UTC, datetime
from pathlib import Path

from bench import db, growth, load, orders, report, runs, searches, servers, sockets
from bench.endpoints import (
    GROUPS,
    MISS,
    SEARCH,
    SEARCH_PAGE,
    SEARCH_QUERIES,
    chosen,
    endpoints,
    names,
)

ORDERS = "orders"
SOCKETS = "sockets"


def _list(kind, choices=None):
    def parse(text):
        values = [kind(x.strip()) for x in text.split(",") if x.strip()]
        if choices and set(values) - set(choices):
            raise argparse.ArgumentTypeError(f"choose from {', '.join(choices)}")
        return values

    return parse


def parse_args(argv):
    p = argparse.ArgumentParser(prog="python -m bench", description=__doc__)
    p.add_argument("--products", type=int, default=50_000, help="products to seed (default 50000)")
    p.add_argument(
        "--reseed",
        action="store_true",
        help=f"recreate and seed {db.DATABASE} even when it exists (by default an existing, "
        "seeded one is reused, after `migrate`)",
    )
    p.add_argument("--reuse-db", action="store_true", help="the default now; kept for old commands")
    p.add_argument(
        "--servers",
        default="gunicorn,gunicorn-persistent,gunicorn-uvicorn,uvicorn,daphne",
        help=f"catalog endpoints: comma-separated, in order, from {', '.join(servers.SERVERS)} "
        "(default all of them); orders always run on gunicorn",
    )
    p.add_argument("--workers", type=int, default=3, help="gunicorn sync workers (default 3)")
    p.add_argument(
        "-c",
        "--connections",
        type=int,
        default=32,
        help="concurrent connections; orders: clients (default 32)",
    )
    p.add_argument(
        "-d",
        "--duration",
        type=float,
        default=10,
        help="seconds per endpoint, and per order run (default 10)",
    )
    p.add_argument(
        "--warmup",
        type=float,
        default=5,
        help="warm-up: each path of the cached endpoints once, then this many seconds over all of "
        "them (default 5; 0: no warm-up); the search misses' runs only ever ask for new URLs, "
        "but the warm-up sends 64 of each sequence once, so that every worker has built its "
        "search index before the runs",
    )
    p.add_argument(
        "--cards",
        choices=("cold", "kept"),
        default="cold",
        help="search misses: delete the product cards the app caches before each run, so that "
        "every run builds them as a shop's first searches do (cold, the default), or keep those "
        "earlier runs left (kept): the answers are misses either way",
    )
    p.add_argument(
        "--single",
        default="search,search-misses",
        help="endpoints to measure again with one connection, as NAME @1 (default search,search-misses)",
    )
    p.add_argument(
        "--threads",
        type=int,
        default=1,
        help="wrk threads (default 1: leaves the second core to the server)",
    )
    p.add_argument(
        "--quiet-wait",
        type=float,
        default=30,
        help="catalog endpoints: seconds to wait at most for other processes to quiet down before "
        "each one (default 30; on a machine others keep busy, less)",
    )
    p.add_argument(
        "--retries",
        type=int,
        default=2,
        help="measure an endpoint again when other processes took over 10%% of the CPUs (default 2)",
    )
    p.add_argument(
        "--only",
        help="comma-separated scenarios: catalog endpoint names or groups of them ("
        + "; ".join(f"{group}: {','.join(members)}" for group, members in GROUPS.items())
        + f"; trivial is always kept with them), {ORDERS!r} and/or {SOCKETS!r}; "
        "default: everything",
    )
    p.add_argument(
        "--growth",
        type=_list(int),
        metavar="SIZES",
        help="instead: for each number of products (e.g. 5000,50000,500000), on a database "
        f"{db.DATABASE}_SIZE (seeded when missing), measure list, detail, search misses and "
        "order placement on gunicorn, and EXPLAIN the searches; writes the Growth section",
    )
    p.add_argument(
        "--users", type=int, default=64, help="orders: shopper accounts (default 64; at least -c)"
    )
    p.add_argument(
        "--spread",
        type=int,
        default=2000,
        help="orders: products the uncontended setup buys from (default 2000)",
    )
    p.add_argument(
        "--hot-stock", type=int, default=200, help="orders: units of the hot product (default 200)"
    )
    p.add_argument(
        "--payment-delays",
        default="0,0.2",
        type=lambda text: [float(x) for x in text.split(",") if x.strip()],
        help="orders: PAYMENT_DELAY_SECONDS values, each a server run of its own; the first is "
        "the headline (default 0,0.2: the mock gateway's wait off, then its default)",
    )
    p.add_argument(
        "--socket-layers",
        type=_list(str, (sockets.MEMORY, sockets.REDIS)),
        default=[sockets.MEMORY, sockets.REDIS],
        help="sockets: channel layers, in order (default memory,redis)",
    )
    p.add_argument(
        "--socket-counts",
        type=_list(int),
        default=[500, 1000, 2000, 4000, 8000],
        help="sockets: numbers of sockets, each on a fresh daphne; a layer stops at the first "
        "size that does not hold (default 500,1000,2000,4000,8000)",
    )
    p.add_argument(
        "--socket-layouts",
        type=_list(str, (sockets.SINGLE, sockets.NGINX2)),
        default=[sockets.SINGLE],
        help="sockets: single = one daphne process, for each of --socket-layers and "
        "--socket-counts; nginx2 = two daphne processes behind nginx (deploy/nginx/shop.conf), "
        "Redis layer only, for each of --socket-counts-nginx2 (default single)",
    )
    p.add_argument(
        "--socket-counts-nginx2",
        type=_list(int),
        default=[4000, 8000, 16000],
        help="sockets: numbers of sockets for the nginx2 layout, each on fresh servers; it stops "
        "at the first size that does not hold (default 4000,8000,16000)",
    )
    p.add_argument(
        "--socket-rounds",
        type=int,
        default=3,
        help="sockets: broadcasts per size and trigger, one at a time (default 3; the median "
        "round by p99 is the headline)",
    )
    p.add_argument(
        "--socket-triggers",
        type=_list(str, (sockets.API, sockets.DIRECT)),
        default=[sockets.API, sockets.DIRECT],
        help="sockets: api = PUT /api/staff/stock (both layers); direct = group_send from another "
        "process (Redis only) (default api,direct)",
    )
    p.add_argument(
        "--socket-clients",
        type=int,
        default=2,
        help="sockets: client processes sharing the sockets (default 2)",
    )
    p.add_argument(
        "--socket-concurrency",
        type=int,
        default=64,
        help="sockets: handshakes in flight at once, over all clients (default 64)",
    )
    p.add_argument(
        "--socket-timeout",
        type=float,
        default=120,
        help="sockets: seconds a round waits for every socket to receive (default 120)",
    )
    p.add_argument(
        "--socket-give-up",
        type=float,
        default=10,
        help="sockets: larger sizes are skipped once a layer's p99 exceeds this many seconds (default 10)",
    )
    p.add_argument(
        "--py-spy",
        metavar="BINARY",
        help="sockets: profile the server with this py-spy binary during the broadcasts (raw stacks "
        "and a summary in the work directory)",
    )
    p.add_argument(
        "--socket-whatif",
        type=_list(str, ("gc-freeze", "gc-off", "gc-log", "pubsub")),
        default=[],
        help="sockets: serve bench/whatif.py's variant of the app instead (experiments: "
        "gc-freeze, gc-off, gc-log, pubsub; see that file)",
    )
    p.add_argument(
        "--py-spy-native",
        action="store_true",
        help="sockets: with --py-spy, sample C frames too (the garbage collector, the selector)",
    )
    p.add_argument(
        "--doc",
        type=Path,
        default=db.ROOT / "docs" / "PERFORMANCE.md",
        help="report to rewrite (default docs/PERFORMANCE.md; another path to try the bench "
        "without touching it: an existing file's hand-written part is kept, a new one gets a "
        "placeholder)",
    )
    p.add_argument("--no-doc", action="store_true", help="print the table only")
    args = p.parse_args(argv)
    known = names() | set(GROUPS) | {ORDERS, SOCKETS}
    unknown = set(args.only.split(",")) - known if args.only else set()
    if unknown:
        p.error(
            f"--only: unknown {', '.join(sorted(unknown))}; choose from {', '.join(sorted(known))}"
        )
    return args


def _interrupt(signum, frame):
    """SIGTERM unwinds like Ctrl-C, so the finally blocks stop the servers."""
    raise KeyboardInterrupt


def main(argv=None) -> None:
    args = parse_args(argv)
    server_names = [s.strip() for s in args.servers.split(",") if s.strip()]
    for name in server_names:
        servers.command(name, 0, 1)  # unknown names fail before the slow setup
    signal.signal(signal.SIGTERM, _interrupt)
    work_dir = Path(tempfile.mkdtemp(prefix="bench-"))  # kept: server logs, wrk scripts, ...
    if args.growth:
        growth.main(args, argv if argv is not None else sys.argv[1:], work_dir)
        return

    load_before = " / ".join(f"{x:.2f}" for x in os.getloadavg())
    wanted = set(args.only.split(",")) if args.only else None
    run_orders = wanted is None or ORDERS in wanted
    run_sockets = wanted is None or SOCKETS in wanted
    catalog_wanted = wanted is None or bool(wanted - {ORDERS, SOCKETS})
    if catalog_wanted:
        load.wrk_binary()
    setup, facts = None, None  # the socket bench brings its own database
    if catalog_wanted or run_orders:
        setup = db.prepare(args.products, reseed=args.reseed)["text"]
        if db.claim_cache():
            setup += f"; {db.REDIS_URL} flushed: its cache was another database's"
        facts = db.facts()
    settings = {"setup": setup}
    to_measure, pool, warm_extra = [], None, []
    if catalog_wanted:
        names_wanted = chosen(wanted - {ORDERS, SOCKETS} if wanted else None)

        def is_wanted(name: str) -> bool:
            return names_wanted is None or name in names_wanted

        if any(e.cache == MISS and is_wanted(e.name) for e in endpoints()):
            pool = searches.pool(SEARCH_QUERIES)
        sequences = (
            [searches.FreshPaths(kind, pool.queries) for kind in ("api", "page")] if pool else []
        )
        every = endpoints(db.sample(500), *sequences)
        to_measure = [e for e in every if is_wanted(e.name)]
        if pool:
            # Each worker's first searches (cached ones, not measured) set up whatever the
            # search keeps per process, so that the misses measure a server that has been up.
            warm_extra = [p for e in every if e.name in (SEARCH, SEARCH_PAGE) for p in e.paths]

    results = {}
    for name in server_names if to_measure else []:
        print(f"{name}: starting", flush=True)
        server = servers.start(name, workers=args.workers, log_dir=work_dir)
        try:
            results[name] = runs.measure(server, to_measure, args, work_dir, warm_extra=warm_extra)
        except BaseException:
            print(f"{name} log: {server.log}", file=sys.stderr)
            raise
        finally:
            servers.stop(server)
        if any(r.errors for r in results[name].values()):
            print(f"  errors: see {server.log}", flush=True)

    order_runs = []
    if run_orders:
        order_runs, prep = orders.measure(args, work_dir)

    socket_runs = []
    if run_sockets:
        socket_load_before = " / ".join(f"{x:.2f}" for x in os.getloadavg())
        socket_code = orders.code_state()
        socket_runs, socket_prep = sockets.measure(args, work_dir)

    for name, by_endpoint in results.items():
        cache = {e.name: e.cache for e in to_measure}
        print(f"\n{name}\n{report.table(by_endpoint, cache)}")
        print("\n".join(report.fresh_lines(by_endpoint, to_measure)))
        print("\n".join(report.targets(by_endpoint, facts["products"])))
    if len(results) > 1:
        print(f"\n{report.comparison(results)}")
    if order_runs:
        print(f"\norders (gunicorn)\n{orders.table(order_runs)}\n")
        print("\n".join([*orders.hot_lines(order_runs), *orders.targets(order_runs)]))
        print(f"\n{orders.machine_table(order_runs)}")
    if socket_runs:
        print(f"\nWebSocket broadcast\n{sockets.table(socket_runs)}\n")
        print(sockets.machine_table(socket_runs) + "\n")
        print("\n".join(sockets.targets(socket_runs, socket_prep["skipped"])))
    if args.no_doc:
        return
    command = shlex.join(["python", "-m", "bench", *(argv if argv is not None else sys.argv[1:])])
    date = datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC")
    machine_sharing = (
        f"the load client, PostgreSQL and Redis run on the same {os.cpu_count()} cores as "
        f"the server; load average before the run {load_before}"
    )
    orders_section = None
    if order_runs:
        orders_section = orders.section(
            order_runs,
            command=command,
            date=date,
            settings={
                "setup": (
                    f"{setup}; {len(prep['users'])} shopper accounts (bench-shopper-NNN@example.com, one "
                    f"address and the approved test card 4242 4242 4242 4242 each, made by bench/orderprep.py "
                    f"and kept for later runs) with fresh JWT access tokens, {prep['seconds']:.1f} s; carts "
                    f"emptied before each run; orders of earlier runs stay in the database"
                ),
                "server": (
                    f"`{servers.shown('gunicorn', args.workers)}`, a fresh one per payment delay, with "
                    f"PAYMENT_DELAY_SECONDS={' and '.join(f'{d:g}' for d in args.payment_delays)}: 0 turns "
                    f"the mock gateway's simulated wait off; 0.2 s is its default, spent in "
                    f"`get_gateway().authorize()` between the reserving and the completing transactions, "
                    f"outside any lock, but inside the sync worker, which can serve nobody else meanwhile"
                ),
                "spread setup": (
                    f"each client buys 1 unit of a different product each round, cycling through "
                    f"{len(prep['spread']):,} products (one variant with at least 30 units from each, a "
                    f"fixed sample): no two orders lock the same stock rows"
                ),
                "hot setup": (
                    f"every client buys 1 unit of the same single-variant product, its stock first set "
                    f"to {args.hot_stock} units through catalog.stock.set_stock_level (60% at the "
                    f"warehouse, 40% at a store). Afterwards the database is checked: no stock level "
                    f"below 0, units in paid (and pending) orders + units left = {args.hot_stock}, "
                    f"Product.stock = the variant's stock = the sum of its levels, every unit sold "
                    f"allocated to a location. The spread runs check the same totals on every product "
                    f"sold"
                ),
                "load": (
                    f"bench/orderclient.py, one asyncio process (standard library; its CPU share is in the "
                    f"second table), {args.connections} clients, each a shopper with its own JWT, "
                    f"{args.duration:g} s per run after one {args.warmup:g} s warm-up (spread); a round is "
                    f"POST /api/cart/items then POST /api/orders with a fresh Idempotency-Key; gunicorn's sync "
                    f"workers close the connection after each answer, so every request connects anew, as "
                    f"with wrk"
                ),
                "environment": (
                    f"as for the catalog (bench/db.py: DEBUG=0, PostgreSQL `{db.DATABASE}`, {db.REDIS_URL}, "
                    "LOG_LEVEL=WARNING), with the settings' default database pool (DB_POOL on: "
                    "CONN_MAX_AGE=0, a psycopg pool of at most 10 per worker); no coupons or points "
                    "used; mock gateway"
                ),
                "code": prep["code"]
                + " (at the start of the run); `python -m bench.orderspots` times one order "
                "placement in-process",
                "machine sharing": machine_sharing,
            },
        )
    sockets_section = None
    if socket_runs:
        sockets_section = sockets.section(
            socket_runs,
            command=command,
            date=date,
            skipped=socket_prep["skipped"],
            nginx=socket_prep["nginx"],
            settings={
                "setup": socket_prep["setup"]
                + "; the staff account bench-staff@example.com (bench/socketprep.py), "
                "with a fresh JWT per layer and layout",
                "server": (
                    f"`{servers.shown('daphne', 1, sockets.application(args))}`"
                    + (
                        f" with BENCH_WHATIF={','.join(args.socket_whatif)} (an experiment: bench/whatif.py)"
                        if args.socket_whatif
                        else ""
                    )
                    + f", one fresh process per layer and size (started, its "
                    f"sockets connected, rounds, stopped); open files limit {socket_prep['open_files']:,} "
                    f"(raised to the hard limit by the bench, for the server and the clients)"
                ),
                "environment": (
                    f"DEBUG=0, SECURE_SSL_REDIRECT=0, LOG_LEVEL=WARNING, ALLOWED_HOSTS=127.0.0.1,localhost "
                    f"(bench/db.py), DATABASE_URL=sqlite:///WORKDIR/sockets.sqlite3 "
                    f"(the database serves only the trigger), CONN_MAX_AGE=0; in-memory layer: no "
                    f"REDIS_URL (InMemoryChannelLayer, local-memory cache); Redis layer: "
                    f"REDIS_URL={sockets.REDIS_URL} (channel layer and cache; the settings' socket_timeout 30 "
                    f"and max_connections 5000), flushed before each server; "
                    f"WS_PING_INTERVAL_SECONDS={sockets.PING_INTERVAL}: the app's 30 s heartbeat is off so "
                    f"that it doesn't land in a round (the clients answer it anyway); daphne's own protocol "
                    f"pings (its default --ping-interval 20 s) stay on and the clients' library answers them"
                ),
                "clients": (
                    f"bench/socketclient.py, {args.socket_clients} processes (asyncio, websockets), the sockets "
                    f"split evenly between them, anonymous, header Origin: {sockets.ORIGIN}, at most "
                    f"{args.socket_concurrency} handshakes in flight; each socket stamps time.time() when it "
                    f"reads the update (t0 is time.time() in the bench or trigger process: one clock)"
                ),
                "rounds": (
                    f"{args.socket_rounds} broadcasts per size and trigger, one at a time: each waits until "
                    f"the server is idle and other processes are quiet, then for every socket to receive "
                    f"(at most {args.socket_timeout:g} s); every broadcast carries a new quantity, so a round "
                    f"counts only its own update"
                ),
                "triggers": (
                    "api: PUT /api/staff/stock {sku, location_id, quantity} with a staff JWT, sent by the "
                    "bench (urllib); direct: bench/socketprep.py trigger, a Django process on the server's "
                    "settings, calls the layer's group_send('inventory', catalog.broadcast.inventory_frame"
                    "(...)) on one long-lived event loop (connected by a warm-up send first)"
                ),
                **(
                    {"2 daphne + nginx": sockets.nginx_setting(socket_prep["nginx"])}
                    if socket_prep["nginx"]
                    else {}
                ),
                "code": socket_code + " (at the start of the run)",
                "machine sharing": (
                    f"the clients, Redis and the bench run on the same {os.cpu_count()} cores as the "
                    f"server; load average before the run {socket_load_before}"
                ),
            },
        )
    catalog_section = None
    if results:
        settings.update(
            {
                "servers": ", ".join(f"`{servers.shown(n, args.workers)}`" for n in server_names),
                "load": (
                    f"wrk from its own process, {args.threads} thread, {args.connections} connections, "
                    f"{args.duration:g} s per endpoint after a warm-up over the paths of the cached "
                    f"endpoints: each path once, then {args.warmup:g} s over all of them; and "
                    f"{runs.FRESH_WARMUP} URLs of each search-miss sequence once, so that every "
                    "worker has built its search index (its first search does) before the runs"
                ),
                "product cards": (
                    "deleted from the cache before each search-miss run (`--cards cold`): a "
                    "page of results builds the cards it lacks, most of them in a run's first "
                    "seconds, fewer as the run fills the cache"
                    if args.cards == "cold"
                    else "kept from earlier runs (`--cards kept`): a page of results builds "
                    "only the cards the cache lacks, few once runs have filled it"
                ),
                "environment": (
                    f"DEBUG=0, PostgreSQL (`{db.DATABASE}`), {db.REDIS_URL} (cache, channel layer), "
                    "SECURE_SSL_REDIRECT=0, LOG_LEVEL=WARNING: the one-line-per-request access "
                    "log is off, or writing it would be part of every figure; "
                    "DJANGO_SETTINGS_MODULE=bench.settings only adds the trivial view; "
                    "database connections from the settings' psycopg pool (DB_POOL on, at most "
                    "10 per process, CONN_MAX_AGE=0) on every server except gunicorn-persistent: "
                    "DB_POOL=0 and CONN_MAX_AGE=60, one persistent connection per sync worker"
                ),
                "machine sharing": (
                    f"wrk, PostgreSQL and Redis run on the same {os.cpu_count()} cores as the "
                    f"server; load average before the run {load_before}"
                ),
            }
        )
        catalog_section = report.document(
            command=command,
            date=date,
            settings=settings,
            facts=facts,
            endpoints=to_measure,
            results=results,
            pool=pool,
        )
    report.write(args.doc, catalog=catalog_section, orders=orders_section, sockets=sockets_section)
    print(f"\nWrote {args.doc}; server logs in {work_dir}")


if __name__ == "__main__":
    try:
        main()
    except KeyboardInterrupt:
        sys.exit("interrupted; servers stopped")
