"""python -m bench: on the seeded PostgreSQL database (seeded first when missing), serve the app as
production does, load each catalog endpoint with wrk, place orders with concurrent shoppers
(bench/orders.py) and broadcast a stock change to thousands of WebSockets (bench/sockets.py),
print the tables and rewrite the generated part of docs/PERFORMANCE.md."""

import argparse
import os
import shlex
import signal
import sys
import tempfile
import urllib.error
import urllib.request
from datetime import UTC, datetime
from pathlib import Path

from bench import db, load, orders, quiet, report, servers, sockets
from bench.endpoints import Endpoint, endpoints

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
        "--warmup", type=float, default=5, help="seconds of warm-up over every path (default 5)"
    )
    p.add_argument(
        "--single",
        default="search",
        help="endpoints to measure again with one connection, as NAME @1 (default search)",
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
        help="comma-separated scenarios: catalog endpoint names (trivial is always kept "
        f"with them), {ORDERS!r} and/or {SOCKETS!r}; default: everything",
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
        help="report to rewrite (default docs/PERFORMANCE.md)",
    )
    p.add_argument("--no-doc", action="store_true", help="print the table only")
    args = p.parse_args(argv)
    known = {e.name for e in endpoints([])} | {ORDERS, SOCKETS}
    unknown = set(args.only.split(",")) - known if args.only else set()
    if unknown:
        p.error(
            f"--only: unknown {', '.join(sorted(unknown))}; choose from {', '.join(sorted(known))}"
        )
    return args


def smoke_test(base_url: str, to_measure: list[Endpoint]) -> None:
    """One request to each of the first paths of every endpoint: a misconfiguration should stop
    the run here, not show up as 10 s of fast 404s."""
    for endpoint in to_measure:
        for path in endpoint.paths[:20]:
            try:
                with urllib.request.urlopen(base_url + path, timeout=30) as response:
                    status = response.status
            except urllib.error.HTTPError as error:
                sys.exit(f"{path} answered {error.code}: {error.read()[:300]!r}")
            if status != 200:
                sys.exit(f"{path} answered {status}, expected 200")


def measure(server: servers.Server, to_measure: list[Endpoint], args, work_dir: Path) -> dict:
    smoke_test(server.url, to_measure)
    everything = [path for endpoint in to_measure for path in endpoint.paths]
    options = dict(connections=args.connections, threads=args.threads, script_dir=work_dir)
    if args.warmup > 0:
        print(f"  warm-up {args.warmup:g} s over {len(everything)} paths", flush=True)
        load.run(server.url, everything, seconds=args.warmup, name="warmup", **options)
    runs = [(e.name, e, args.connections) for e in to_measure]
    # Latency with one connection: what a request costs when it needn't queue behind others.
    runs += [(f"{e.name} @1", e, 1) for e in to_measure if e.name in args.single.split(",")]
    results = {}
    server_group = {server.process.pid}
    for name, endpoint, connections in runs:
        # Someone else's burst of work mid-run skews the row: measure again (a few times at
        # most) and keep the run they disturbed least.
        for _ in range(1 + args.retries):
            quiet.wait_until_quiet(server_group, timeout=args.quiet_wait)
            with quiet.OtherLoad(server_group) as other:
                result = load.run(
                    server.url,
                    endpoint.paths,
                    seconds=args.duration,
                    name=endpoint.name,
                    **{**options, "connections": connections},
                )
            result.other_cpu = other.share
            if name not in results or result.other_cpu < results[name].other_cpu:
                results[name] = result
            if result.other_cpu < 0.10:
                break
            print(
                f"  {name}: other processes used {100 * other.share:.0f}% of the CPUs", flush=True
            )
        result = results[name]
        print(
            f"  {name:<12} {result.rps:8,.0f} req/s  p50 {result.p50_ms:7.1f} ms"
            f"  p99 {result.p99_ms:7.1f} ms  errors {result.errors}"
            f"  other CPU {100 * result.other_cpu:.0f}%",
            flush=True,
        )
    return results


def _interrupt(signum, frame):
    """SIGTERM unwinds like Ctrl-C, so the finally blocks stop the servers."""
    raise KeyboardInterrupt


def main(argv=None) -> None:
    args = parse_args(argv)
    names = [s.strip() for s in args.servers.split(",") if s.strip()]
    for name in names:
        servers.command(name, 0, 1)  # unknown names fail before the slow setup
    signal.signal(signal.SIGTERM, _interrupt)

    load_before = " / ".join(f"{x:.2f}" for x in os.getloadavg())
    wanted = set(args.only.split(",")) if args.only else None
    run_orders = wanted is None or ORDERS in wanted
    run_sockets = wanted is None or SOCKETS in wanted
    catalog_wanted = wanted is None or bool(wanted - {ORDERS, SOCKETS})
    if catalog_wanted:
        load.wrk_binary()
    if not (catalog_wanted or run_orders):
        setup, facts = None, None  # the socket bench brings its own database
    elif args.reseed or not db.seeded():
        why = "--reseed" if args.reseed else f"no seeded {db.DATABASE} database"
        print(
            f"Recreating {db.DATABASE} and seeding {args.products:,} products ({why})", flush=True
        )
        db.recreate_database()
        migrate = db.manage("migrate", "--no-input", "-v", "0", timeout=600)
        seed = db.manage("seed_demo", "--products", str(args.products), timeout=3600)
        db.analyze()
        setup = (
            f"fresh database; migrate {migrate:.1f} s, "
            f"`seed_demo --products {args.products}` {seed:.1f} s, then VACUUM ANALYZE"
        )
    else:
        migrate = db.manage("migrate", "--no-input", "-v", "0", timeout=600)
        setup = f"the existing seeded {db.DATABASE} database, reused (`--reseed` recreates it); migrate {migrate:.1f} s"
    settings = {"setup": setup}
    if catalog_wanted or run_orders:
        facts = db.facts()
    all_endpoints = endpoints(db.product_ids(500)) if catalog_wanted else []
    to_measure = [e for e in all_endpoints if wanted is None or e.name in wanted | {"trivial"}]

    results = {}
    work_dir = Path(
        tempfile.mkdtemp(prefix="bench-")
    )  # kept: server logs, wrk scripts, client configs
    for name in names if to_measure else []:
        print(f"{name}: starting", flush=True)
        server = servers.start(name, workers=args.workers, log_dir=work_dir)
        try:
            results[name] = measure(server, to_measure, args, work_dir)
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
        print(f"\n{name}\n{report.table(by_endpoint)}")
        print("\n".join(report.targets(by_endpoint, facts["products"])))
    if len(results) > 1:
        print(f"\n{report.comparison(results)}")
    if order_runs:
        print(f"\norders (gunicorn)\n{orders.table(order_runs)}\n")
        print("\n".join([*orders.hot_lines(order_runs), *orders.targets(order_runs)]))
        print(f"\n{orders.machine_table(order_runs)}")
    if socket_runs:
        print(f"\nWebSocket broadcast (daphne, one process)\n{sockets.table(socket_runs)}\n")
        print(sockets.machine_table(socket_runs) + "\n")
        print("\n".join(sockets.targets(socket_runs)))
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
            settings={
                "setup": socket_prep["setup"]
                + "; the staff account bench-staff@example.com (bench/socketprep.py), "
                "with a fresh JWT per layer",
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
                "servers": ", ".join(f"`{servers.shown(n, args.workers)}`" for n in names),
                "load": (
                    f"wrk from its own process, {args.threads} thread, {args.connections} connections, "
                    f"{args.duration:g} s per endpoint after one {args.warmup:g} s warm-up over every path"
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
        )
    report.write(args.doc, catalog=catalog_section, orders=orders_section, sockets=sockets_section)
    print(f"\nWrote {args.doc}; server logs in {work_dir}")


if __name__ == "__main__":
    try:
        main()
    except KeyboardInterrupt:
        sys.exit("interrupted; servers stopped")
