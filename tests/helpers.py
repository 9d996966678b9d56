import os
import subprocess
import sys
import threading
from pathlib import Path

from django.db import connection

PROJECT_DIR = Path(__file__).resolve().parent.parent


def run_django(code: str, **env_overrides: str | None) -> subprocess.CompletedProcess:
    """Run Python code in a fresh process with the project's settings and the given env.

    A value of None removes that variable. A developer's .env is never read.
    """
    env = {**os.environ, "ENV_FILE": "", "DJANGO_SETTINGS_MODULE": "config.settings"}
    for name, value in env_overrides.items():
        if value is None:
            env.pop(name, None)
        else:
            env[name] = value
    return subprocess.run(
        [sys.executable, "-c", code],
        cwd=PROJECT_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )


def together(calls):
    """Run the calls in threads released at once; each one's result or exception, in order."""
    start = threading.Barrier(len(calls))
    outcomes = [None] * len(calls)

    def run(index, call):
        start.wait()
        try:
            outcomes[index] = call()
        except Exception as exc:  # noqa: BLE001 - the outcome is what we count
            outcomes[index] = exc
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(i, c)) for i, c in enumerate(calls)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return outcomes
