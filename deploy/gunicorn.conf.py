"""gunicorn's settings for the shop (deploy/Procfile, deploy/systemd/shop-web.service)."""

import os

bind = os.environ.get("GUNICORN_BIND", "127.0.0.1:8001")
workers = int(os.environ.get("GUNICORN_WORKERS", "3"))
pidfile = os.environ.get("GUNICORN_PIDFILE") or None
# A reload (SIGHUP) lets workers finish what they are answering for this long.
graceful_timeout = 30
timeout = 60
keepalive = 5
accesslog = None  # the shop logs every request itself (core.middleware)
# nginx on this host sets X-Forwarded-Proto.
forwarded_allow_ips = "127.0.0.1,::1"


def child_exit(server, worker):
    """A worker gone: its live gauges (open sockets, say) stop counting in /metrics."""
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        from prometheus_client import multiprocess

        multiprocess.mark_process_dead(worker.pid)
