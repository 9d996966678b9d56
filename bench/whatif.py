"""What-if variants of the ASGI app for the socket benchmark: experiments, not the app.

    python -m bench --only sockets --socket-whatif gc-freeze,gc-log --no-doc

serves `bench.whatif:application` instead of `config.asgi:application`, with these changes
applied in the server process (BENCH_WHATIF, comma-separated):

- gc-freeze: gc.freeze() once the app is loaded: the objects of start-up (Django, the modules)
  move to the permanent generation, so the collector stops traversing them on full collections.
- gc-off: gc.disable(): no cyclic garbage collection at all. Not a fix (cycles would leak); the
  upper bound of what the collector costs.
- pubsub: channels_redis.pubsub.RedisPubSubChannelLayer instead of the default RedisChannelLayer
  (Redis layer only; applied in bench/settings.py, so the direct trigger uses it too): one
  PUBLISH per group_send, which each process subscribed to the group receives once and puts on
  the queue of each of its channels in the group.
- gc-log: changes nothing; logs each collection of generation 2 and any other over 10 ms (its
  generation, duration, objects tracked) to the server's log, as `bench-gc {json}` lines.

They measure what a change would buy before anyone makes it in the app.
"""

import gc
import json
import os
import sys
import time

from config.asgi import application  # noqa: F401 - served from here

CHOICES = ("gc-freeze", "gc-off", "gc-log", "pubsub")
WHATIF = [w for w in os.environ.get("BENCH_WHATIF", "").split(",") if w]
if set(WHATIF) - set(CHOICES):
    raise SystemExit(
        f"BENCH_WHATIF: unknown {sorted(set(WHATIF) - set(CHOICES))}; choose from {CHOICES}"
    )

if "gc-freeze" in WHATIF:
    gc.collect()
    gc.freeze()
if "gc-off" in WHATIF:
    gc.disable()

_started = [0.0]


def _log_collection(phase: str, info: dict) -> None:
    if phase == "start":
        _started[0] = time.perf_counter()
        return
    took = time.perf_counter() - _started[0]
    if info["generation"] == 2 or took > 0.010:
        sys.stderr.write(
            "bench-gc "
            + json.dumps(
                {
                    "at": time.time(),
                    "generation": info["generation"],
                    "ms": round(1000 * took, 1),
                    "collected": info["collected"],
                    "objects": len(gc.get_objects(info["generation"])),
                }
            )
            + "\n"
        )
        sys.stderr.flush()


if "gc-log" in WHATIF:
    gc.callbacks.append(_log_collection)
