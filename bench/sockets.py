"""WebSocket broadcast: `python -m bench --only sockets`.

For each channel layer (in-memory, then Redis) and each number of sockets N, a fresh daphne
process serves the app (the production command, as `make run` and README's full mode start
it). Client processes (bench/socketclient.py) open N anonymous sockets to /ws/inventory/ and
idle; then a stock change is broadcast to group "inventory", once per round, and each socket's
time from the trigger to its receipt is measured. Sizes grow while they hold: every socket
connected and every socket received every broadcast (and the broadcast took less than
--socket-give-up seconds).

Triggers:

- api: PUT /api/staff/stock with a staff JWT, the app's own path (catalog.stock.set_stock_level,
  its transaction, on_commit, the stock_changed signal, catalog/broadcast.py,
  core/realtime.send_to_group, group_send). t0 is taken just before the request is sent.
- direct: the same event (catalog.broadcast.inventory_frame) handed to the channel layer's
  group_send by another process (bench/socketprep.py trigger): the fan-out alone. Redis layer
  only: the in-memory layer lives inside the server process.

Layouts (--socket-layouts):

- single: the clients connect to the one daphne process, as above.
- nginx2: the production layout's front (deploy/nginx/shop.conf, rendered by deploy/run_full.py
  into a run directory of the bench's own) in front of two daphne processes, started as the
  single one is, each on a port of its own: the clients connect to nginx, which spreads the
  sockets between the two (its upstream shop_ws), and the api trigger goes through nginx's
  `location /` too, to the first daphne (no gunicorn here: daphne serves HTTP as well). The two
  processes share the group through Redis, so this layout runs on the Redis layer only, with its
  own sizes (--socket-counts-nginx2). Server figures (CPU, RSS) add up both daphne processes and
  nginx's (master and workers).

Every process runs on this machine, so the clients' receipt times and t0 are read from one
clock (time.time()).
"""

import json
import os
import queue
import resource
import signal
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from dataclasses import dataclass, field
from importlib.metadata import version
from pathlib import Path

import redis

from bench import quiet, servers
from bench.db import REDIS_URL, ROOT, bench_env  # the Redis database is flushed before each server
from bench.orderclient import percentile
from deploy import run_full

MEMORY, REDIS = "memory", "redis"
LAYER_NAMES = {MEMORY: "in-memory", REDIS: "channels-redis"}
SINGLE, NGINX2 = "single", "nginx2"
LAYOUT_NAMES = {SINGLE: "1 daphne", NGINX2: "2 daphne + nginx"}
API, DIRECT = "api", "direct"
ORIGIN = "http://127.0.0.1"
PING_INTERVAL = (
    "3600"  # the app's heartbeat (WS_PING_INTERVAL_SECONDS, 30 by default): off for a run
)
TARGET_SOCKETS, TARGET_P99_MS = 2000, 250
# The performance issue: two processes behind the production layout (nginx) hold this many.
NGINX_TARGET_SOCKETS, NGINX_TARGET_P99_MS = 16_000, 1000
NGINX_WORKERS = 2  # worker_processes: one per core here
CLOCK_TICKS = os.sysconf("SC_CLK_TCK")
# DESIGN.md, "Serving": one group_send to N clients on one daphne process, p50/p99 ms, measured
# on this machine before (the code and the settings of the time; the Redis figures before the
# socket_timeout/max_connections fix are not comparable to a failing setup, these are after).
EARLIER = {
    MEMORY: {
        500: (126, 127),
        1000: (343, 350),
        2000: (970, 981),
        4000: (4593, 4620),
        8000: (28372, 28472),
    },
    REDIS: {
        500: (79, 86),
        1000: (214, 217),
        2000: (527, 542),
        4000: (1136, 1184),
        8000: (2940, 3098),
    },
}


@dataclass
class Round:
    trigger: str
    expected: int  # sockets open when it was sent
    latencies_ms: list[float]  # one per socket that received it, sorted
    answered_ms: float  # the PUT's answer (api) or group_send's return (direct), after t0
    cpu_ms: dict[
        str, float
    ]  # server, redis, clients: CPU time from before t0 to after the last receipt
    other_cpu: float = 0.0
    closed: dict[str, int] = field(default_factory=dict)  # sockets closed so far, by close code
    pings: int = 0  # app heartbeats the clients had so far
    t0: float = 0.0  # time.time() of the trigger

    @property
    def received(self) -> int:
        return len(self.latencies_ms)

    def pct(self, p: float) -> float | None:
        return percentile(self.latencies_ms, p) / 1000 if self.latencies_ms else None


@dataclass
class SocketRun:
    layer: str
    sockets: int
    trigger: str
    connect: dict  # connected, failed, seconds, handshake ms, processes
    rss_mib: dict[str, float]  # server RSS: before the sockets, idle with them, after the rounds
    rounds: list[Round] = field(default_factory=list)
    layout: str = SINGLE
    rss_parts: dict[str, float] = field(
        default_factory=dict
    )  # nginx2: idle RSS of each process kind

    @property
    def headline(self) -> Round | None:
        """The median round by p99 (of an odd number, the middle one)."""
        done = sorted(self.rounds, key=lambda r: (r.pct(99) is None, r.pct(99) or 0))
        return done[(len(done) - 1) // 2] if done else None

    @property
    def holds(self) -> bool:
        return (
            self.connect["connected"] == self.sockets
            and bool(self.rounds)
            and all(r.received == self.sockets for r in self.rounds)
        )


def application(args) -> str | None:
    return "bench.whatif:application" if args.socket_whatif else None


def layer_env(layer: str, sqlite: Path) -> dict[str, str]:
    return {
        "DATABASE_URL": f"sqlite:///{sqlite}",
        "REDIS_URL": REDIS_URL
        if layer == REDIS
        else "",  # empty: the in-memory layer and local caches
        "WS_PING_INTERVAL_SECONDS": PING_INTERVAL,
    }


def _run(args: list[str], env: dict, timeout: float) -> str:
    done = subprocess.run(
        [sys.executable, *args],
        cwd=ROOT,
        env={**bench_env(), **env},
        capture_output=True,
        text=True,
        timeout=timeout,
    )
    if done.returncode:
        sys.exit(
            f"{' '.join(args)} failed ({done.returncode}):\n{done.stdout[-2000:]}{done.stderr[-4000:]}"
        )
    return done.stdout


def prepare_database(sqlite: Path) -> str:
    """A throwaway SQLite database: migrated, with a small demo catalog (stock levels to change)."""
    env = layer_env(MEMORY, sqlite)
    started = time.perf_counter()
    _run(["manage.py", "migrate", "--no-input", "-v", "0"], env, timeout=600)
    migrated = time.perf_counter()
    _run(["manage.py", "seed_demo", "--products", "5"], env, timeout=600)
    return (
        f"a fresh SQLite file for the run ({sqlite.name}, both layers): `migrate` {migrated - started:.1f} s, "
        f"`seed_demo --products 5` {time.perf_counter() - migrated:.1f} s"
    )


def raise_open_files() -> int:
    """Every socket is a file descriptor at both ends: the soft limit up to the hard one, for
    this process and (inherited) the server and the clients."""
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    if hard == resource.RLIM_INFINITY or hard > soft:
        target = hard if hard != resource.RLIM_INFINITY else max(soft, 65536)
        resource.setrlimit(resource.RLIMIT_NOFILE, (target, hard))
    return resource.getrlimit(resource.RLIMIT_NOFILE)[0]


def rss_mib(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return 0.0


def cpu_s(pid: int) -> float:
    """utime + stime of a process, all its threads."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return 0.0
    fields = stat[stat.rindex(")") + 2 :].split()
    return (int(fields[11]) + int(fields[12])) / CLOCK_TICKS


def redis_pids() -> list[int]:
    found = []
    for entry in os.scandir("/proc"):
        if entry.name.isdigit():
            try:
                if Path(f"/proc/{entry.name}/comm").read_text().strip() == "redis-server":
                    found.append(int(entry.name))
            except OSError:
                pass
    return found


def settle(pids: list[int], *, below: float = 0.03, timeout: float = 60) -> float:
    """Wait until the server is idle (its processes together under ``below`` of a core for a
    second); returns their share."""
    deadline = time.monotonic() + timeout
    while True:
        before = sum(cpu_s(pid) for pid in pids)
        time.sleep(1)
        share = sum(cpu_s(pid) for pid in pids) - before
        if share < below or time.monotonic() > deadline:
            return share


def established(port: int) -> int:
    """Open TCP connections accepted on this local port (/proc/net/tcp: state 01)."""
    suffix = f":{port:04X}"
    count = 0
    for table in ("/proc/net/tcp", "/proc/net/tcp6"):
        try:
            lines = Path(table).read_text().splitlines()[1:]
        except OSError:
            continue
        for line in lines:
            fields = line.split()
            if fields[1].endswith(suffix) and fields[3] == "01":
                count += 1
    return count


@dataclass
class Served:
    """What the clients and the api trigger talk to (the daphne process, or nginx in front of
    two), and the processes whose CPU and memory count as the server's."""

    layout: str
    port: int
    daphnes: list[servers.Server]
    nginx: servers.Server | None = None
    nginx_workers: list[int] = field(default_factory=list)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def log(self) -> Path:
        return self.daphnes[0].log

    @property
    def groups(self) -> list[int]:
        """Process groups (each started in a session of its own)."""
        return [s.process.pid for s in self.daphnes] + (
            [self.nginx.process.pid] if self.nginx else []
        )

    @property
    def nginx_pids(self) -> list[int]:
        return [self.nginx.process.pid, *self.nginx_workers] if self.nginx else []

    @property
    def pids(self) -> list[int]:
        return [s.process.pid for s in self.daphnes] + self.nginx_pids

    def sockets_per_daphne(self) -> list[int]:
        return [established(s.port) for s in self.daphnes]

    def stop(self) -> None:
        if self.nginx:
            servers.stop(self.nginx)
        for server in self.daphnes:
            servers.stop(server)


def nginx_limits(open_files: int) -> dict[str, int]:
    """nginx holds two connections per socket (the client's and its own to daphne), each an
    open file of the worker that accepted the socket; a worker may not open more than the hard
    limit, so each may use it whole (`reuseport` lets the kernel split the sockets evenly)."""
    return {
        "workers": NGINX_WORKERS,
        "worker_connections": open_files - 64,  # a few files of its own: logs, listening sockets
        "open_files": open_files,
    }


def nginx_holds(open_files: int, sockets: int) -> bool:
    """Whether the workers have the files for ``sockets``, with room for an uneven split."""
    return 2 * sockets / NGINX_WORKERS * 1.05 <= nginx_limits(open_files)["worker_connections"]


def nginx_version(binary: str) -> str:
    done = subprocess.run([binary, "-v"], capture_output=True, text=True)
    return done.stderr.strip().rpartition("/")[2] or "unknown"


def serve(layout: str, *, args, env: dict, work_dir: Path, name: str, open_files: int) -> Served:
    def daphne(log_name: str) -> servers.Server:
        return servers.start(
            "daphne",
            workers=1,
            log_dir=work_dir,
            extra_env=env,
            log_name=log_name,
            application=application(args),
        )

    if layout == SINGLE:
        server = daphne(name)
        return Served(layout, server.port, [server])
    started = Served(layout, 0, [])
    try:
        for i in range(2):
            started.daphnes.append(daphne(f"{name}-daphne{i + 1}"))
        started.nginx = start_nginx(
            work_dir / f"{name}-nginx",
            http=f"127.0.0.1:{started.daphnes[0].port}",
            websockets=[f"127.0.0.1:{s.port}" for s in started.daphnes],
            limits=nginx_limits(open_files),
            log=work_dir / f"{name}-nginx.log",
        )
    except BaseException:
        started.stop()
        raise
    started.port = started.nginx.port
    started.nginx_workers = servers.children(started.nginx.process.pid)
    return started


def start_nginx(
    run_dir: Path, *, http: str, websockets: list[str], limits: dict, log: Path
) -> servers.Server:
    """nginx on the site file as production has it, rendered by deploy/run_full.py; `location /`
    (the site's gunicorn upstream) goes to ``http``, /ws/ to the ``websockets`` servers."""
    binary = run_full.find_nginx(os.environ.get("PATH", ""))
    if not binary:
        sys.exit("the nginx2 layout needs nginx (Debian: apt-get install nginx)")
    port = servers.free_port()
    site = run_full.render_site(
        {
            "LISTEN": f"127.0.0.1:{port} reuseport",
            "SERVER_NAME": "localhost",
            "GUNICORN_ADDRESS": http,
            "DAPHNE_SERVERS": run_full.upstream_servers(websockets),
            "STATIC_ROOT": str(ROOT / "staticfiles"),
            "MEDIA_ROOT": str(ROOT / "media"),
        }
    )
    run_dir.mkdir()
    config = run_full.write_nginx_main(
        site,
        run_dir,
        worker_processes=limits["workers"],
        worker_connections=limits["worker_connections"],
        open_files=limits["open_files"],
    )
    with open(log, "wb") as out:
        process = subprocess.Popen(
            [binary, "-e", "stderr", "-p", str(run_dir), "-c", str(config)],
            stdout=out,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    server = servers.Server("nginx", port, log, process)
    try:
        servers.wait_healthy(server)  # /health through nginx, from the first daphne
    except BaseException:
        servers.stop(server)
        raise
    return server


def nginx_complaints(log: Path) -> list[str]:
    """nginx's alerts and errors (too few worker_connections, an upstream refusing, ...)."""
    return [
        line
        for line in log.read_text(errors="replace").splitlines()
        if any(f"[{level}]" in line for level in ("error", "crit", "alert", "emerg"))
    ]


def _pump(stream, into: queue.Queue) -> None:
    for line in stream:
        into.put(line)
    into.put(None)


class Clients:
    """The client processes, each with its share of the sockets; JSON lines in and out."""

    def __init__(
        self,
        server: Served,
        sockets: int,
        processes: int,
        *,
        work_dir: Path,
        name: str,
        concurrency: int,
        open_timeout: float,
    ):
        processes = max(1, min(processes, sockets))
        shares = [
            sockets // processes + (1 if i < sockets % processes else 0) for i in range(processes)
        ]
        self.procs, self.queues, self.logs = [], [], []
        for i, count in enumerate(shares):
            config = work_dir / f"{name}-client{i}.json"
            config.write_text(
                json.dumps(
                    {
                        "url": f"ws://127.0.0.1:{server.port}/ws/inventory/",
                        "origin": ORIGIN,
                        "count": count,
                        "concurrency": max(1, concurrency // processes),
                        "open_timeout": open_timeout,
                    }
                )
            )
            log = work_dir / f"{name}-client{i}.log"
            self.logs.append(log)
            with open(log, "wb") as err:
                proc = subprocess.Popen(
                    [sys.executable, "-m", "bench.socketclient", str(config)],
                    cwd=ROOT,
                    stdin=subprocess.PIPE,
                    stdout=subprocess.PIPE,
                    stderr=err,
                    text=True,
                    start_new_session=True,
                )  # Ctrl-C reaches the bench, which stops these
            lines: queue.Queue = queue.Queue()
            threading.Thread(target=_pump, args=(proc.stdout, lines), daemon=True).start()
            self.procs.append(proc)
            self.queues.append(lines)

    @property
    def pids(self) -> list[int]:
        return [p.pid for p in self.procs]

    def send(self, command: dict) -> None:
        for proc in self.procs:
            proc.stdin.write(json.dumps(command) + "\n")
            proc.stdin.flush()

    def collect(self, timeout: float) -> list[dict]:
        deadline = time.monotonic() + timeout
        out = []
        for proc, lines, log in zip(self.procs, self.queues, self.logs):
            try:
                line = lines.get(timeout=max(0.1, deadline - time.monotonic()))
            except queue.Empty:
                sys.exit(f"socket client {proc.pid} gave no answer in {timeout:.0f} s; see {log}")
            if line is None:
                sys.exit(f"socket client {proc.pid} exited ({proc.wait()}); see {log}")
            out.append(json.loads(line))
        return out

    def cpu_s(self) -> float:
        return sum(cpu_s(pid) for pid in self.pids)

    def stop(self) -> None:
        for proc in self.procs:
            if proc.poll() is None:
                try:
                    proc.stdin.write('{"cmd": "quit"}\n')
                    proc.stdin.flush()
                except OSError:
                    pass
        for proc in self.procs:
            try:
                proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait(timeout=5)


class DirectTrigger:
    """bench/socketprep.py trigger: group_send from a process of its own, on the server's settings."""

    def __init__(self, env: dict, log: Path):
        with open(log, "wb") as err:
            self.proc = subprocess.Popen(
                [sys.executable, "-m", "bench.socketprep", "trigger"],
                cwd=ROOT,
                env={**bench_env(), **env},
                stdin=subprocess.PIPE,
                stdout=subprocess.PIPE,
                stderr=err,
                text=True,
                start_new_session=True,
            )
        self.log = log
        self.lines: queue.Queue = queue.Queue()
        threading.Thread(target=_pump, args=(self.proc.stdout, self.lines), daemon=True).start()
        ready = self._answer(60)
        if not str(ready.get("layer")).startswith("Redis"):
            self.stop()
            sys.exit(f"the direct trigger needs the Redis layer, got {ready.get('layer')}")

    def _answer(self, timeout: float) -> dict:
        try:
            line = self.lines.get(timeout=timeout)
        except queue.Empty:
            line = None
        if line is None:
            sys.exit(f"bench.socketprep trigger failed; see {self.log}")
        return json.loads(line)

    def send(self, quantity: int) -> tuple[float, float]:
        self.proc.stdin.write(f"{quantity}\n")
        self.proc.stdin.flush()
        answer = self._answer(60)
        return answer["t0"], answer["sent"]

    def stop(self) -> None:
        if self.proc.poll() is None:
            self.proc.stdin.close()
            try:
                self.proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(timeout=5)


def put_stock(server: Served, staff: dict, quantity: int) -> tuple[int, bytes]:
    body = {"sku": staff["sku"], "location_id": staff["location_id"], "quantity": quantity}
    request = urllib.request.Request(
        f"{server.url}/api/staff/stock",
        data=json.dumps(body).encode(),
        method="PUT",
        headers={
            "Authorization": f"Bearer {staff['token']}",
            "Content-Type": "application/json",
            "Accept": "application/json",
        },
    )
    try:
        with urllib.request.urlopen(request, timeout=120) as response:
            return response.status, response.read()
    except urllib.error.HTTPError as error:
        return error.code, error.read()


class Profile:
    """py-spy record of the server (non-blocking sampling, which doesn't pause the process, unless
    native frames are wanted)."""

    def __init__(self, binary: str, pid: int, output: Path, native: bool = False):
        self.output = output
        # --native needs the process paused for each sample (it slows the server a little)
        self.proc = subprocess.Popen(
            [
                binary,
                "record",
                "--pid",
                str(pid),
                "--rate",
                "250",
                "--format",
                "raw",
                "--output",
                str(output),
                *(["--native"] if native else ["--nonblocking"]),
            ],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
            text=True,
            start_new_session=True,
        )
        time.sleep(1.5)  # attached before the first round
        if self.proc.poll() is not None:
            sys.exit(f"py-spy failed: {self.proc.stderr.read()[-1000:]}")

    def stop(self) -> None:
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGINT)  # py-spy writes the file on Ctrl-C
            try:
                self.proc.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(timeout=5)


def profile_summary(path: Path, top: int = 25) -> list[str]:
    """From py-spy's raw (collapsed) stacks: the functions most samples were in (inclusive) and
    where they were when sampled (self), as shares of the samples."""
    inclusive: dict[str, int] = {}
    own: dict[str, int] = {}
    total = 0
    if not path.exists():
        return [f"(no profile at {path})"]
    for line in path.read_text().splitlines():
        stack, _, count = line.rpartition(" ")
        if not stack or not count.isdigit():
            continue
        n = int(count)
        total += n
        frames = stack.split(";")
        for frame in set(frames):
            inclusive[frame] = inclusive.get(frame, 0) + n
        own[frames[-1]] = own.get(frames[-1], 0) + n
    if not total:
        return ["(no samples)"]
    out = [f"{total:,} samples (250 Hz, non-idle threads)", "inclusive:"]
    out += [
        f"  {100 * n / total:5.1f}%  {f}"
        for f, n in sorted(inclusive.items(), key=lambda kv: -kv[1])[:top]
    ]
    out += ["self:"]
    out += [
        f"  {100 * n / total:5.1f}%  {f}"
        for f, n in sorted(own.items(), key=lambda kv: -kv[1])[:top]
    ]
    return out


def one_round(
    server: Served,
    clients: Clients,
    trigger: str,
    quantity: int,
    *,
    staff: dict,
    direct: DirectTrigger | None,
    timeout: float,
    expected: int,
) -> Round:
    skip = {*server.groups, *clients.pids, *([direct.proc.pid] if direct else [])}
    quiet.wait_until_quiet(skip)
    settle(server.pids)
    clients.send({"cmd": "expect", "quantity": quantity, "timeout": timeout})
    time.sleep(0.2)  # the clients have read it (they record early arrivals anyway)
    reds = redis_pids()

    def cpu() -> dict[str, float]:
        return {
            "server": sum(cpu_s(p) for p in server.pids),
            "redis": sum(cpu_s(p) for p in reds),
            "clients": clients.cpu_s(),
            **({"nginx": sum(cpu_s(p) for p in server.nginx_pids)} if server.nginx else {}),
        }

    before = cpu()
    with quiet.OtherLoad(skip) as other:
        if trigger == API:
            t0 = time.time()
            status, body = put_stock(server, staff, quantity)
            answered = time.time()
            if status != 200:
                sys.exit(f"PUT /api/staff/stock answered {status}: {body[:300]!r}")
        else:
            t0, answered = direct.send(quantity)
        replies = clients.collect(timeout + 30)
    after = cpu()
    latencies = sorted(
        (t - t0) * 1000 for reply in replies for t in reply["times"] if t is not None
    )
    return Round(
        trigger,
        expected,
        latencies,
        (answered - t0) * 1000,
        {k: 1000 * (after[k] - before[k]) for k in before},
        other_cpu=other.share,
        closed=_merge(reply["closed"] for reply in replies),
        pings=sum(reply["pings"] for reply in replies),
        t0=t0,
    )


def one_size(
    layout: str,
    layer: str,
    sockets: int,
    args,
    *,
    sqlite: Path,
    staff: dict,
    work_dir: Path,
    quantities,
    open_files: int,
) -> list[SocketRun]:
    name = (
        f"sockets-{layer}-{sockets}" if layout == SINGLE else f"sockets-{layout}-{layer}-{sockets}"
    )
    label = (
        LAYER_NAMES[layer] if layout == SINGLE else f"{LAYOUT_NAMES[layout]}, {LAYER_NAMES[layer]}"
    )
    env = layer_env(layer, sqlite)
    if layer == REDIS:
        redis.Redis.from_url(REDIS_URL).flushdb()  # no group members left from an earlier server
    if args.socket_whatif:  # bench/whatif.py: an experiment, not the app as it is
        env["BENCH_WHATIF"] = ",".join(args.socket_whatif)
    server = serve(layout, args=args, env=env, work_dir=work_dir, name=name, open_files=open_files)
    clients = direct = profile = None
    runs = []
    try:
        status, body = put_stock(
            server, staff, next(quantities)
        )  # warm-up, and a check of the trigger
        if status != 200:
            sys.exit(f"PUT /api/staff/stock answered {status}: {body[:300]!r}")
        triggers = [t for t in args.socket_triggers if t == API or layer == REDIS]
        if DIRECT in triggers:
            direct = DirectTrigger(env, work_dir / f"{name}-trigger.log")
            direct.send(next(quantities))  # warm-up
        settle(server.pids)
        rss_before = sum(rss_mib(pid) for pid in server.pids)
        # nginx keeps a connection to the first daphne from the trigger's warm-up: not a socket
        on_daphnes_before = server.sockets_per_daphne() if server.nginx else []
        clients = Clients(
            server,
            sockets,
            args.socket_clients,
            work_dir=work_dir,
            name=name,
            concurrency=args.socket_concurrency,
            open_timeout=30,
        )
        connected = clients.collect(120 + sockets / 20)
        connect = {
            "connected": sum(c["open"] for c in connected),
            "failed": _merge(c["failed"] for c in connected),
            "seconds": max(c["seconds"] for c in connected),
            "handshake_p50_ms": _median(
                [c["handshake_ms"]["50"] for c in connected if c["handshake_ms"]]
            ),
            "handshake_p99_ms": max(
                (c["handshake_ms"]["99"] for c in connected if c["handshake_ms"]), default=None
            ),
            "processes": len(clients.procs),
        }
        if server.nginx:
            connect["per_daphne"] = [
                now - before
                for now, before in zip(server.sockets_per_daphne(), on_daphnes_before, strict=True)
            ]
        print(
            f"  {label} {sockets:,}: {connect['connected']:,} connected in {connect['seconds']:.1f} s"
            + (f", failed: {connect['failed']}" if connect["failed"] else "")
            + (
                f"; sockets on each daphne: {' / '.join(f'{n:,}' for n in connect['per_daphne'])}"
                if server.nginx
                else ""
            ),
            flush=True,
        )
        if server.nginx and (complaints := nginx_complaints(server.nginx.log)):
            print(f"  nginx: {len(complaints)} errors, the first: {complaints[0]}", flush=True)
        settle(server.pids)
        rss_idle = sum(rss_mib(pid) for pid in server.pids)
        rss_parts = (
            {
                **{f"daphne {i + 1}": rss_mib(s.process.pid) for i, s in enumerate(server.daphnes)},
                "nginx": sum(rss_mib(pid) for pid in server.nginx_pids),
            }
            if server.nginx
            else {}
        )
        if args.py_spy:  # nginx2: the first daphne
            profile = Profile(
                args.py_spy,
                server.daphnes[0].process.pid,
                work_dir / f"{name}.pyspy.txt",
                native=args.py_spy_native,
            )
        for trigger in triggers:
            run = SocketRun(
                layer,
                sockets,
                trigger,
                connect,
                {"before": rss_before, "idle": rss_idle},
                layout=layout,
                rss_parts=rss_parts,
            )
            for _ in range(args.socket_rounds):
                expected = connect["connected"]
                r = one_round(
                    server,
                    clients,
                    trigger,
                    next(quantities),
                    staff=staff,
                    direct=direct,
                    timeout=args.socket_timeout,
                    expected=expected,
                )
                run.rounds.append(r)
                print("  " + round_line(run, r), flush=True)
                if "gc-log" in args.socket_whatif:
                    print("    " + collections_during(server.log, r), flush=True)
            runs.append(run)
        if profile:
            profile.stop()
            summary = profile_summary(profile.output)
            (work_dir / f"{name}.pyspy-summary.txt").write_text("\n".join(summary) + "\n")
            print(
                "  py-spy: " + str(profile.output) + "\n  " + "\n  ".join(summary[:40]), flush=True
            )
        rss_after = sum(rss_mib(pid) for pid in server.pids)
        for run in runs:
            run.rss_mib["after"] = rss_after
    except BaseException:
        for s in [*server.daphnes, *([server.nginx] if server.nginx else [])]:
            print(f"{name} log: {s.log}", file=sys.stderr)
        raise
    finally:
        if profile:
            profile.stop()
        if direct:
            direct.stop()
        server.stop()
        if clients:
            clients.stop()
    return runs


def _merge(tables) -> dict[str, int]:
    out: dict[str, int] = {}
    for table in tables:
        for k, n in table.items():
            out[k] = out.get(k, 0) + n
    return out


def _median(values: list[float]) -> float | None:
    values = sorted(v for v in values if v is not None)
    return values[len(values) // 2] if values else None


def _ms(value: float | None) -> str:
    return "–" if value is None else f"{value:,.0f}" if value >= 100 else f"{value:.1f}"


def collections_during(log: Path, r: Round) -> str:
    """bench/whatif.py gc-log: the garbage collections between the trigger and the last receipt."""
    end = r.t0 + (r.pct(100) or 0) / 1000
    found = []
    for line in log.read_text(errors="replace").splitlines():
        if line.startswith("bench-gc "):
            entry = json.loads(line.removeprefix("bench-gc "))
            if r.t0 <= entry["at"] <= end + 0.001:
                found.append(entry)
    if not found:
        return "collections during the round: none logged (generation 2, or over 10 ms)"
    return "collections during the round: " + "; ".join(
        f"gen {e['generation']} {e['ms']:.0f} ms ({e['objects']:,} objects in it after)"
        for e in found
    )


def round_line(run: SocketRun, r: Round) -> str:
    return (
        ("" if run.layout == SINGLE else f"{LAYOUT_NAMES[run.layout]}, ")
        + f"{LAYER_NAMES[run.layer]} {run.sockets:,} {r.trigger}: {r.received:,}/{r.expected:,} received, "
        f"first {_ms(r.pct(0))} p50 {_ms(r.pct(50))} p99 {_ms(r.pct(99))} max {_ms(r.pct(100))} ms; "
        f"answered {_ms(r.answered_ms)} ms; CPU ms server {r.cpu_ms['server']:.0f}"
        + (f" (nginx {r.cpu_ms['nginx']:.0f})" if "nginx" in r.cpu_ms else "")
        + ", redis "
        f"{r.cpu_ms['redis']:.0f}, clients {r.cpu_ms['clients']:.0f}; other CPU {100 * r.other_cpu:.0f}%"
    )


def plan(args) -> list[tuple[str, str, list[int]]]:
    """(layout, layer, sizes) in the order they run; nginx2 on the Redis layer only."""
    out = []
    for layout in args.socket_layouts:
        if layout == SINGLE:
            out += [(SINGLE, layer, args.socket_counts) for layer in args.socket_layers]
        else:
            out.append((NGINX2, REDIS, args.socket_counts_nginx2))
    return out


def measure(args, work_dir: Path) -> tuple[list[SocketRun], dict]:
    limit = raise_open_files()
    planned = plan(args)
    needed = max(max(sizes) for _, _, sizes in planned) + 200
    if limit < needed:
        sys.exit(f"open files limit {limit} is below {needed}: raise the hard limit (ulimit -Hn)")
    nginx = None
    if NGINX2 in args.socket_layouts:
        most = max(args.socket_counts_nginx2)
        if not nginx_holds(limit, most):
            sys.exit(
                f"open files limit {limit} is too low for {most:,} sockets through nginx's "
                f"{NGINX_WORKERS} workers (two connections each): raise the hard limit (ulimit -Hn)"
            )
        binary = run_full.find_nginx(os.environ.get("PATH", ""))
        if not binary:
            sys.exit("--socket-layouts nginx2 needs nginx (Debian: apt-get install nginx)")
        nginx = {"version": nginx_version(binary), **nginx_limits(limit)}
        # nginx's workers (nobody, when the bench runs as root) reach their temp directories
        # in it: traversal only, no listing.
        work_dir.chmod(0o711)
    sqlite = work_dir / "sockets.sqlite3"
    print(f"sockets: preparing {sqlite}", flush=True)
    setup = prepare_database(sqlite)
    quantities = iter(
        range(10_000, 1_000_000)
    )  # a new quantity per broadcast: the clients tell rounds apart by it
    runs, skipped = [], []
    for layout, layer, sizes in planned:
        label = (
            LAYER_NAMES[layer]
            if layout == SINGLE
            else f"{LAYOUT_NAMES[layout]}, {LAYER_NAMES[layer]}"
        )
        staff = json.loads(
            _run(["-m", "bench.socketprep", "staff"], layer_env(layer, sqlite), timeout=120)
        )
        for i, sockets in enumerate(sizes):
            print(f"sockets: {label}, {sockets:,} sockets", flush=True)
            size_runs = one_size(
                layout,
                layer,
                sockets,
                args,
                sqlite=sqlite,
                staff=staff,
                work_dir=work_dir,
                quantities=quantities,
                open_files=limit,
            )
            runs += size_runs
            api = next((r for r in size_runs if r.trigger == API), size_runs[0])
            why = None
            if not all(r.holds for r in size_runs):
                why = f"at {sockets:,} not every socket connected and received"
            elif api.headline.pct(99) > args.socket_give_up * 1000:
                why = f"p99 at {sockets:,} was {api.headline.pct(99) / 1000:.1f} s (over --socket-give-up {args.socket_give_up:g} s)"
            if why and sizes[i + 1 :]:
                skipped.append((layout, layer, sizes[i + 1 :], why))
                print(
                    f"  {label}: not measuring {', '.join(f'{n:,}' for n in sizes[i + 1 :])}: {why}",
                    flush=True,
                )
                break
    return runs, {"setup": setup, "open_files": limit, "skipped": skipped, "nginx": nginx}


def table(runs: list[SocketRun]) -> str:
    rows = [
        (
            "| server | layer | trigger | N | connected | received (fewest in a round) | p50 ms | p99 ms | "
            "max ms | p99 ms, each round | server RSS MiB |"
        ),
        "|---|---|---|---:|---:|---:|---:|---:|---:|---|---:|",
    ]
    for run in runs:
        h = run.headline
        received = min(r.received for r in run.rounds)
        failed = ", ".join(f"{n} × {k}" for k, n in run.connect["failed"].items())
        closed = ", ".join(f"{n} × {k}" for k, n in run.rounds[-1].closed.items())
        split = " + ".join(f"{n:,}" for n in run.connect.get("per_daphne", []))
        rows.append(
            f"| {LAYOUT_NAMES[run.layout]} | {LAYER_NAMES[run.layer]} | {run.trigger} | {run.sockets:,} | "
            f"{run.connect['connected']:,}"
            + (f" ({split})" if split else "")
            + (f" (failed: {failed})" if failed else "")
            + (f" (closed later: {closed})" if closed else "")
            + f" | {received:,} | {_ms(h.pct(50))} | {_ms(h.pct(99))} | {_ms(h.pct(100))} | "
            + " / ".join(_ms(r.pct(99)) for r in run.rounds)
            + f" | {run.rss_mib['idle']:.0f} |"
        )
    return "\n".join(rows)


def machine_table(runs: list[SocketRun]) -> str:
    rows = [
        (
            "| server | layer | trigger | N | first ms | trigger answered ms | server CPU ms | µs per socket | "
            "Redis CPU ms | client CPU ms | other CPU | connect s (handshake p50 / p99 ms) | "
            "RSS MiB: before / idle / after | KiB per socket |"
        ),
        "|---|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---|---|---:|",
    ]
    for run in runs:
        h, c, m = run.headline, run.connect, run.rss_mib
        nginx_cpu = f" (nginx {h.cpu_ms['nginx']:,.0f})" if "nginx" in h.cpu_ms else ""
        parts = ", ".join(f"{k} {v:.0f}" for k, v in run.rss_parts.items())
        rows.append(
            f"| {LAYOUT_NAMES[run.layout]} | {LAYER_NAMES[run.layer]} | {run.trigger} | {run.sockets:,} | "
            f"{_ms(h.pct(0))} | {_ms(h.answered_ms)} | {h.cpu_ms['server']:,.0f}{nginx_cpu} | "
            f"{1000 * h.cpu_ms['server'] / run.sockets:.0f} | {h.cpu_ms['redis']:.0f} | "
            f"{h.cpu_ms['clients']:,.0f} | {100 * h.other_cpu:.0f}% | {c['seconds']:.1f} "
            f"({_ms(c['handshake_p50_ms'])} / {_ms(c['handshake_p99_ms'])}) | {m['before']:.0f} / {m['idle']:.0f} / "
            f"{m.get('after', 0):.0f}"
            + (f" (idle: {parts})" if parts else "")
            + f" | {1024 * (m['idle'] - m['before']) / run.sockets:.0f} |"
        )
    return "\n".join(rows)


def earlier_table(runs: list[SocketRun]) -> str:
    runs = [r for r in runs if r.layout == SINGLE]
    sizes = sorted({n for by_n in EARLIER.values() for n in by_n} | {r.sockets for r in runs})
    rows = [
        "| daphne / layer | " + " | ".join(f"{n:,}" for n in sizes) + " |",
        "|---|" + "---:|" * len(sizes),
    ]
    for layer in (MEMORY, REDIS):
        rows.append(
            f"| {LAYER_NAMES[layer]}, DESIGN.md | "
            + " | ".join(
                "/".join(f"{v:,}" for v in EARLIER[layer][n]) if n in EARLIER[layer] else "–"
                for n in sizes
            )
            + " |"
        )
        for trigger in (API, DIRECT):
            by_n = {r.sockets: r for r in runs if r.layer == layer and r.trigger == trigger}
            if by_n:
                rows.append(
                    f"| {LAYER_NAMES[layer]}, this run ({trigger}) | "
                    + " | ".join(
                        f"{_ms(by_n[n].headline.pct(50))}/{_ms(by_n[n].headline.pct(99))}"
                        if n in by_n
                        else "–"
                        for n in sizes
                    )
                    + " |"
                )
    return "\n".join(rows)


def targets(runs: list[SocketRun], skipped=()) -> list[str]:
    lines = []
    for layer in (MEMORY, REDIS):
        run = next(
            (
                r
                for r in runs
                if r.layout == SINGLE
                and r.layer == layer
                and r.sockets == TARGET_SOCKETS
                and r.trigger == API
            ),
            None,
        )
        if run is None:
            continue
        p99s = [r.pct(99) for r in run.rounds]
        met = run.holds and max(p99s) < TARGET_P99_MS
        lines.append(
            f"- {TARGET_SOCKETS:,} sockets on one process receive a broadcast with p99 under {TARGET_P99_MS} ms, "
            f"{LAYER_NAMES[layer]} layer, staff API trigger: **{'met' if met else 'not met'}** (p99 "
            + " / ".join(f"{p:,.0f}" for p in p99s)
            + f" ms in {len(p99s)} rounds; "
            + (
                f"all {run.sockets:,} connected and received every round"
                if run.holds
                else "NOT every socket connected and received"
            )
            + ")."
        )
    return lines + nginx_target(runs, skipped)


def nginx_target(runs: list[SocketRun], skipped) -> list[str]:
    behind = [r for r in runs if r.layout == NGINX2 and r.trigger == API]
    if not behind:
        return []
    what = (
        f"- Two daphne processes behind nginx hold {NGINX_TARGET_SOCKETS:,} sockets that receive a "
        f"broadcast with p99 under {NGINX_TARGET_P99_MS:,} ms, {LAYER_NAMES[REDIS]} layer, staff API "
        "trigger: "
    )
    run = next((r for r in behind if r.sockets == NGINX_TARGET_SOCKETS), None)
    if run is None:
        why = next((why for layout, _, sizes, why in skipped if layout == NGINX2), None)
        return [
            what
            + f"**not met**: not measured at {NGINX_TARGET_SOCKETS:,} (the largest size measured "
            f"was {max(r.sockets for r in behind):,}" + (f"; {why}" if why else "") + ")."
        ]
    p99s = [r.pct(99) for r in run.rounds]
    worst = max((p for p in p99s if p is not None), default=None)
    met = run.holds and worst is not None and worst < NGINX_TARGET_P99_MS
    if worst is None:
        margin = "no socket received"
    elif worst < NGINX_TARGET_P99_MS:
        margin = f"the worst {NGINX_TARGET_P99_MS - worst:,.0f} ms under the target"
    else:
        over = worst - NGINX_TARGET_P99_MS
        margin = (
            f"the worst {over:,.0f} ms ({100 * over / NGINX_TARGET_P99_MS:.0f}%) over the target"
        )
    fewest = min(r.received for r in run.rounds)
    return [
        what
        + f"**{'met' if met else 'not met'}** (p99 "
        + " / ".join(_ms(p) for p in p99s)
        + f" ms in {len(p99s)} rounds, {margin}; "
        + (
            f"all {run.sockets:,} connected and received every round"
            if run.holds
            else f"NOT every socket connected and received: {run.connect['connected']:,} connected, "
            f"{fewest:,} received in the worst round"
        )
        + ")."
    ]


def nginx_setting(nginx: dict) -> str:
    """The report's account of the nginx2 layout (measure()'s prep["nginx"])."""
    return (
        f"nginx {nginx['version']} on deploy/nginx/shop.conf as production has it, rendered by "
        "deploy/run_full.py (render_site, upstream_servers, write_nginx_main) into a run directory "
        "of the bench's own (WORKDIR/sockets-nginx2-redis-N-nginx/) and started as `nginx -e stderr "
        "-p RUN_DIR -c RUN_DIR/nginx.conf`, its workers as nobody; LISTEN 127.0.0.1:PORT reuseport "
        "(the kernel splits the sockets evenly between the workers); the upstream shop_ws lists the "
        "two daphne processes (nginx's default round robin), and `location /` (the site's gunicorn "
        "upstream) goes to the first one, so the api trigger goes through nginx too (no gunicorn "
        f"in the bench: daphne serves HTTP as well); worker_processes {nginx['workers']}, "
        f"worker_connections {nginx['worker_connections']:,}, worker_rlimit_nofile "
        f"{nginx['open_files']:,} (the open files limit: nginx holds two connections per socket, "
        "the client's and its own to daphne); both daphne processes started as the single one is "
        "(the same command, a port each), on the Redis layer, fresh ones (and a fresh nginx) per "
        "size; the clients connect to nginx's port"
    )


def package_versions(nginx: str | None = None) -> dict[str, str]:
    import platform

    found = {"Python": platform.python_version()}
    for package in (
        "Django",
        "channels",
        "channels-redis",
        "redis",
        "daphne",
        "Twisted",
        "autobahn",
        "websockets",
    ):
        try:
            found[package] = version(package)
        except Exception:  # noqa: BLE001 - not installed
            found[package] = "not installed"
    try:
        found["Redis server"] = redis.Redis.from_url(REDIS_URL).info("server")["redis_version"]
    except redis.RedisError:
        pass
    if nginx:
        found["nginx"] = nginx
    return found


def section(
    runs: list[SocketRun],
    *,
    command: str,
    date: str,
    settings: dict[str, str],
    skipped,
    nginx: dict | None = None,
) -> str:
    from bench.report import machine

    out = [
        "## WebSocket broadcast",
        "",
        f"Measured {date} with `{command}`.",
        "",
        table(runs),
        "",
        *[
            f"- {LAYOUT_NAMES[layout]}, {LAYER_NAMES[layer]}: not measured at "
            f"{', '.join(f'{n:,}' for n in sizes)}: {why}."
            for layout, layer, sizes, why in skipped
        ],
        "",
        "### Target",
        "",
        *targets(runs, skipped),
        "",
        (
            "N: sockets open to /ws/inventory/, on one daphne process (server: 1 daphne) or through "
            "nginx to two (2 daphne + nginx: connected shows how nginx split them, as counted on "
            "each daphne's port); received: sockets that got the "
            "broadcast (within --socket-timeout); p50/p99/max: time from the trigger to each socket's "
            "receipt, over the N sockets, for the median round by p99 (the p99 of every round is in the "
            "next column); server RSS: the daphne process (or both, and nginx's master and workers) "
            "with the N sockets connected and idle. "
            "Triggers: api = PUT /api/staff/stock with a staff JWT (the app's own path: the stock "
            'change commits, then on_commit sends it to group "inventory"), t0 just before the request; '
            "direct = group_send of the same event by another process (Redis only), t0 just before it."
        ),
        "",
        (
            "Where the time and memory went (the median round): first = the first socket's receipt; "
            "trigger answered = the PUT's answer, or group_send's return; CPU = CPU time of the server "
            "(all threads; 2 daphne + nginx: both daphne processes and nginx's, nginx's own share in "
            "brackets), Redis and the client processes from just before t0 until every socket "
            "had it; µs per socket = server CPU / N; other CPU: processes other than these "
            "(bench/quiet.py); KiB per socket = (idle RSS - RSS before the sockets) / N:"
        ),
        "",
        machine_table(runs),
        "",
        (
            'Against DESIGN.md\'s earlier figures ("Serving": one group_send to N clients on one '
            "daphne process, p50/p99 ms):"
        ),
        "",
        earlier_table(runs),
        "",
        "### How",
        "",
        *[f"- {k}: {v}" for k, v in settings.items()],
        "",
        "Machine: " + "; ".join(f"{k} {v}" for k, v in machine().items()) + ".",
        "",
        "Versions: "
        + ", ".join(
            f"{k} {v}" for k, v in package_versions(nginx["version"] if nginx else None).items()
        )
        + ".",
        "",
    ]
    return "\n".join(out)
