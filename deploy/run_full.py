"""`make run-full`: the production layout on this machine, on one port.

nginx in front (static and media files from disk, /ws/ to daphne, the rest to gunicorn), the
Celery worker and beat, all under honcho (deploy/Procfile), against the PostgreSQL and Redis
named by DATABASE_URL and REDIS_URL. Plain HTTP on localhost, so the HTTPS-only defaults are
off; everything else is as in production (DEBUG off, hashed static files, several workers).

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/shop REDIS_URL=redis://127.0.0.1:6379/0 \
        make run-full            # then http://127.0.0.1:8080/

Environment: SHOP_PORT (8080), GUNICORN_PORT (8081), DAPHNE_PORT (8082), GUNICORN_WORKERS (3),
CELERY_CONCURRENCY (2), RUN_DIR (.run: nginx's config and temp files, pid files, metrics),
SEED_DEMO (1: load the demo catalog into an empty database).
"""

import os
import secrets
import shutil
import subprocess
import sys
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent.parent
NGINX_SITE = BASE_DIR / "deploy" / "nginx" / "shop.conf"

# The site file inside a main configuration of the layout's own: no root-owned paths needed.
NGINX_MAIN = """\
# Written by deploy/run_full.py (make run-full, or bench/sockets.py); edits are lost on the next start.
{user}
worker_processes {worker_processes};{open_files}
daemon off;
pid {run_dir}/nginx.pid;
error_log stderr warn;

events {{
    worker_connections {worker_connections};
}}

http {{
    include {mime_types};
    default_type application/octet-stream;
    sendfile on;
    access_log off;
    client_body_temp_path {run_dir}/nginx/body;
    proxy_temp_path {run_dir}/nginx/proxy;
    fastcgi_temp_path {run_dir}/nginx/fastcgi;
    uwsgi_temp_path {run_dir}/nginx/uwsgi;
    scgi_temp_path {run_dir}/nginx/scgi;

{site}
}}
"""


def fail(message: str) -> None:
    sys.exit(f"make run-full: {message}")


def render_site(values: dict[str, str]) -> str:
    text = NGINX_SITE.read_text()
    for name, value in values.items():
        text = text.replace("{{" + name + "}}", value)
    if "{{" in text:
        fail(f"{NGINX_SITE} has a placeholder no value was given for")
    return text


def upstream_servers(addresses: list[str]) -> str:
    """The site's {{DAPHNE_SERVERS}}: a `server` line per address, indented as in its upstream."""
    return "\n    ".join(f"server {address};" for address in addresses)


def layout_env(run_dir: Path) -> dict[str, str]:
    env = dict(os.environ)
    for needed in ("DATABASE_URL", "REDIS_URL"):
        if not env.get(needed):
            fail(
                f"{needed} is not set: the layout runs on PostgreSQL and Redis (README, Deploying)."
            )
    port = env.setdefault("SHOP_PORT", "8080")
    env.setdefault("GUNICORN_PORT", "8081")
    env.setdefault("DAPHNE_PORT", "8082")
    env.setdefault("CELERY_CONCURRENCY", "2")
    env["GUNICORN_BIND"] = f"127.0.0.1:{env['GUNICORN_PORT']}"
    env["GUNICORN_PIDFILE"] = str(run_dir / "gunicorn.pid")
    env["RUN_DIR"] = str(run_dir)
    secret_file = run_dir / "secret_key"
    if not env.get("SECRET_KEY"):
        if not secret_file.exists():
            secret_file.write_text(secrets.token_urlsafe(50))
        env["SECRET_KEY"] = secret_file.read_text().strip()
    env["PROMETHEUS_MULTIPROC_DIR"] = str(run_dir / "metrics")
    env["PATH"] = f"{Path(sys.executable).parent}{os.pathsep}{env.get('PATH', '')}"
    production = {
        "DEBUG": "0",
        "ALLOWED_HOSTS": "localhost,127.0.0.1",
        "CSRF_TRUSTED_ORIGINS": f"http://localhost:{port},http://127.0.0.1:{port}",
        "SITE_URL": f"http://127.0.0.1:{port}",
        "STATIC_HASHED_NAMES": "1",
        # One proxy in front: it names the client and the scheme.
        "TRUSTED_PROXY_COUNT": "1",
        "USE_X_FORWARDED_PROTO": "1",
        # Plain HTTP on localhost: behind TLS in production, leave these at their defaults.
        "SECURE_SSL_REDIRECT": "0",
        "SESSION_COOKIE_SECURE": "0",
        "CSRF_COOKIE_SECURE": "0",
        "SECURE_HSTS_SECONDS": "0",
    }
    for name, value in production.items():
        env.setdefault(name, value)
    return env


def find_nginx(path: str) -> str | None:
    return shutil.which("nginx", path=f"{path}{os.pathsep}/usr/sbin")


def write_nginx_main(
    site: str,
    run_dir: Path,
    *,
    worker_processes: int | str = "auto",
    worker_connections: int = 4096,
    open_files: int | None = None,
) -> Path:
    """run_dir/nginx.conf around the rendered site, with nginx's temp directories in run_dir;
    open_files: worker_rlimit_nofile (by default each worker keeps the limit it was started with)."""
    temp_dirs = [run_dir / "nginx" / name for name in ("body", "proxy", "fastcgi", "uwsgi", "scgi")]
    for directory in temp_dirs:
        directory.mkdir(parents=True, exist_ok=True)
    user = ""
    if os.geteuid() == 0:
        # nginx started by root serves as nobody, which must own its temp files.
        user = "user nobody nogroup;"
        for directory in temp_dirs:
            shutil.chown(directory, "nobody", "nogroup")
    mime_types = Path("/etc/nginx/mime.types")
    config = run_dir / "nginx.conf"
    config.write_text(
        NGINX_MAIN.format(
            user=user,
            worker_processes=worker_processes,
            open_files=f"\nworker_rlimit_nofile {open_files};" if open_files else "",
            worker_connections=worker_connections,
            run_dir=run_dir,
            mime_types=mime_types if mime_types.exists() else "mime.types",
            site="\n".join(f"    {line}" if line else "" for line in site.splitlines()),
        )
    )
    return config


def write_nginx_config(env: dict[str, str], run_dir: Path) -> None:
    if not find_nginx(env["PATH"]):
        fail("nginx is not installed (Debian: apt-get install nginx).")
    site = render_site(
        {
            "LISTEN": f"127.0.0.1:{env['SHOP_PORT']}",
            "SERVER_NAME": "localhost",
            "GUNICORN_ADDRESS": env["GUNICORN_BIND"],
            "DAPHNE_SERVERS": upstream_servers([f"127.0.0.1:{env['DAPHNE_PORT']}"]),
            "STATIC_ROOT": str(BASE_DIR / "staticfiles"),
            "MEDIA_ROOT": env.get("MEDIA_ROOT") or str(BASE_DIR / "media"),
        }
    )
    write_nginx_main(site, run_dir)


def manage(env: dict[str, str], *args: str) -> None:
    subprocess.run([sys.executable, "manage.py", *args], cwd=BASE_DIR, env=env, check=True)


def main() -> None:
    run_dir = Path(os.environ.get("RUN_DIR") or BASE_DIR / ".run").resolve()
    run_dir.mkdir(parents=True, exist_ok=True)
    env = layout_env(run_dir)
    # Figures of processes from an earlier run would be added to this one's.
    shutil.rmtree(env["PROMETHEUS_MULTIPROC_DIR"], ignore_errors=True)
    Path(env["PROMETHEUS_MULTIPROC_DIR"]).mkdir()
    Path(env.get("MEDIA_ROOT") or BASE_DIR / "media").mkdir(parents=True, exist_ok=True)
    write_nginx_config(env, run_dir)
    manage(env, "migrate", "--no-input")
    manage(env, "collectstatic", "--no-input", "--verbosity", "0")
    if env.get("SEED_DEMO", "1") == "1":
        manage(env, "seed_demo", "--if-empty")
    print(f"\nThe production layout on http://127.0.0.1:{env['SHOP_PORT']}/ (Ctrl-C stops it)\n")
    sys.stdout.flush()
    # honcho's own .env reading would override the environment: give it an empty file (the
    # settings still read .env, without overriding).
    no_env = run_dir / "honcho.env"
    no_env.write_text("")
    honcho = str(Path(sys.executable).parent / "honcho")
    procfile = str(BASE_DIR / "deploy" / "Procfile")
    os.chdir(BASE_DIR)
    os.execve(
        honcho,
        [honcho, "--procfile", procfile, "--env", str(no_env), "--no-colour", "start"],
        env,
    )


if __name__ == "__main__":
    main()
