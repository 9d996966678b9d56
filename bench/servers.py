"""Start the app under gunicorn or daphne as production would (DESIGN.md, Serving) and stop it."""

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


def command(name: str, port: int | str, workers: int, application: str | None = None) -> list[str]:
    if name == "gunicorn":  # sync workers: production HTTP
        return [str(BIN / "gunicorn"), application or "config.wsgi:application", "-w", str(workers),
                "-b", f"127.0.0.1:{port}"]
    if name == "daphne":  # one ASGI process, as `make run` serves; for comparison
        return [str(BIN / "daphne"), "-b", "127.0.0.1", "-p", str(port), application or "config.asgi:application"]
    raise ValueError(f"unknown server {name!r}")


def environment(name: str) -> dict[str, str]:
    env = bench_env()
    if name == "daphne":
        # Under ASGI every request runs its sync view in a thread of its own, and each thread
        # keeps its own persistent connection: with the default CONN_MAX_AGE=60, 32 concurrent
        # connections exhaust PostgreSQL's 100 within seconds ("too many clients", 500s).
        # Django's docs say to disable persistent connections under ASGI; so does the bench.
        env["CONN_MAX_AGE"] = "0"
    return env


def shown(name: str, workers: int, application: str | None = None) -> str:
    """The command as the report shows it."""
    argv = command(name, "PORT", workers, application)
    return " ".join([f".venv/bin/{name}", *argv[1:]])


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@dataclass
class Server:
    name: str
    port: int
    log: Path
    process: subprocess.Popen

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"


def start(name: str, *, workers: int, log_dir: Path, extra_env: dict[str, str] | None = None,
          log_name: str | None = None, application: str | None = None) -> Server:
    port = free_port()
    log = log_dir / f"{log_name or name}.log"
    with open(log, "wb") as out:
        # A session of its own: Ctrl-C reaches only the bench, which then stops the server
        # (all its workers, through the process group) itself.
        process = subprocess.Popen(
            command(name, port, workers, application), cwd=ROOT, env={**environment(name), **(extra_env or {})},
            stdout=out, stderr=subprocess.STDOUT, start_new_session=True,
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
