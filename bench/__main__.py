"""python -m bench: seed a fresh PostgreSQL database, serve the app as production does, load each
catalog endpoint with wrk, print the table and rewrite the generated part of docs/PERFORMANCE.md."""

import argparse
import os
import shlex
import signal
import sys
import tempfile
import urllib.error
import urllib.request
from datetime import datetime, timezone
from pathlib import Path

from bench import db, load, quiet, report, servers
from bench.endpoints import Endpoint, endpoints


def parse_args(argv):
    p = argparse.ArgumentParser(prog="python -m bench", description=__doc__)
    p.add_argument("--products", type=int, default=50_000, help="products to seed (default 50000)")
    p.add_argument("--reuse-db", action="store_true",
                   help=f"keep the existing {db.DATABASE} database instead of recreating and seeding it")
    p.add_argument("--servers", default="gunicorn",
                   help="comma-separated, in order: gunicorn, daphne (default gunicorn)")
    p.add_argument("--workers", type=int, default=3, help="gunicorn sync workers (default 3)")
    p.add_argument("-c", "--connections", type=int, default=32, help="concurrent connections (default 32)")
    p.add_argument("-d", "--duration", type=float, default=10, help="seconds per endpoint (default 10)")
    p.add_argument("--warmup", type=float, default=5, help="seconds of warm-up over every path (default 5)")
    p.add_argument("--single", default="search",
                   help="endpoints to measure again with one connection, as NAME @1 (default search)")
    p.add_argument("--threads", type=int, default=1,
                   help="wrk threads (default 1: leaves the second core to the server)")
    p.add_argument("--retries", type=int, default=2,
                   help="measure an endpoint again when other processes took over 10%% of the CPUs (default 2)")
    p.add_argument("--only", help="comma-separated endpoint names to measure (trivial is always kept)")
    p.add_argument("--doc", type=Path, default=db.ROOT / "docs" / "PERFORMANCE.md",
                   help="report to rewrite (default docs/PERFORMANCE.md)")
    p.add_argument("--no-doc", action="store_true", help="print the table only")
    return p.parse_args(argv)


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
            quiet.wait_until_quiet(server_group)
            with quiet.OtherLoad(server_group) as other:
                result = load.run(server.url, endpoint.paths, seconds=args.duration, name=endpoint.name,
                                  **{**options, "connections": connections})
            result.other_cpu = other.share
            if name not in results or result.other_cpu < results[name].other_cpu:
                results[name] = result
            if result.other_cpu < 0.10:
                break
            print(f"  {name}: other processes used {100 * other.share:.0f}% of the CPUs", flush=True)
        result = results[name]
        print(f"  {name:<12} {result.rps:8,.0f} req/s  p50 {result.p50_ms:7.1f} ms"
              f"  p99 {result.p99_ms:7.1f} ms  errors {result.errors}"
              f"  other CPU {100 * result.other_cpu:.0f}%", flush=True)
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
    load.wrk_binary()

    load_before = " / ".join(f"{x:.2f}" for x in os.getloadavg())
    settings = {"setup": f"the existing {db.DATABASE} database (--reuse-db)"}
    if not args.reuse_db:
        print(f"Recreating {db.DATABASE} and seeding {args.products:,} products", flush=True)
        db.recreate_database()
        migrate = db.manage("migrate", "--no-input", "-v", "0", timeout=600)
        seed = db.manage("seed_demo", "--products", str(args.products), timeout=3600)
        db.analyze()
        settings["setup"] = (f"fresh database; migrate {migrate:.1f} s, "
                             f"`seed_demo --products {args.products}` {seed:.1f} s, then VACUUM ANALYZE")
    facts = db.facts()
    all_endpoints = endpoints(db.product_ids(500))
    wanted = set(args.only.split(",")) | {"trivial"} if args.only else None
    to_measure = [e for e in all_endpoints if wanted is None or e.name in wanted]

    results = {}
    work_dir = Path(tempfile.mkdtemp(prefix="bench-"))  # kept: server logs and wrk scripts
    for name in names:
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

    for name, by_endpoint in results.items():
        print(f"\n{name}\n{report.table(by_endpoint)}")
        if name == "gunicorn":
            print("\n".join(report.targets(by_endpoint, facts["products"])))
    if args.no_doc:
        return
    settings.update({
        "servers": ", ".join(f"`{servers.shown(n, args.workers)}`" for n in names),
        "load": (f"wrk from its own process, {args.threads} thread, {args.connections} connections, "
                 f"{args.duration:g} s per endpoint after one {args.warmup:g} s warm-up over every path"),
        "environment": ("DEBUG=0, PostgreSQL (`shop_bench`), Redis db 8 (cache, channel layer), "
                        "SECURE_SSL_REDIRECT=0, LOG_LEVEL=WARNING: the one-line-per-request access "
                        "log is off, or writing it would be part of every figure; "
                        "DJANGO_SETTINGS_MODULE=bench.settings only adds the trivial view; "
                        "CONN_MAX_AGE=60 (the default) under gunicorn, 0 under daphne (see "
                        "bench/servers.py: persistent connections per ASGI thread exhaust PostgreSQL)"),
        "machine sharing": (f"wrk, PostgreSQL and Redis run on the same {os.cpu_count()} cores as the "
                            f"server; load average before the run {load_before}"),
    })
    command = shlex.join(["python", "-m", "bench", *(argv if argv is not None else sys.argv[1:])])
    date = datetime.now(timezone.utc).strftime("%Y-%m-%d %H:%M UTC")
    report.write(args.doc, report.document(
        command=command, date=date, settings=settings, facts=facts,
        endpoints=to_measure, results=results))
    print(f"\nWrote {args.doc}; server logs in {work_dir}")


if __name__ == "__main__":
    try:
        main()
    except KeyboardInterrupt:
        sys.exit("interrupted; servers stopped")
