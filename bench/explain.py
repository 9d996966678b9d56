"""The SQL of a search the cache has not answered, and its plans: python -m bench.explain Q [Q ...]

Run by `python -m bench --growth` in a process of its own, with the bench's environment (its
database). Each query goes through the API (GET /api/products/search, Django's test client) in
this process with an empty local-memory cache, so that the search runs; CaptureQueriesContext
records its statements. They are then replayed in one transaction, rolled back: SET statements
as they are (a SET LOCAL applies from where it ran), and each SELECT under EXPLAIN (ANALYZE,
BUFFERS). A first search before them pays for what a process sets up once (its connection,
imports, anything the search keeps in memory); its time is reported too. Prints one JSON line:
per query, the request's time and, per statement, its time in the request, the plan and its
execution time.
"""

import argparse
import json
import os
import re
import sys
import time

from bench.db import bench_env

_EXECUTION = re.compile(r"Execution Time: ([\d.]+) ms")
_TABLE = re.compile(r"\b((?:accounts|cart|catalog|core|loyalty|orders)_\w+)")


def statement_kind(sql: str) -> str:
    """A short name for a statement: what it reads, and how."""
    table = _TABLE.search(sql)  # the first of the app's tables it names
    kind = table.group(1) if table else "?"
    if "search_vector" in sql:
        kind += " full-text"
    if re.match(r'\s*SELECT (1|%s) AS "a"', sql):
        return kind + " exists"
    if re.match(r"\s*SELECT COUNT\(", sql, re.IGNORECASE):
        return kind + " count"
    return kind


def explain_search(client, text: str, limit: int) -> dict:
    from django.db import connection, transaction
    from django.test.utils import CaptureQueriesContext

    executed = []  # (sql, params, ms), for the replay

    def timed(execute, sql, params, many, context):
        started = time.perf_counter()
        try:
            return execute(sql, params, many, context)
        finally:
            executed.append((sql, params, (time.perf_counter() - started) * 1000))

    started = time.perf_counter()
    with CaptureQueriesContext(connection) as captured, connection.execute_wrapper(timed):
        response = client.get("/api/products/search", {"q": text, "limit": limit})
    request_ms = (time.perf_counter() - started) * 1000
    # The statements as they ran, parameters in place, when both records line up.
    shown = [
        q["sql"]
        for q in captured.captured_queries
        if q["sql"] not in ("BEGIN", "COMMIT", "ROLLBACK")  # logged, not executed by a cursor
    ]
    if len(shown) != len(executed):
        shown = [sql for sql, _, _ in executed]
    if response.status_code != 200:
        sys.exit(f"search {text!r}: {response.status_code} {response.content[:300]!r}")
    statements = []
    with transaction.atomic(), connection.cursor() as cursor:
        for (sql, params, ms), text_shown in zip(executed, shown):
            if sql.lstrip().upper().startswith("SET "):
                cursor.execute(sql, params)
                continue
            if not sql.lstrip().upper().startswith(("SELECT", "WITH")):
                continue
            cursor.execute("EXPLAIN (ANALYZE, BUFFERS) " + sql, params)
            plan = "\n".join(row[0] for row in cursor.fetchall())
            found = _EXECUTION.search(plan)
            statements.append(
                {
                    "kind": statement_kind(sql),
                    "request_ms": ms,
                    "execution_ms": float(found.group(1)) if found else None,
                    "sql": text_shown,
                    "plan": plan,
                }
            )
        transaction.set_rollback(True)
    return {
        "query": text,
        "count": response.json()["count"],
        "statements_in_request": len(captured),
        "request_ms": request_ms,
        "statements": statements,
    }


def main() -> None:
    p = argparse.ArgumentParser(prog="python -m bench.explain", description=__doc__)
    p.add_argument("queries", nargs="+")
    p.add_argument("--limit", type=int, default=20)
    args = p.parse_args()
    os.environ.update(bench_env())
    import django

    django.setup()
    from django.test import Client, override_settings

    # An empty cache of this process's own: every search runs, and nothing is left behind.
    caches = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
    with override_settings(CACHES=caches):
        client = Client(HTTP_HOST="127.0.0.1")
        started = time.perf_counter()
        client.get("/api/products/search", {"q": "warm", "limit": args.limit})
        first_ms = (time.perf_counter() - started) * 1000
        found = [explain_search(client, text, args.limit) for text in args.queries]
    print("EXPLAIN_RESULT " + json.dumps({"first_ms": first_ms, "searches": found}), flush=True)


if __name__ == "__main__":
    main()
