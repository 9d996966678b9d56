"""Measure endpoints on a running server: a smoke test, the warm-up, then one wrk run per
endpoint (again when other processes disturbed it), and the server's memory after each."""

import math
import sys
import time
import urllib.error
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from bench import db, load, quiet, servers
from bench.endpoints import TRIVIAL, Endpoint

SMOKE_PATHS = 20
FRESH_SMOKE_PATHS = 3
# Requests a fresh endpoint may need at most, per second of run: a miss is no faster than the
# trivial view, and this is its rate with margin when the trivial view wasn't measured first.
FRESH_RATE_BOUND = 10_000
FRESH_MARGIN = 1.5


def smoke_test(base_url: str, to_measure: list[Endpoint]) -> None:
    """One request to each of the first paths of every endpoint: a misconfiguration should stop
    the run here, not show up as 10 s of fast 404s. A fresh endpoint's are used up here."""
    for endpoint in to_measure:
        if endpoint.fresh:
            start, paths = endpoint.fresh.take(FRESH_SMOKE_PATHS)
            endpoint.fresh.advance(start, len(paths))
        else:
            paths = endpoint.paths[:SMOKE_PATHS]
        for path in paths:
            try:
                with urllib.request.urlopen(base_url + path, timeout=30) as response:
                    status = response.status
            except urllib.error.HTTPError as error:
                sys.exit(f"{path} answered {error.code}: {error.read()[:300]!r}")
            if status != 200:
                sys.exit(f"{path} answered {status}, expected 200")


def _get(url: str) -> int:
    try:
        with urllib.request.urlopen(url, timeout=60) as response:
            response.read()
            return response.status
    except urllib.error.HTTPError as error:
        return error.code


def warm_up(
    server: servers.Server, to_measure: list[Endpoint], args, work_dir: Path, extra: list[str]
) -> None:
    """Every path of the cached endpoints (and ``extra``) answered once, then all of them for
    --warmup seconds: their requests are cache hits from then on. Fresh endpoints get a few
    URLs of their own sequence, each once, so that every worker has made what it makes on its
    first search (the search index) before any run is measured; the runs never ask for them."""
    everything = [path for e in to_measure if not e.fresh for path in e.paths]
    everything += [path for path in extra if path not in everything]
    if args.warmup <= 0:
        return
    first_searches = []
    for endpoint in to_measure:
        if endpoint.fresh:
            start, paths = endpoint.fresh.take(FRESH_WARMUP)
            endpoint.fresh.advance(start, len(paths))
            first_searches += paths
    # The pass from here (wrk can't stop after a number of requests), as many at once as wrk.
    started = time.perf_counter()
    with ThreadPoolExecutor(max_workers=args.connections) as pool:
        statuses = list(pool.map(_get, [server.url + p for p in everything + first_searches]))
    failed = sum(1 for status in statuses if status != 200)
    print(
        f"  warm-up: each of {len(everything) + len(first_searches)} paths once, "
        f"{time.perf_counter() - started:.1f} s"
        + (f", {failed} not 200" if failed else "")
        + (f"; then {args.warmup:g} s over all" if everything else ""),
        flush=True,
    )
    if not everything:
        return
    load.run(
        server.url,
        everything,
        seconds=args.warmup,
        name="warmup",
        connections=args.connections,
        threads=args.threads,
        script_dir=work_dir,
    )


# Fresh URLs of each such endpoint in the warm-up's pass: enough to reach every worker.
FRESH_WARMUP = 64


def _fresh_count(results: dict, seconds: float) -> int:
    trivial = results.get(TRIVIAL)
    rate = trivial.rps if trivial and trivial.rps else FRESH_RATE_BOUND
    return math.ceil(rate * seconds * FRESH_MARGIN) + 1000


def measure(
    server: servers.Server,
    to_measure: list[Endpoint],
    args,
    work_dir: Path,
    *,
    warm_extra: list[str] = (),
) -> dict:
    """``warm_extra``: paths for the warm-up besides the endpoints' own."""
    smoke_test(server.url, to_measure)
    warm_up(server, to_measure, args, work_dir, list(warm_extra))
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
            start, paths = None, endpoint.paths
            if endpoint.fresh:  # new URLs for every attempt
                start, paths = endpoint.fresh.take(_fresh_count(results, args.duration))
                if args.cards == "cold":
                    db.forget_cards()
            with quiet.OtherLoad(server_group) as other:
                result = load.run(
                    server.url,
                    paths,
                    seconds=args.duration,
                    name=name.replace(" @", "-at-"),
                    connections=connections,
                    threads=min(args.threads, connections),  # wrk wants a connection each
                    script_dir=work_dir,
                )
            if endpoint.fresh:
                endpoint.fresh.advance(start, result.paths_used)
                result.fresh_start = start
            result.other_cpu = other.share
            result.rss_kib = servers.rss_kib(server)
            if name not in results or result.other_cpu < results[name].other_cpu:
                results[name] = result
            if result.other_cpu < 0.10:
                break
            print(
                f"  {name}: other processes used {100 * other.share:.0f}% of the CPUs", flush=True
            )
        result = results[name]
        print(
            f"  {name:<18} {result.rps:8,.0f} req/s  p50 {result.p50_ms:7.1f} ms"
            f"  p99 {result.p99_ms:7.1f} ms  errors {result.errors}"
            f"  other CPU {100 * result.other_cpu:.0f}%"
            f"  RSS {sum(result.rss_kib.values()) / 1024:,.0f} MiB"
            + (f"  repeated {result.repeated}" if endpoint.fresh else ""),
            flush=True,
        )
    return results
