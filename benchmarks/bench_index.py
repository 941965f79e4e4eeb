"""`newsdesk index` per encoder, sentence pass included, and what the embedding cache saves.

    .venv/bin/python benchmarks/bench_index.py [FOLDER] [--encoders torch,onnx,torch-bf16]
        [--rounds 2]

For each round and encoder (interleaved, so they share the machine's load): a fresh
data home, `newsdesk ingest FOLDER` (not timed), then a timed `newsdesk index` (every
passage and sentence embedded), then a timed `newsdesk index --full` (every vector
from the cache). Prints the median wall and CPU seconds of the child processes,
passages/s and texts/s, and the CPU ratio to the first encoder. Each encoder's
language background is embedded once beforehand (it is cached per model and
precision), so it does not count against the first round.
"""

from __future__ import annotations

import argparse
import os
import re
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from bot.desk import SAMPLE_DIR

NEWSDESK = str(Path(sys.executable).parent / "newsdesk")


def timed(args: list[str], env: dict[str, str]) -> tuple[float, float, str]:
    """(wall s, CPU s of the child, its stdout)."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    t0 = time.perf_counter()
    done = subprocess.run([NEWSDESK, *args], env=env, capture_output=True, text=True)
    wall = time.perf_counter() - t0
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if done.returncode != 0:
        raise SystemExit(f"newsdesk {' '.join(args)} failed: {done.stderr}")
    return wall, (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime), \
        done.stdout


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("folder", nargs="?", default=str(SAMPLE_DIR))
    ap.add_argument("--encoders", default="torch,onnx,torch-bf16")
    ap.add_argument("--rounds", type=int, default=2)
    args = ap.parse_args()
    encoders = args.encoders.split(",")
    runs: dict[tuple[str, str], list[tuple[float, float]]] = {}
    counts = (0, 0)
    with tempfile.TemporaryDirectory() as tmp:
        for round_ in range(args.rounds + 1):
            for encoder in encoders:
                home = Path(tmp) / f"{encoder}-{round_}"
                env = {**os.environ, "NEWSDESK_HOME": str(home), "NEWSDESK_ENCODER": encoder}
                timed(["ingest", args.folder], env)
                if round_ == 0:  # warm-up: the language background, the page cache
                    timed(["index"], env)
                    continue
                wall, cpu, out = timed(["index"], env)
                found = re.search(r"(\d+) passages; .*computed (\d+) vectors", out)
                counts = (int(found.group(1)), int(found.group(2))) if found else counts
                runs.setdefault(("index", encoder), []).append((wall, cpu))
                runs.setdefault(("index --full", encoder), []).append(
                    timed(["index", "--full"], env)[:2])
    passages, texts = counts
    print(f"{passages} passages, {texts} texts embedded (passages and sentences); median of "
          f"{args.rounds}; load average {os.getloadavg()[0]:.1f}")
    print(f"{'command':13} {'encoder':11} {'wall s':>7} {'CPU s':>6} {'passages/s':>10} "
          f"{'texts/s':>8} {'x less CPU':>10}")
    for command in ("index", "index --full"):
        first = statistics.median(c for _, c in runs[(command, encoders[0])])
        for encoder in encoders:
            wall = statistics.median(w for w, _ in runs[(command, encoder)])
            cpu = statistics.median(c for _, c in runs[(command, encoder)])
            print(f"{command:13} {encoder:11} {wall:7.1f} {cpu:6.1f} {passages / wall:10.1f} "
                  f"{texts / wall:8.1f} {first / cpu:10.2f}")


if __name__ == "__main__":
    main()
