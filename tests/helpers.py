import os
import subprocess
import sys
from pathlib import Path

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
