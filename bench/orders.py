"""Order placement under load: `python -m bench --only orders`.

For each payment delay asked for (PAYMENT_DELAY_SECONDS, the mock gateway's simulated wait;
0 = off, the headline), the app is served by gunicorn and measured in two setups:

- spread: every client buys a different well-stocked product each round, so orders don't
  contend for rows;
- hot: every client buys the same single-variant product, whose stock is first set to a few
  units (200), to exercise the row locks. The database is then checked for oversell;
- adds: signed-in cart adds alone: each round adds one item of the spread setup's products and
  removes it again, and places no order.

The clients (bench/orderclient.py, one asyncio process) are shoppers made by
bench/orderprep.py, each with an address, the approved test card and a JWT. Each round adds
one item to the cart and places the order.
"""

import json
import os
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
import uuid
from dataclasses import dataclass, field
from pathlib import Path

import psycopg

from bench import db, quiet, servers
from bench.db import ROOT, bench_env

SPREAD, HOT, ADDS = "spread", "hot", "adds"
TARGET_ORDERS_PER_S = 100
TARGET_ADDS_PER_S = 300
CLOCK_TICKS = os.sysconf("SC_CLK_TCK")


@dataclass
class OrderRun:
    scenario: str
    delay: float
    client: dict  # bench.orderclient's result
    other_cpu: float = 0.0
    cpu: dict = field(default_factory=dict)  # cores used: server, postgres, client
    pg: dict = field(default_factory=dict)  # mean backends by state over the run
    check: dict = field(default_factory=dict)  # the database afterwards
    hot: dict | None = None
    attempts: int = 1

    @property
    def orders_per_s(self) -> float:
        return self.client["placed"] / self.client["seconds"]

    @property
    def adds_per_s(self) -> float:
        """Adds answered 201 within the run, per second."""
        return self.client.get("adds_201", 0) / self.client["seconds"]

    def errors(self, kind: str) -> dict[str, int]:
        """Answers other than 2xx, as {"409 insufficient_stock": n}."""
        return dict(sorted(self.client["codes"][kind].items()))


def code_state() -> str:
    """The code measured: the commit, and the app files changed since (others edit the tree)."""

    def git(*args):
        done = subprocess.run(
            ["git", "--no-optional-locks", *args], cwd=ROOT, capture_output=True, text=True
        )
        return done.stdout.rstrip() if done.returncode == 0 else ""

    commit = git("rev-parse", "--short", "HEAD") or "unknown"
    changed = [
        line[3:]
        for line in git("status", "--porcelain", "--untracked-files=no").splitlines()
        if not line[3:].startswith(("bench/", "docs/"))
    ]
    return f"commit {commit}" + (
        f" with uncommitted changes to {', '.join(changed)}" if changed else ""
    )


def _python(module: str, *args: str, timeout: float, env: dict | None = None) -> str:
    done = subprocess.run(
        [sys.executable, "-m", module, *args],
        cwd=ROOT,
        env=env or bench_env(),
        capture_output=True,
        text=True,
        timeout=timeout,
    )
    if done.returncode:
        sys.exit(
            f"{module} {' '.join(args)} failed ({done.returncode}):\n{done.stdout[-2000:]}{done.stderr[-4000:]}"
        )
    return done.stdout


def prepare(users: int, spread: int) -> dict:
    started = time.perf_counter()
    prep = json.loads(
        _python(
            "bench.orderprep",
            "shoppers",
            "--users",
            str(users),
            "--spread",
            str(spread),
            timeout=600,
        )
    )
    prep["seconds"] = time.perf_counter() - started
    if not prep["hot_product_id"]:
        sys.exit("No single-variant product to use as the hot product.")
    return prep


def reset(users: int, *, hot_product: int | None = None, hot_stock: int = 0) -> dict:
    args = ["reset", "--users", str(users)]
    if hot_product:
        args += ["--hot-product", str(hot_product), "--hot-stock", str(hot_stock)]
    return json.loads(_python("bench.orderprep", *args, timeout=120))


def last_order_id() -> int:
    with psycopg.connect(db.DATABASE_URL) as conn:
        return conn.execute("SELECT coalesce(max(id), 0) FROM orders_order").fetchone()[0]


def _post(url: str, token: str, body: dict, headers: dict | None = None) -> tuple[int, bytes]:
    request = urllib.request.Request(
        url,
        data=json.dumps(body).encode(),
        method="POST",
        headers={
            "Authorization": f"Bearer {token}",
            "Content-Type": "application/json",
            **(headers or {}),
        },
    )
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            return response.status, response.read()
    except urllib.error.HTTPError as error:
        return error.code, error.read()


def smoke_test(base_url: str, user: dict, product: dict) -> None:
    """One add and one order: a misconfiguration stops the run here, not as 10 s of 4xx."""
    item = {k: product[k] for k in ("product_id", "color", "size")} | {"quantity": 1}
    status, body = _post(f"{base_url}/api/cart/items", user["token"], item)
    if status != 201:
        sys.exit(f"POST /api/cart/items answered {status}: {body[:300]!r}")
    order = {"address_id": user["address_id"], "payment_method_id": user["payment_method_id"]}
    status, body = _post(
        f"{base_url}/api/orders", user["token"], order, {"Idempotency-Key": uuid.uuid4().hex}
    )
    if status != 201:
        sys.exit(f"POST /api/orders answered {status}: {body[:300]!r}")


def _cpu_by_pid() -> dict[int, tuple[str, int, float]]:
    found = {}
    for entry in os.scandir("/proc"):
        if not entry.name.isdigit():
            continue
        try:
            with open(f"/proc/{entry.name}/stat") as f:
                stat = f.read()
        except OSError:
            continue
        name = stat[stat.index("(") + 1 : stat.rindex(")")]
        fields = stat[stat.rindex(")") + 2 :].split()
        found[int(entry.name)] = (
            name,
            int(fields[2]),
            (int(fields[11]) + int(fields[12])) / CLOCK_TICKS,
        )
    return found


class Watch:
    """During a run: CPU of the server, PostgreSQL and Redis (in cores), and what PostgreSQL's
    backends for the bench database were doing, sampled every 0.1 s."""

    STATES = ("active", "lock", "idle in transaction")

    def __init__(self, server_group: int):
        self.server_group = server_group
        self.cpu, self.pg, self.lock_events = {}, {}, {}

    def __enter__(self):
        self._stop = threading.Event()
        self._samples = []
        self._conn = psycopg.connect(db.DATABASE_URL, autocommit=True)
        self._thread = threading.Thread(target=self._sample, daemon=True)
        self._cpu0, self._t0 = _cpu_by_pid(), time.monotonic()
        self._thread.start()
        return self

    def _sample(self):
        while not self._stop.wait(0.1):
            rows = self._conn.execute(
                "SELECT state, wait_event_type, wait_event FROM pg_stat_activity WHERE datname = %s"
                " AND pid <> pg_backend_pid() AND backend_type = 'client backend'",
                (db.DATABASE,),
            ).fetchall()
            lock_waits = [event for state, kind, event in rows if kind == "Lock"]
            self._samples.append(
                (
                    sum(1 for state, kind, _ in rows if state == "active" and kind != "Lock"),
                    len(lock_waits),
                    sum(1 for state, _, _ in rows if state == "idle in transaction"),
                )
            )
            for event in lock_waits:
                self.lock_events[event] = self.lock_events.get(event, 0) + 1

    def __exit__(self, *exc):
        self._stop.set()
        self._thread.join()
        self._conn.close()
        cpu1, elapsed = _cpu_by_pid(), time.monotonic() - self._t0
        used = {"server": 0.0, "postgres": 0.0, "redis": 0.0}
        for pid, (name, group, seconds) in cpu1.items():
            before = self._cpu0.get(pid, (name, group, 0.0))[2]
            if group == self.server_group:
                used["server"] += seconds - before
            elif name == "postgres":
                used["postgres"] += seconds - before
            elif name == "redis-server":
                used["redis"] += seconds - before
        self.cpu = {k: v / elapsed for k, v in used.items()}
        if self._samples:
            self.pg = {
                state: sum(s[i] for s in self._samples) / len(self._samples)
                for i, state in enumerate(self.STATES)
            }
            # mean backends waiting, by what they wait for (transactionid: a row another
            # transaction holds; tuple: queued behind another waiter for that row; ...)
            self.pg["lock events"] = {
                e: n / len(self._samples)
                for e, n in sorted(self.lock_events.items(), key=lambda kv: -kv[1])
            }
        return False


def drive(
    server: servers.Server,
    *,
    users: list[dict],
    products: list[dict],
    clients: int,
    seconds: float,
    work_dir: Path,
    name: str,
    mode: str = "orders",
) -> dict:
    config = work_dir / f"{name}.json"
    config.write_text(
        json.dumps(
            {
                "host": "127.0.0.1",
                "port": server.port,
                "users": users[:clients],
                "products": products,
                "clients": clients,
                "seconds": seconds,
                "mode": mode,
            }
        )
    )
    out = _python("bench.orderclient", str(config), timeout=seconds + 120)
    line = next((l for l in out.splitlines() if l.startswith("ORDER_RESULT ")), None)
    if line is None:
        sys.exit(f"bench.orderclient gave no result:\n{out[-2000:]}")
    return json.loads(line.removeprefix("ORDER_RESULT "))


def check_spread(since: int) -> dict:
    """Orders placed since ``since`` by status, and every product they touched consistent:
    Product.stock = sum of its variants' stock = sum of its stock levels."""
    with psycopg.connect(db.DATABASE_URL) as conn:
        by_status = dict(
            conn.execute(
                "SELECT status, count(*) FROM orders_order WHERE id > %s GROUP BY 1", (since,)
            ).fetchall()
        )
        wrong = conn.execute(
            """
            WITH touched AS (SELECT DISTINCT i.product_id FROM orders_orderitem i WHERE i.order_id > %s),
            sums AS (
              SELECT p.id, p.stock,
                (SELECT coalesce(sum(v.stock), 0) FROM catalog_productvariant v WHERE v.product_id = p.id) AS variants,
                (SELECT coalesce(sum(l.quantity), 0) FROM catalog_stocklevel l
                   JOIN catalog_productvariant v ON v.id = l.variant_id WHERE v.product_id = p.id) AS levels,
                (SELECT coalesce(min(l.quantity), 0) FROM catalog_stocklevel l
                   JOIN catalog_productvariant v ON v.id = l.variant_id WHERE v.product_id = p.id) AS lowest
              FROM catalog_product p JOIN touched t ON t.product_id = p.id)
            SELECT count(*), count(*) FILTER (WHERE stock <> levels OR variants <> levels OR lowest < 0) FROM sums
        """,
            (since,),
        ).fetchone()
    ok = wrong[1] == 0 and not by_status.get("pending_payment")
    text = (
        f"{wrong[0]:,} products sold, stock totals consistent on all"
        if wrong[1] == 0
        else f"{wrong[1]} of {wrong[0]} products sold have Product.stock, variant totals and levels out of step"
    )
    return {"ok": ok, "orders": by_status, "text": text}


def check_hot(hot: dict, since: int) -> dict:
    """Zero oversell: no level below 0, units in paid (and pending) orders + what is left =
    the starting stock, Product.stock and the variant's stock = the sum of its levels, and
    every unit sold allocated to a location."""
    with psycopg.connect(db.DATABASE_URL) as conn:
        levels = [
            q
            for (q,) in conn.execute(
                "SELECT quantity FROM catalog_stocklevel WHERE variant_id = %s",
                (hot["variant_id"],),
            )
        ]
        product_stock = conn.execute(
            "SELECT stock FROM catalog_product WHERE id = %s", (hot["product_id"],)
        ).fetchone()[0]
        variant_stock = conn.execute(
            "SELECT stock FROM catalog_productvariant WHERE id = %s", (hot["variant_id"],)
        ).fetchone()[0]
        sold = {
            status: (units, orders)
            for status, units, orders in conn.execute(
                "SELECT o.status, sum(i.quantity), count(DISTINCT o.id) FROM orders_orderitem i"
                " JOIN orders_order o ON o.id = i.order_id WHERE i.product_id = %s AND o.id > %s GROUP BY 1",
                (hot["product_id"], since),
            )
        }
        allocated = conn.execute(
            "SELECT coalesce(sum(a.quantity), 0) FROM orders_allocation a JOIN orders_orderitem i ON i.id = a.item_id"
            " JOIN orders_order o ON o.id = i.order_id WHERE i.product_id = %s AND o.id > %s AND o.status = 'paid'",
            (hot["product_id"], since),
        ).fetchone()[0]
    left = sum(levels)
    paid_units, paid_orders = sold.get("paid", (0, 0))
    pending_units = sold.get("pending_payment", (0, 0))[0]
    problems = []
    if min(levels, default=0) < 0 or left < 0:
        problems.append(f"stock below zero: levels {levels}")
    if paid_units + pending_units + left != hot["start"]:
        problems.append(
            f"{paid_units} sold + {pending_units} pending + {left} left = "
            f"{paid_units + pending_units + left}, not the {hot['start']} there were"
        )
    if not product_stock == variant_stock == left:
        problems.append(
            f"Product.stock {product_stock}, variant stock {variant_stock}, levels sum {left}"
        )
    if allocated != paid_units:
        problems.append(f"{allocated} units allocated to locations for {paid_units} sold")
    text = (
        f"oversell: none ({hot['start']} units at the start: {paid_units} sold in {paid_orders} paid orders"
        + (f", {pending_units} pending" if pending_units else "")
        + f", {left} left; Product.stock {product_stock} = variant stock = sum of levels)"
    )
    if problems:
        text = "oversell: DISCREPANCY: " + "; ".join(problems)
    return {
        "ok": not problems,
        "text": text,
        "sold": paid_units,
        "paid_orders": paid_orders,
        "left": left,
        "orders": {s: o for s, (_, o) in sold.items()},
    }


def one_run(
    server, scenario, delay, args, users_needed, users, spread, prep, work_dir, name
) -> OrderRun:
    hot = None
    if scenario == HOT:
        hot = reset(users_needed, hot_product=prep["hot_product_id"], hot_stock=args.hot_stock)[
            "hot"
        ]
        products = [{k: hot[k] for k in ("product_id", "color", "size")}]
    else:
        reset(users_needed)
        products = spread
    since = last_order_id()
    quiet.wait_until_quiet({server.process.pid})
    with quiet.OtherLoad({server.process.pid}) as other, Watch(server.process.pid) as watch:
        result = drive(
            server,
            users=users,
            products=products,
            clients=args.connections,
            seconds=args.duration,
            work_dir=work_dir,
            name=f"{name}-{scenario}",
            mode="adds" if scenario == ADDS else "orders",
        )
    run = OrderRun(
        scenario,
        delay,
        result,
        other_cpu=other.share,
        pg=watch.pg,
        hot=hot,
        cpu={**watch.cpu, "client": result["client_cpu_s"] / result["wall"]},
    )
    if scenario == ADDS:
        run.check = {"ok": True, "text": "no orders"}
    else:
        run.check = check_hot(hot, since) if hot else check_spread(since)
    print("  " + line(run), flush=True)
    if hot:
        print(f"  {run.check['text']}", flush=True)
    elif not run.check["ok"]:
        print(f"  check: {run.check['text']}; orders {run.check['orders']}", flush=True)
    return run


def measure(
    args, work_dir: Path, scenarios: tuple[str, ...] = (SPREAD, HOT, ADDS)
) -> tuple[list[OrderRun], dict]:
    clients = args.connections
    users_needed = max(args.users, clients)
    print(f"orders: preparing {users_needed} shoppers and tokens", flush=True)
    prep = prepare(users_needed, args.spread)
    prep["code"] = code_state()  # at the start: others may commit while the bench runs
    users, spread = prep["users"], prep["spread"]
    runs = []
    for delay in args.payment_delays:
        name = f"gunicorn-delay-{delay:g}"
        print(f"orders: starting gunicorn, PAYMENT_DELAY_SECONDS={delay:g}", flush=True)
        reset(users_needed)
        server = servers.start(
            "gunicorn",
            workers=args.workers,
            log_dir=work_dir,
            log_name=name,
            extra_env={"PAYMENT_DELAY_SECONDS": f"{delay:g}"},
        )
        try:
            smoke_test(server.url, users[0], spread[-1])
            if args.warmup > 0:
                print(f"  warm-up {args.warmup:g} s", flush=True)
                drive(
                    server,
                    users=users,
                    products=spread[::-1],
                    clients=clients,
                    seconds=args.warmup,
                    work_dir=work_dir,
                    name=f"{name}-warmup",
                )
            for scenario in scenarios:
                # Someone else's burst of work mid-run skews it: measure again (a few times at
                # most) and keep the least disturbed run; but a failed check is never dropped.
                attempts = []
                for _ in range(1 + args.retries):
                    attempts.append(
                        one_run(
                            server,
                            scenario,
                            delay,
                            args,
                            users_needed,
                            users,
                            spread,
                            prep,
                            work_dir,
                            name,
                        )
                    )
                    if attempts[-1].other_cpu < 0.10 or not attempts[-1].check["ok"]:
                        break
                    print(
                        f"  {scenario}: other processes used {100 * attempts[-1].other_cpu:.0f}% of the CPUs",
                        flush=True,
                    )
                failed = [a for a in attempts if not a.check["ok"]]
                run = failed[0] if failed else min(attempts, key=lambda a: a.other_cpu)
                run.attempts = len(attempts)
                runs.append(run)
                if len(attempts) > 1:
                    print(f"  kept: {line(run)}", flush=True)
        except BaseException:
            print(f"gunicorn log: {server.log}", file=sys.stderr)
            raise
        finally:
            servers.stop(server)
    return runs, prep


def _errors(counts: dict[str, int]) -> str:
    return ", ".join(f"{n:,} × {k}" for k, n in counts.items()) or "0"


def _ms(value) -> str:
    return "–" if value is None else f"{value:.0f}" if value >= 100 else f"{value:.1f}"


def line(run: OrderRun) -> str:
    c = run.client
    return (
        f"{run.scenario:<6} delay {run.delay:g} s: {run.orders_per_s:6.1f} orders/s, order p50 "
        f"{_ms(c['order_ms']['50'])} ms p99 {_ms(c['order_ms']['99'])} ms, {c['placed']} placed, "
        f"order errors {_errors(run.errors('order'))}, add errors {_errors(run.errors('add'))}, "
        f"socket errors {c['socket_errors']}, client CPU {100 * run.cpu['client']:.0f}% of a core, "
        f"other CPU {100 * run.other_cpu:.0f}%"
    )


def table(runs: list[OrderRun]) -> str:
    rows = [
        (
            "| setup | payment delay | orders/s | order p50 ms | order p99 ms | placed (201) | order errors | "
            "cart adds/s | add p50 ms | add p99 ms | add-to-cart errors | oversell check |"
        ),
        "|---|---:|---:|---:|---:|---:|---|---:|---:|---:|---|---|",
    ]
    for run in runs:
        c = run.client
        check = (
            run.check["text"].split(" (")[0]
            if run.hot
            else "–"
            if run.scenario == ADDS
            else ("ok" if run.check["ok"] else "see below")
        )
        errors = _errors(run.errors("order"))
        if c["socket_errors"]:
            errors += f", {c['socket_errors']} socket"
        rate = "–" if run.scenario == ADDS else f"{run.orders_per_s:.1f}"
        if run.hot and run.check["left"] == 0 and c["last_placed_s"]:
            rate += f" ({c['placed'] / c['last_placed_s']:.1f} until sold out)"
        rows.append(
            f"| {run.scenario} | {run.delay:g} s | {rate} | {_ms(c['order_ms']['50'])} | "
            f"{_ms(c['order_ms']['99'])} | {c['placed']:,} | {errors} | "
            f"{c.get('adds', 0) / c['seconds']:.1f} | {_ms(c['add_ms']['50'])} | {_ms(c['add_ms']['99'])} | "
            f"{_errors(run.errors('add'))} | {check} |"
        )
    return "\n".join(rows)


def machine_table(runs: list[OrderRun]) -> str:
    rows = [
        (
            "| setup | payment delay | requests/s (all) | add p50 ms | gunicorn CPU | PostgreSQL CPU | Redis CPU | client CPU | "
            "other CPU | PG backends: running / waiting on a lock / idle in transaction | lock waits by event |"
        ),
        "|---|---:|---:|---:|---:|---:|---:|---:|---:|---|---|",
    ]
    for run in runs:
        c, pg = run.client, run.pg
        rows.append(
            f"| {run.scenario} | {run.delay:g} s | {c['requests'] / c['seconds']:.0f} | {_ms(c['add_ms']['50'])} | "
            f"{run.cpu.get('server', 0):.2f} | {run.cpu.get('postgres', 0):.2f} | {run.cpu.get('redis', 0):.2f} | "
            f"{run.cpu['client']:.2f} | "
            f"{100 * run.other_cpu:.0f}%{f' (least of {run.attempts} runs)' if run.attempts > 1 else ''} | "
            + (" / ".join(f"{pg[s]:.2f}" for s in Watch.STATES) if pg else "–")
            + " | "
            + (", ".join(f"{e} {n:.2f}" for e, n in pg.get("lock events", {}).items()) or "–")
            + " |"
        )
    return "\n".join(rows)


def hot_lines(runs: list[OrderRun]) -> list[str]:
    out = []
    for run in runs:
        if not run.hot:
            continue
        c = run.client
        lasted = c["last_placed_s"]
        sold_out = run.check["left"] == 0
        rate = (
            f"; {c['placed'] / lasted:.0f} orders/s while stock lasted"
            if lasted and sold_out
            else ""
        )
        conflicts = c["codes"]["order"].get("409 insufficient_stock", 0)
        out.append(
            f'- hot, delay {run.delay:g} s: {run.hot["start"]} units of "{run.hot["name"]}" '
            f"(`{run.hot['sku']}`; by location id: {', '.join(f'{k}: {v}' for k, v in run.hot['levels'].items())})"
            + (
                f" sold out {lasted:.1f} s into the run{rate}"
                if sold_out and lasted
                else f", {run.check['left']} still left after {c['seconds']:g} s"
            )
            + f"; {conflicts:,} orders answered 409 insufficient_stock (item in the cart, stock gone by the "
            f"time the order locked it)"
            + (
                f", {c['codes']['add'].get('409 insufficient_stock', 0):,} adds to cart 409 once sold out"
                if sold_out
                else ""
            )
            + f". {run.check['text']}."
        )
    return out


def targets(runs: list[OrderRun]) -> list[str]:
    headline = [r for r in runs if r.delay == 0] or runs
    spread = next((r for r in headline if r.scenario == SPREAD), None)
    hots = [r for r in runs if r.scenario == HOT]
    adds = next((r for r in headline if r.scenario == ADDS), None)
    out = []
    if adds is not None:
        verdict = "met" if adds.adds_per_s >= TARGET_ADDS_PER_S else "not met"
        out.append(
            f"- Signed-in cart adds at least {TARGET_ADDS_PER_S}/s: **{verdict}**: "
            f"{adds.adds_per_s:.1f} adds/s answered 201 (adds setup, {adds.client['clients']} "
            f"clients, each add followed by the line's removal), add p50 "
            f"{_ms(adds.client['add_ms']['50'])} ms, p99 {_ms(adds.client['add_ms']['99'])} ms."
        )
    if spread is None:
        return out
    fast = spread.orders_per_s >= TARGET_ORDERS_PER_S and not spread.errors("order")
    clean = bool(hots) and all(r.check["ok"] for r in hots) and spread.check["ok"]
    verdict = "met" if fast and clean else "not met"
    return [
        *out,
        f"- Order placement at least {TARGET_ORDERS_PER_S} orders/s with zero oversell: **{verdict}**: "
        f"{spread.orders_per_s:.1f} orders/s without contention (spread, payment delay "
        f"{spread.delay:g} s, {spread.client['clients']} clients); oversell "
        + (
            "none in " + " and ".join(f"the hot run with delay {r.delay:g} s" for r in hots)
            if clean
            else "FOUND or a check failed, see the hot rows"
        )
        + "."
        + (
            ""
            if fast
            else ' Where the time goes: "Orders" and "Cart adds" under "Figures against the targets", below the generated part.'
        ),
    ]


def section(runs: list[OrderRun], *, command: str, date: str, settings: dict[str, str]) -> str:
    out = [
        "## Order placement",
        "",
        f"Measured {date} with `{command}`.",
        "",
        table(runs),
        "",
        *hot_lines(runs),
        "",
        "### Target (gunicorn, payment delay off)",
        "",
        *targets(runs),
        "",
        (
            "orders/s: orders answered 201 within the run, per second (the hot setup can't sell more "
            "than its stock: in brackets, its rate until it sold out); p50/p99: latency "
            "of POST /api/orders, all answers; errors: non-201 answers by status and error code, and "
            "socket errors. Each client loops: add one item to its cart, place the order (closed loop), "
            "and, when the order fails, remove the item so the next round starts with an empty cart; an "
            "add that fails skips the order. adds: each client adds one item and removes that line "
            "again (DELETE /api/cart/items/ID), and places no order; cart adds/s counts every add "
            "answered within the run."
        ),
        "",
        (
            "Where the machine went during each run (CPU in cores of the 2; PostgreSQL backends of the "
            "bench database, mean of samples every 0.1 s):"
        ),
        "",
        machine_table(runs),
        "",
        "### How",
        "",
        *[f"- {k}: {v}" for k, v in settings.items()],
        "",
    ]
    return "\n".join(out)
