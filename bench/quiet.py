"""Other work on this machine (someone's test run, say) takes CPU from the server and skews the
figures. So the bench waits for the machine to be quiet before each measurement, and records how
much of the machine other processes used during it.

"Other" is every process outside the bench's own process group and the server's, except
PostgreSQL and Redis, which serve the bench (whose queries they run can't be told apart).
Sampling every half second, it misses only processes that live less than that.
"""

import os
import threading
import time

CLOCK_TICKS = os.sysconf("SC_CLK_TCK")
SHARED_SERVICES = {"postgres", "redis-server"}


def _cpu_seconds(skip_groups: set[int]) -> dict[int, float]:
    found = {}
    for entry in os.scandir("/proc"):
        if not entry.name.isdigit():
            continue
        try:
            with open(f"/proc/{entry.name}/stat") as f:
                stat = f.read()
        except OSError:
            continue  # it exited meanwhile
        name = stat[stat.index("(") + 1 : stat.rindex(")")]
        fields = stat[stat.rindex(")") + 2 :].split()  # from field 3 (state) on: see proc(5)
        if name in SHARED_SERVICES or int(fields[2]) in skip_groups:
            continue
        found[int(entry.name)] = (int(fields[11]) + int(fields[12])) / CLOCK_TICKS
    return found


class OtherLoad:
    """with OtherLoad(groups) as other: ...; then other.share: their part of all CPUs, 0..1."""

    def __init__(self, skip_groups: set[int], interval: float = 0.5):
        self.skip = skip_groups | {os.getpgrp()}
        self.interval = interval
        self.share = 0.0

    def __enter__(self):
        self._start = _cpu_seconds(self.skip)
        self._last = dict(self._start)
        self._began = time.monotonic()
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._sample, daemon=True)
        self._thread.start()
        return self

    def _sample(self):
        while not self._stop.wait(self.interval):
            self._last.update(_cpu_seconds(self.skip))

    def __exit__(self, *exc):
        self._stop.set()
        self._thread.join()
        self._last.update(_cpu_seconds(self.skip))
        used = sum(cpu - self._start.get(pid, 0.0) for pid, cpu in self._last.items())
        self.share = used / ((time.monotonic() - self._began) * os.cpu_count())
        return False


def wait_until_quiet(skip_groups: set[int], *, below: float = 0.05, timeout: float = 30) -> float:
    """Wait until other processes use less than ``below`` of the machine for 2 s in a row;
    returns their share when it stopped waiting (after ``timeout``, whatever it is)."""
    deadline = time.monotonic() + timeout
    told = False
    while True:
        with OtherLoad(skip_groups) as other:
            time.sleep(2)
        if other.share < below or time.monotonic() > deadline:
            return other.share
        if not told:
            print(
                f"  waiting: other processes use {100 * other.share:.0f}% of the CPUs", flush=True
            )
            told = True
