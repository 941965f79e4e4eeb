"""What loading the reader beside the encoder saves a cold process: fresh processes, each
answering one question from start (imports included) to answer, alternating with and
without the reader's loading thread.

    NEWSDESK_HOME=… .venv/bin/python benchmarks/bench_reader_load.py [--runs 4]

Needs an indexed home (e.g. after `newsdesk ask` on a fresh one). Prints each run and the
medians.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys

QUESTION = "what did Korea do about DeepSeek"
CHILD = """
import sys, time
t0 = time.perf_counter()
from bot.desk import Desk
if sys.argv[1] == "without":
    Desk._prefetch_reader = lambda self: None
Desk().ask(sys.argv[2])
print(time.perf_counter() - t0)
"""


def run(mode: str) -> float:
    out = subprocess.run([sys.executable, "-c", CHILD, mode, QUESTION], check=True,
                         capture_output=True, text=True)
    return float(out.stdout.split()[-1])


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--runs", type=int, default=4)
    args = ap.parse_args()
    run("with")  # warm the page cache and any one-time assembly
    times: dict[str, list[float]] = {"with": [], "without": []}
    for _ in range(args.runs):
        for mode in times:
            times[mode].append(run(mode))
            print(f"{mode:8} {times[mode][-1]:.2f} s", flush=True)
    load = os.getloadavg()[0]
    print(f"median of {args.runs}, load average {load:.1f}: with the loading thread "
          f"{statistics.median(times['with']):.2f} s, without "
          f"{statistics.median(times['without']):.2f} s")


if __name__ == "__main__":
    main()
