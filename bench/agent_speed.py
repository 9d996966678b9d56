"""How fast the chat agent answers over its socket, on the embedded default (SQLite, in-memory
layer) with a 50,000-product catalog: time to the first event and to the answer.

    python -m bench.agent_speed [--db /tmp/agent-bench.sqlite3] [--products 50000] [--rounds 3]

Seeds the SQLite file when it has no catalog, starts one daphne, signs in the demo shopper over
the API, and sends a fixed conversation `rounds` times on fresh chat sessions.
"""

import argparse
import asyncio
import json
import os
import statistics
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import websockets

ROOT = Path(__file__).resolve().parent.parent
CONVERSATION = [
    "runing shoes under $120",
    "add the first one size 9",
    "two more",
    "what's in my cart?",
    "apply coupon welcome10",
    "hedphones sony",
    "is the first one in stock in seattle?",
    "what goes with it?",
    "my points",
    "where is my order?",
]


def env_for(db: str) -> dict:
    return {
        **os.environ,
        "ENV_FILE": "",
        "DEBUG": "0",
        "SECRET_KEY": "agent-bench-key-0123456789abcdefghijklmnopqrstuvwxyz",
        "ALLOWED_HOSTS": "127.0.0.1",
        "SECURE_SSL_REDIRECT": "0",
        "LOG_LEVEL": "WARNING",
        "DATABASE_URL": f"sqlite:///{db}",
        "REDIS_URL": "",
        "CHAT_MESSAGES_PER_MINUTE": "100000",
    }


def manage(env, *args):
    subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=env,
        check=True,
        stdout=subprocess.DEVNULL,
    )


def percentile(values, share):
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(share * (len(ordered) - 1)))]


async def converse(port: int, token: str, session: str) -> list[tuple[float, float]]:
    timings = []
    async with websockets.connect(
        f"ws://127.0.0.1:{port}/ws/chat/{session}?token={token}",
        additional_headers={"Origin": "http://127.0.0.1"},
    ) as socket:
        json.loads(await socket.recv())  # system
        for text in CONVERSATION:
            started = time.perf_counter()
            await socket.send(json.dumps({"message": text}))
            first = None
            while True:
                event = json.loads(await socket.recv())
                first = first or time.perf_counter() - started
                if event["type"] in ("assistant", "error"):
                    timings.append((first * 1000, (time.perf_counter() - started) * 1000))
                    break
    return timings


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--db", default="/tmp/agent-bench.sqlite3")
    parser.add_argument("--products", type=int, default=50000)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--port", type=int, default=8791)
    args = parser.parse_args()
    env = env_for(args.db)
    manage(env, "migrate", "--no-input")
    manage(env, "seed_demo", "--if-empty", "--products", str(args.products))
    server = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "daphne",
            "-v",
            "0",
            "-b",
            "127.0.0.1",
            "-p",
            str(args.port),
            "config.asgi:application",
        ],
        cwd=ROOT,
        env=env,
    )
    try:
        for _ in range(100):
            try:
                urllib.request.urlopen(f"http://127.0.0.1:{args.port}/health", timeout=2)
                break
            except OSError:
                time.sleep(0.2)
        request = urllib.request.Request(
            f"http://127.0.0.1:{args.port}/api/auth/signin",
            method="POST",
            data=json.dumps({"email": "john@example.com", "password": "john-demo-2026"}).encode(),
            headers={"Content-Type": "application/json"},
        )
        token = json.load(urllib.request.urlopen(request))["access"]
        results = []
        for round_number in range(args.rounds):
            results += asyncio.run(
                converse(args.port, token, f"bench{int(time.time())}r{round_number}")
            )
    finally:
        server.terminate()
        server.wait(timeout=10)
    firsts, wholes = [f for f, _ in results], [w for _, w in results]
    print(
        f"messages: {len(results)} ({args.rounds} rounds of {len(CONVERSATION)}), catalog: {args.products} products, SQLite + in-memory layer, one daphne"
    )
    print("| | p50 ms | p99 ms | max ms |\n|---|---:|---:|---:|")
    for label, values in (("first event", firsts), ("whole answer", wholes)):
        print(
            f"| {label} | {statistics.median(values):.0f} | {percentile(values, 0.99):.0f} | {max(values):.0f} |"
        )
    slowest = sorted(zip(wholes, CONVERSATION * args.rounds), reverse=True)[:3]
    print("slowest answers: " + "; ".join(f"{text!r} {ms:.0f} ms" for ms, text in slowest))


if __name__ == "__main__":
    main()
