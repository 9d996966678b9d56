"""The bench's own database and Redis database: environment, fresh setup, facts for the report."""

import os
import random
import subprocess
import sys
import time
from pathlib import Path

import psycopg
import redis

ROOT = Path(__file__).resolve().parent.parent
PG_ADMIN_URL = "postgres://postgres@127.0.0.1:5432/postgres"
# Databases of its own (it drops and flushes them); on a shared machine, say which.
DATABASE = os.environ.get("BENCH_DATABASE", "shop_bench")
DATABASE_URL = f"postgres://postgres@127.0.0.1:5432/{DATABASE}"
REDIS_URL = os.environ.get("BENCH_REDIS_URL", "redis://127.0.0.1:6379/8")


def bench_env() -> dict[str, str]:
    """Production-like settings (DEBUG off, PostgreSQL, Redis) for every process the bench starts."""
    env = dict(os.environ)
    env.update(
        ENV_FILE="",  # a developer's .env must not change what is measured
        DJANGO_SETTINGS_MODULE="bench.settings",
        DATABASE_URL=DATABASE_URL,
        REDIS_URL=REDIS_URL,
        DEBUG="0",
        SECRET_KEY="bench-only-secret-key-not-for-production-0123456789abcdef",
        ALLOWED_HOSTS="127.0.0.1,localhost",
        SECURE_SSL_REDIRECT="0",  # wrk speaks plain HTTP, as the app does behind a TLS proxy
        # The access log writes one JSON line per request; at thousands of req/s that line
        # would be a large part of what is measured, so only warnings and errors are logged.
        LOG_LEVEL="WARNING",
    )
    return env


def recreate_database() -> None:
    with psycopg.connect(PG_ADMIN_URL, autocommit=True) as conn:
        conn.execute(f"DROP DATABASE IF EXISTS {DATABASE} WITH (FORCE)")
        conn.execute(f"CREATE DATABASE {DATABASE}")
    redis.Redis.from_url(REDIS_URL).flushdb()  # cached category tree, vocabulary version


def seeded() -> bool:
    """Whether the bench database exists and holds a catalog (then it is reused, not reseeded)."""
    try:
        with psycopg.connect(DATABASE_URL, connect_timeout=5) as conn:
            return conn.execute("SELECT EXISTS (SELECT 1 FROM catalog_product)").fetchone()[0]
    except psycopg.Error:  # no database, or no tables yet
        return False


def manage(*args: str, timeout: float) -> float:
    """Run manage.py with the bench settings; returns the seconds it took."""
    started = time.perf_counter()
    subprocess.run(
        [sys.executable, "manage.py", *args], cwd=ROOT, env=bench_env(), check=True, timeout=timeout
    )
    return time.perf_counter() - started


def analyze() -> None:
    """Fresh planner statistics after the bulk load, as autovacuum would give a while later;
    without this the plans (and figures) depend on when autovacuum happened to run."""
    with psycopg.connect(DATABASE_URL, autocommit=True) as conn:
        conn.execute("VACUUM ANALYZE")


def product_ids(count: int, seed: int = 7) -> list[int]:
    """A fixed sample of active product ids, so every run asks for the same products."""
    with psycopg.connect(DATABASE_URL) as conn:
        ids = [
            row[0]
            for row in conn.execute("SELECT id FROM catalog_product WHERE is_active ORDER BY id")
        ]
    if not ids:
        sys.exit(f"No products in {DATABASE}; run with --reseed to seed it.")
    return random.Random(seed).sample(ids, min(count, len(ids)))


def facts() -> dict:
    with psycopg.connect(DATABASE_URL) as conn:
        return {
            "products": conn.execute("SELECT count(*) FROM catalog_product").fetchone()[0],
            "variants": conn.execute("SELECT count(*) FROM catalog_productvariant").fetchone()[0],
            "stock levels": conn.execute("SELECT count(*) FROM catalog_stocklevel").fetchone()[0],
            "PostgreSQL": conn.execute("SHOW server_version").fetchone()[0],
            "Redis": redis.Redis.from_url(REDIS_URL).info("server")["redis_version"],
        }
