"""Start the app under each server worth comparing (DESIGN.md, Serving) and stop it."""

import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from dataclasses import dataclass
from pathlib import Path

from bench.db import ROOT, bench_env

BIN = Path(sys.executable).parent


SERVERS = ("gunicorn", "gunicorn-persistent", "gunicorn-uvicorn", "uvicorn", "daphne")


def command(name: str, port: int | str, workers: int, application: str | None = None) -> list[str]:
    if name in ("gunicorn", "gunicorn-persistent"):  # sync (WSGI) workers
        return [
            str(BIN / "gunicorn"),
            application or "config.wsgi:application",
            "-w",
            str(workers),
            "-b",
            f"127.0.0.1:{port}",
        ]
    if name == "gunicorn-uvicorn":  # gunicorn managing uvicorn's ASGI workers
        return [
            str(BIN / "gunicorn"),
            application or "config.asgi:application",
            "-w",
            str(workers),
            "-k",
            "uvicorn_worker.UvicornWorker",
            "-b",
            f"127.0.0.1:{port}",
        ]
    if name == "uvicorn":  # uvicorn's own process manager
        return [
            str(BIN / "uvicorn"),
            application or "config.asgi:application",
            "--workers",
            str(workers),
            "--host",
            "127.0.0.1",
            "--port",
            str(port),
            "--no-access-log",
            "--lifespan",
            "off",
        ]
    if name == "daphne":  # one ASGI process, as `make run` serves; for comparison
        return [
            str(BIN / "daphne"),
            "-b",
            "127.0.0.1",
            "-p",
            str(port),
            application or "config.asgi:application",
        ]
    raise ValueError(f"unknown server {name!r}; choose from {', '.join(SERVERS)}")


def environment(name: str) -> dict[str, str]:
    env = bench_env()
    if name == "gunicorn-persistent":
        # One persistent connection per worker instead of the settings' pool: a sync worker
        # serves one request at a time, so it never needs more than one.
        env.update(DB_POOL="0", CONN_MAX_AGE="60")
    return env


def shown(name: str, workers: int, application: str | None = None) -> str:
    """The command as the report shows it."""
    argv = command(name, "PORT", workers, application)
    return " ".join([f".venv/bin/{name}", *argv[1:]])


PORTS = range(8100, 8200)  # the range set aside for benchmark servers on a shared machine


def free_port() -> int:
    for port in PORTS:
        with socket.socket() as s:
            try:
                s.bind(("127.0.0.1", port))
            except OSError:
                continue
            return port
    sys.exit(f"no free port in {PORTS.start}-{PORTS.stop - 1}")


@dataclass
class Server:
    name: str
    port: int
    log: Path
    process: subprocess.Popen

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"


def start(
    name: str,
    *,
    workers: int,
    log_dir: Path,
    extra_env: dict[str, str] | None = None,
    log_name: str | None = None,
    application: str | None = None,
) -> Server:
    port = free_port()
    log = log_dir / f"{log_name or name}.log"
    with open(log, "wb") as out:
        # A session of its own: Ctrl-C reaches only the bench, which then stops the server
        # (all its workers, through the process group) itself.
        process = subprocess.Popen(
            command(name, port, workers, application),
            cwd=ROOT,
            env={**environment(name), **(extra_env or {})},
            stdout=out,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    server = Server(name, port, log, process)
    try:
        wait_healthy(server)
    except BaseException:
        stop(server)
        raise
    return server


def wait_healthy(server: Server, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if server.process.poll() is not None:
            sys.exit(f"{server.name} exited with {server.process.returncode}; see {server.log}")
        try:
            with urllib.request.urlopen(f"{server.url}/health", timeout=5) as response:
                if response.status == 200:
                    return
        except OSError:
            pass
        time.sleep(0.3)
    sys.exit(f"{server.name} did not answer /health with 200 in {timeout:.0f} s; see {server.log}")


def stop(server: Server) -> None:
    if server.process.poll() is not None:
        return
    pgid = server.process.pid  # its own session, so its own process group
    os.killpg(pgid, signal.SIGTERM)
    try:
        server.process.wait(timeout=15)
    except subprocess.TimeoutExpired:
        os.killpg(pgid, signal.SIGKILL)
        server.process.wait(timeout=5)


def children(pid: int) -> list[int]:
    """The processes whose parent is ``pid``, from /proc."""
    found = []
    for entry in os.scandir("/proc"):
        if not entry.name.isdigit():
            continue
        try:
            stat = Path(f"/proc/{entry.name}/stat").read_text()
        except OSError:
            continue  # it exited meanwhile
        if int(stat[stat.rindex(")") + 2 :].split()[1]) == pid:  # field 4, the parent
            found.append(int(entry.name))
    return sorted(found)


def rss_kib(server: Server) -> dict[int, int]:
    """Resident memory of the server's processes, by pid, from /proc: its workers (the
    processes whose parent is the one the bench started), or the process itself if it has none."""
    master = server.process.pid
    found = {}
    for pid in children(master) or [master]:
        try:
            status = Path(f"/proc/{pid}/status").read_text()
        except OSError:
            continue
        found[pid] = next(
            int(line.split()[1]) for line in status.splitlines() if line.startswith("VmRSS:")
        )
    return found
