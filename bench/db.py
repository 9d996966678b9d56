"""The bench's own database and Redis database: environment, fresh setup, facts for the report."""

import os
import random
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

import psycopg
import redis

ROOT = Path(__file__).resolve().parent.parent
PG_ADMIN_URL = "postgres://postgres@127.0.0.1:5432/postgres"
# Databases of its own (it drops and flushes them); on a shared machine, say which.
DATABASE = os.environ.get("BENCH_DATABASE", "shop_perf")
DATABASE_URL = f"postgres://postgres@127.0.0.1:5432/{DATABASE}"
REDIS_URL = os.environ.get("BENCH_REDIS_URL", "redis://127.0.0.1:6379/8")
# Which database the cache in REDIS_URL was filled from: cached answers name no database.
_CACHE_OWNER_KEY = "bench:database"


def use(database: str) -> None:
    """Point the bench (and every process it starts from now on) at another database."""
    global DATABASE, DATABASE_URL
    DATABASE = database
    DATABASE_URL = f"postgres://postgres@127.0.0.1:5432/{database}"


def bench_env() -> dict[str, str]:
    """Production-like settings (DEBUG off, PostgreSQL, Redis) for every process the bench starts."""
    env = dict(os.environ)
    env.update(
        ENV_FILE="",  # a developer's .env must not change what is measured
        DJANGO_SETTINGS_MODULE="bench.settings",
        DATABASE_URL=DATABASE_URL,
        REDIS_URL=REDIS_URL,
        # The bench's own helper processes (bench.orderprep, bench.explain) read these.
        BENCH_DATABASE=DATABASE,
        BENCH_REDIS_URL=REDIS_URL,
        DEBUG="0",
        SECRET_KEY="bench-only-secret-key-not-for-production-0123456789abcdef",
        ALLOWED_HOSTS="127.0.0.1,localhost",
        SECURE_SSL_REDIRECT="0",  # wrk speaks plain HTTP, as the app does behind a TLS proxy
        # The access log writes one JSON line per request; at thousands of req/s that line
        # would be a large part of what is measured, so only warnings and errors are logged.
        LOG_LEVEL="WARNING",
        # Each shopper adds to its cart several times a second here: the per-user throttle
        # (120/min by default) would answer 429s instead of measuring the adds.
        CART_THROTTLE_RATE="100000/min",
    )
    return env


def recreate_database() -> None:
    with psycopg.connect(PG_ADMIN_URL, autocommit=True) as conn:
        conn.execute(f"DROP DATABASE IF EXISTS {DATABASE} WITH (FORCE)")
        conn.execute(f"CREATE DATABASE {DATABASE}")
    redis.Redis.from_url(REDIS_URL).flushdb()  # cached category tree, vocabulary version


def claim_cache() -> bool:
    """Flush the bench's Redis database when its cache was filled from another database (the
    growth mode's, say): an answer cached there would be served here. Returns whether it did."""
    client = redis.Redis.from_url(REDIS_URL)
    if client.get(_CACHE_OWNER_KEY) == DATABASE.encode():
        return False
    client.flushdb()
    client.set(_CACHE_OWNER_KEY, DATABASE)
    return True


def forget_cards() -> int:
    """Delete the product cards the app keeps in the cache (catalog.cards), so that a run of
    new searches builds them as a shop's first searches do. Returns how many there were."""
    client = redis.Redis.from_url(REDIS_URL)
    keys = list(client.scan_iter(match="*catalog:card:*", count=5000))
    for start in range(0, len(keys), 5000):
        client.delete(*keys[start : start + 5000])
    return len(keys)


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


def prepare(products: int, *, reseed: bool) -> dict:
    """The database ready to measure: the existing seeded one after `migrate`, or a fresh one
    seeded with ``products``. Returns what was done (``text``) and the seconds it took."""
    if reseed or not seeded():
        why = "--reseed" if reseed else f"no seeded {DATABASE} database"
        print(f"Recreating {DATABASE} and seeding {products:,} products ({why})", flush=True)
        recreate_database()
        migrate = manage("migrate", "--no-input", "-v", "0", timeout=600)
        # About 1.5 s per 1,000 products here; 500,000 take a while.
        seed = manage("seed_demo", "--products", str(products), timeout=max(3600, products / 50))
        started = time.perf_counter()
        analyze()
        vacuum = time.perf_counter() - started
        return {
            "text": f"fresh database; migrate {migrate:.1f} s, `seed_demo --products {products}` "
            f"{seed:.1f} s, then VACUUM ANALYZE {vacuum:.1f} s",
            "seed_seconds": seed,
        }
    migrate = manage("migrate", "--no-input", "-v", "0", timeout=600)
    return {
        "text": f"the existing seeded {DATABASE} database, reused (`--reseed` recreates it); "
        f"migrate {migrate:.1f} s",
        "seed_seconds": None,
    }


@dataclass(frozen=True)
class Sample:
    """Fixed samples of the catalog that the endpoints ask for, the same on every run."""

    product_ids: list[int]
    product_slugs: list[str]
    # (category slug, brand slugs sold in it), parents and children, in menu order
    categories: list[tuple[str, list[str]]]


def sample(count: int, seed: int = 7) -> Sample:
    with psycopg.connect(DATABASE_URL) as conn:
        products = conn.execute(
            "SELECT id, slug FROM catalog_product WHERE is_active ORDER BY id"
        ).fetchall()
        if not products:
            sys.exit(f"No products in {DATABASE}; run with --reseed to seed it.")
        categories = conn.execute(
            "SELECT id, slug, parent_id FROM catalog_category ORDER BY parent_id NULLS FIRST, position, id"
        ).fetchall()
        parent_of = {pk: parent for pk, _, parent in categories}
        brands: dict[int, set[str]] = {}
        for category_id, brand in conn.execute(
            "SELECT DISTINCT p.category_id, b.slug FROM catalog_product p"
            " JOIN catalog_brand b ON b.id = p.brand_id WHERE p.is_active"
        ):
            # a parent category lists its children's products too
            for pk in (category_id, parent_of.get(category_id)):
                if pk is not None:
                    brands.setdefault(pk, set()).add(brand)
    chosen = random.Random(seed).sample(products, min(count, len(products)))
    return Sample(
        product_ids=[pk for pk, _ in chosen],
        product_slugs=[slug for _, slug in chosen],
        categories=[(slug, sorted(brands[pk])) for pk, slug, _ in categories if pk in brands],
    )


def facts() -> dict:
    with psycopg.connect(DATABASE_URL) as conn:
        return {
            "products": conn.execute("SELECT count(*) FROM catalog_product").fetchone()[0],
            "variants": conn.execute("SELECT count(*) FROM catalog_productvariant").fetchone()[0],
            "stock levels": conn.execute("SELECT count(*) FROM catalog_stocklevel").fetchone()[0],
            "PostgreSQL": conn.execute("SHOW server_version").fetchone()[0],
            "Redis": redis.Redis.from_url(REDIS_URL).info("server")["redis_version"],
        }
