"""Drive load with wrk from its own process: one Lua script per endpoint cycles through its paths
(read from a file next to it), counts non-2xx answers and the requests each wrk thread sent, and
reports the summary and exact latency percentiles as one JSON line."""

import json
import shutil
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

LUA = r"""
local paths = {}
for line in io.lines(%(paths_file)s) do paths[#paths + 1] = line end
local nthreads = %(threads)d
local threads = {}
-- Thread k (from 0) asks for paths k, k + nthreads, k + 2 nthreads, ...: no two threads ask
-- for the same path before every path has been asked for once.
id = 0
sent = 0
non2xx = 0
statuses = {}

function setup(thread)
  thread:set("id", #threads)
  table.insert(threads, thread)
end

function request()
  local k = id + sent * nthreads
  sent = sent + 1
  return wrk.format("GET", paths[k %% #paths + 1])
end

-- A 3xx is an error here too: every path should answer 200 directly.
function response(status, headers, body)
  if status < 200 or status > 299 then
    non2xx = non2xx + 1
    statuses[status] = (statuses[status] or 0) + 1
  end
end

function done(summary, latency, requests)
  local bad, codes, sents = 0, {}, {}
  for _, thread in ipairs(threads) do
    bad = bad + thread:get("non2xx")
    sents[#sents + 1] = string.format("%%d", thread:get("sent"))
    for code, n in pairs(thread:get("statuses")) do
      codes[#codes + 1] = string.format('"%%d": %%d', code, n)
    end
  end
  local e = summary.errors
  io.write(string.format(
    'BENCH_RESULT {"requests": %%d, "duration_us": %%d, "non2xx": %%d, "statuses": {%%s},'
    .. ' "connect": %%d, "read": %%d, "write": %%d, "timeout": %%d, "sent": [%%s], "paths": %%d,'
    .. ' "p50_us": %%d, "p90_us": %%d, "p99_us": %%d, "max_us": %%d}\n',
    summary.requests, summary.duration, bad, table.concat(codes, ", "),
    e.connect, e.read, e.write, e.timeout, table.concat(sents, ", "), #paths,
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
    sent: list[int]  # requests each wrk thread sent, answered or not
    paths: int
    connections: int = 0
    other_cpu: float = 0.0  # share of the machine other processes used meanwhile (bench.quiet)
    rss_kib: dict[int, int] | None = None  # the server's processes afterwards (servers.rss_kib)
    fresh_start: int | None = None  # fresh endpoints: where in their sequence the run began

    @property
    def rps(self) -> float:
        return self.requests / self.seconds if self.seconds else 0.0

    @property
    def errors(self) -> int:
        return self.non2xx + self.socket_errors

    @property
    def repeated(self) -> int:
        """Requests for a path this run had asked for before (wrk went round the list again)."""
        n = len(self.sent)
        return sum(max(0, sent - len(range(k, self.paths, n))) for k, sent in enumerate(self.sent))

    @property
    def paths_used(self) -> int:
        """How far into the list of paths the run got: the last one asked for, plus one."""
        n = len(self.sent)
        return min(
            self.paths, max((k + (s - 1) * n + 1 for k, s in enumerate(self.sent) if s), default=0)
        )


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
    script, paths_file = script_dir / f"{name}.lua", script_dir / f"{name}.paths"
    paths_file.write_text("".join(f"{p}\n" for p in paths))
    script.write_text(
        LUA
        % {
            "paths_file": json.dumps(str(paths_file)),
            "threads": threads,
        }
    )
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
        sent=r["sent"],
        paths=r["paths"],
        connections=connections,
    )
