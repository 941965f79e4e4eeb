"""Time to first answer of a cold `newsdesk ask`, and of a no-op `newsdesk index`, per encoder.

    .venv/bin/python benchmarks/bench_cold_start.py [--home HOME] [--runs 3]
        [--encoders torch,onnx]

Every run is a fresh process (`newsdesk ask "…"` as a user types it) against an
index that is already there: HOME if given, else a temporary home where the
bundled sample corpus is indexed first (not timed). Runs are interleaved across
encoders so they share the machine's load. Prints the median wall time and CPU
time of each command, and the ratio to the first encoder.
"""

from __future__ import annotations

import argparse
import os
import statistics
import tempfile
from pathlib import Path

from bench_index import timed  # one way to time a fresh newsdesk process

QUESTION = "what did Korea do about DeepSeek"


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--home", type=Path)
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--encoders", default="torch,onnx")
    args = ap.parse_args()
    encoders = args.encoders.split(",")
    with tempfile.TemporaryDirectory() as tmp:
        home = args.home or Path(tmp) / "home"
        base = {**os.environ, "NEWSDESK_HOME": str(home)}
        if args.home is None:
            print(f"indexing the sample corpus in {home} (not timed)", flush=True)
            timed(["ask", QUESTION], {**base, "NEWSDESK_ENCODER": encoders[0]})
        for encoder in encoders:  # warm the page cache and any one-time export
            timed(["ask", QUESTION], {**base, "NEWSDESK_ENCODER": encoder})
        results: dict[tuple[str, str], list[tuple[float, float]]] = {}
        for _ in range(args.runs):
            for encoder in encoders:
                env = {**base, "NEWSDESK_ENCODER": encoder}
                for name, command in (("ask", ["ask", QUESTION]), ("no-op index", ["index"])):
                    results.setdefault((name, encoder), []).append(timed(command, env)[:2])
    print(f"\nmedian of {args.runs} fresh processes; load average {os.getloadavg()[0]:.1f}")
    print(f"{'command':12} {'encoder':10} {'wall s':>7} {'CPU s':>6} {'x faster':>9}")
    for name in ("ask", "no-op index"):
        first = statistics.median(w for w, _ in results[(name, encoders[0])])
        for encoder in encoders:
            wall = statistics.median(w for w, _ in results[(name, encoder)])
            cpu = statistics.median(c for _, c in results[(name, encoder)])
            print(f"{name:12} {encoder:10} {wall:7.2f} {cpu:6.2f} {first / wall:9.2f}")


if __name__ == "__main__":
    main()
