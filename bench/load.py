"""Drive load with wrk from its own process: one Lua script per endpoint cycles through its paths,
counts non-2xx answers and reports the summary and exact latency percentiles as one JSON line."""

import json
import shutil
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

LUA = r"""
local paths = {%(paths)s}
local i = 0
local threads = {}
non2xx = 0
statuses = {}

function setup(thread)
  table.insert(threads, thread)
end

function request()
  i = i %% #paths + 1
  return wrk.format("GET", paths[i])
end

-- A 3xx is an error here too: every path should answer 200 directly.
function response(status, headers, body)
  if status < 200 or status > 299 then
    non2xx = non2xx + 1
    statuses[status] = (statuses[status] or 0) + 1
  end
end

function done(summary, latency, requests)
  local bad, codes = 0, {}
  for _, thread in ipairs(threads) do
    bad = bad + thread:get("non2xx")
    for code, n in pairs(thread:get("statuses")) do
      codes[#codes + 1] = string.format('"%%d": %%d', code, n)
    end
  end
  local e = summary.errors
  io.write(string.format(
    'BENCH_RESULT {"requests": %%d, "duration_us": %%d, "non2xx": %%d, "statuses": {%%s},'
    .. ' "connect": %%d, "read": %%d, "write": %%d, "timeout": %%d,'
    .. ' "p50_us": %%d, "p90_us": %%d, "p99_us": %%d, "max_us": %%d}\n',
    summary.requests, summary.duration, bad, table.concat(codes, ", "),
    e.connect, e.read, e.write, e.timeout,
    latency:percentile(50), latency:percentile(90), latency:percentile(99), latency.max))
end
"""


@dataclass
class Result:
    requests: int
    seconds: float
    p50_ms: float
    p90_ms: float
    p99_ms: float
    max_ms: float
    non2xx: int
    socket_errors: int
    statuses: dict
    connections: int = 0
    other_cpu: float = 0.0  # share of the machine other processes used meanwhile (bench.quiet)

    @property
    def rps(self) -> float:
        return self.requests / self.seconds if self.seconds else 0.0

    @property
    def errors(self) -> int:
        return self.non2xx + self.socket_errors


def wrk_binary() -> str:
    path = shutil.which("wrk")
    if not path:
        sys.exit("wrk is not installed: apt-get install -y wrk")
    return path


def run(
    base_url: str,
    paths: list[str],
    *,
    connections: int,
    seconds: float,
    threads: int,
    script_dir: Path,
    name: str,
) -> Result:
    script = script_dir / f"{name}.lua"
    script.write_text(LUA % {"paths": ", ".join(json.dumps(p) for p in paths)})
    argv = [
        wrk_binary(),
        f"-t{threads}",
        f"-c{connections}",
        f"-d{seconds:g}s",
        # Slow answers are measured, not dropped: wrk's default 2 s timeout would hide them.
        "--timeout",
        "30s",
        "-s",
        str(script),
        base_url,
    ]
    done = subprocess.run(argv, capture_output=True, text=True, timeout=seconds + 60)
    line = next((l for l in done.stdout.splitlines() if l.startswith("BENCH_RESULT ")), None)
    if done.returncode or line is None:
        sys.exit(f"wrk failed on {name} ({done.returncode}):\n{done.stdout}{done.stderr}")
    r = json.loads(line.removeprefix("BENCH_RESULT "))
    return Result(
        requests=r["requests"],
        seconds=r["duration_us"] / 1e6,
        p50_ms=r["p50_us"] / 1000,
        p90_ms=r["p90_us"] / 1000,
        p99_ms=r["p99_us"] / 1000,
        max_ms=r["max_us"] / 1000,
        non2xx=r["non2xx"],
        socket_errors=r["connect"] + r["read"] + r["write"] + r["timeout"],
        statuses=r["statuses"],
        connections=connections,
    )
