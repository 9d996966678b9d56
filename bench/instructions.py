"""Instructions per bench round, counted by callgrind: python -m bench.instructions [-n 50] [--cart]

This machine's speed moves by up to half from one minute to the next, so two load runs of the
same code can differ by more than a change does; an instruction count does not move. This runs
`python -m bench.orderspots` (an add and an order per round, in one process, against the bench
database) under valgrind's callgrind twice, with WARM and WARM + n rounds, and divides the
difference by n: what a round costs the Django process, its setup left out. The work of
PostgreSQL and Redis is not in it. Needs valgrind; seed the bench database and its shoppers
first (`python -m bench --only orders`). About a minute per 10 rounds. With --cart, the rounds
are `python -m bench.cartspots`'s: a cart add and the line's removal.
"""

import argparse
import os
import re
import subprocess
import sys
import tempfile

from bench.db import ROOT

WARM = 10  # rounds in the first count, which the second's extra rounds are measured against
COLLECTED = re.compile(r"Collected : (\d+)")


def count(module: str, rounds: int, extra: list[str]) -> int:
    """Instructions of one ``module`` process (bench.orderspots or bench.cartspots) running
    ``rounds`` rounds."""
    with tempfile.TemporaryDirectory() as workdir:
        done = subprocess.run(
            [
                "valgrind",
                "--tool=callgrind",
                f"--callgrind-out-file={workdir}/callgrind.out",
                sys.executable,
                "-m",
                module,
                "-n",
                str(rounds),
                *extra,
            ],
            cwd=ROOT,
            env={**os.environ, "PYTHONHASHSEED": "0"},  # the same dict and set orders each time
            capture_output=True,
            text=True,
        )
    found = COLLECTED.findall(done.stderr)
    if done.returncode != 0 or not found:
        sys.exit(f"{module} under valgrind failed:\n{done.stdout[-2000:]}{done.stderr[-2000:]}")
    return int(found[-1])


def main() -> None:
    p = argparse.ArgumentParser(
        prog="python -m bench.instructions",
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    p.add_argument("-n", type=int, default=50, help="rounds measured (default 50)")
    p.add_argument(
        "--without-broadcasts",
        action="store_true",
        help="passed to bench.orderspots: the channel-layer sends after commit become no-ops",
    )
    p.add_argument(
        "--cart", action="store_true", help="rounds of a cart add and its removal instead"
    )
    args = p.parse_args()
    if args.cart:
        module, what, extra = "bench.cartspots", "a cart add and its removal", []
    else:
        module, what = "bench.orderspots", "an add and an order"
        extra = ["--without-broadcasts"] if args.without_broadcasts else []
    warm, measured = count(module, WARM, extra), count(module, WARM + args.n, extra)
    per_round = (measured - warm) / args.n
    print(
        f"{per_round / 1e6:.2f} million instructions per round ({what}) in the "
        f"Django process: {measured:,} with {WARM + args.n} rounds less {warm:,} with {WARM}, "
        f"over {args.n}"
    )


if __name__ == "__main__":
    main()
