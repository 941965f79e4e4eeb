"""`newsdesk index` before and after, sentence pass included, in one run.

    .venv/bin/python benchmarks/bench_index.py [FOLDER] [--baseline TREE]
        [--encoders onnx,torch] [--rounds 2]

`--baseline TREE`: a checkout of the code the speed target is measured against
(issue 13's "today": `git worktree add /tmp/base 128add7`). Its `newsdesk` runs
from the same interpreter and model cache with PYTHONPATH=TREE, so only the code
differs; it keeps its own defaults (torch, threads = cores). Each of `--encoders`
then runs this checkout's code with NEWSDESK_ENCODER set (the first one listed is
the default's figure).

For each round, variant after variant (interleaved, so they share the machine's
load): a fresh data home with an empty embedding cache, `newsdesk ingest FOLDER`
(not timed), a timed `newsdesk index` (every passage and sentence embedded), then,
for this checkout's code, a timed `newsdesk index --full` (every vector from the
cache). Prints the median wall and CPU seconds of the child process (CPU is the
steadier figure on a shared machine), passages/s (wall and per CPU second) and the
ratios to the first variant. Round 0 is a warm-up (page cache, one-time exports,
the language background cached per model and precision) and is not counted.
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
from dataclasses import dataclass
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


@dataclass
class Variant:
    """One code and encoder: what a row of the table measures."""

    label: str
    env: dict[str, str]
    cached: bool  # has an embedding cache, so `index --full` is worth timing


def variants(baseline: Path | None, encoders: list[str]) -> list[Variant]:
    out = []
    if baseline is not None:
        rev = subprocess.run(["git", "-C", str(baseline), "rev-parse", "--short", "HEAD"],
                             capture_output=True, text=True).stdout.strip() or baseline.name
        env = {k: v for k, v in os.environ.items() if not k.startswith("NEWSDESK_")}
        out.append(Variant(f"{rev} (base)", {**env, "PYTHONPATH": str(baseline)}, False))
    here = str(Path(__file__).resolve().parent.parent)
    for encoder in encoders:
        out.append(Variant(encoder, {**os.environ, "PYTHONPATH": here,
                                     "NEWSDESK_ENCODER": encoder}, True))
    return out


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("folder", nargs="?", default=str(SAMPLE_DIR))
    ap.add_argument("--baseline", type=Path, help="a checkout of the code to compare with")
    ap.add_argument("--encoders", default="onnx,torch")
    ap.add_argument("--rounds", type=int, default=2)
    args = ap.parse_args()
    rows = variants(args.baseline, args.encoders.split(","))
    runs: dict[tuple[str, str], list[tuple[float, float]]] = {}
    passages = 0
    texts: dict[str, int] = {}
    with tempfile.TemporaryDirectory() as tmp:
        for round_ in range(args.rounds + 1):
            for n, variant in enumerate(rows):
                env = {**variant.env, "NEWSDESK_HOME": str(Path(tmp) / f"{n}-{round_}")}
                timed(["ingest", args.folder], env)
                if round_ == 0:  # warm-up: the language background, the page cache
                    timed(["index"], env)
                    continue
                wall, cpu, out = timed(["index"], env)
                found = re.search(r"(\d+) passages;", out)
                passages = int(found.group(1)) if found else passages
                computed = re.search(r"computed (\d+) vectors", out)
                if computed:
                    texts[variant.label] = int(computed.group(1))
                runs.setdefault(("index", variant.label), []).append((wall, cpu))
                print(f"round {round_}: index, {variant.label}: {wall:.1f} s wall, {cpu:.1f} s "
                      "CPU", flush=True)
                if variant.cached:
                    runs.setdefault(("index --full", variant.label), []).append(
                        timed(["index", "--full"], env)[:2])
    print(f"{args.folder}: {passages} passages; texts the model read (passages and "
          f"sentences): {texts or 'n/a'}; median of {args.rounds} rounds; load average "
          f"{os.getloadavg()[0]:.1f}")
    print(f"{'command':13} {'variant':16} {'wall s':>7} {'CPU s':>6} {'passages/s':>10} "
          f"{'per CPU s':>9} {'x wall':>7} {'x CPU':>6}")
    for command in ("index", "index --full"):
        measured = [v for v in rows if (command, v.label) in runs]
        if not measured:
            continue
        first = runs[(command, measured[0].label)]
        wall0 = statistics.median(w for w, _ in first)
        cpu0 = statistics.median(c for _, c in first)
        for variant in measured:
            wall = statistics.median(w for w, _ in runs[(command, variant.label)])
            cpu = statistics.median(c for _, c in runs[(command, variant.label)])
            print(f"{command:13} {variant.label:16} {wall:7.1f} {cpu:6.1f} "
                  f"{passages / wall:10.1f} {passages / cpu:9.1f} {wall0 / wall:7.2f} "
                  f"{cpu0 / cpu:6.2f}", flush=True)


if __name__ == "__main__":
    main()
