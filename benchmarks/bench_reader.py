"""What the reader adds to a question, warm and cold, on the bundled corpus.

    PYTHONPATH=. .venv/bin/python benchmarks/bench_reader.py [--home DIR] [--rounds 3]

Warm: the same Desk answers every bundled question with the reader on and off (default
threads, as `newsdesk run` answers); the reader's added time is the difference per question,
p50 and p95. Cold: `newsdesk ask` as a new process, the reader on and off, best of three.
The sample corpus is indexed into a scratch home unless --home names an indexed one.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bot.desk import Desk  # noqa: E402
from bot.settings import BotSettings  # noqa: E402


def questions() -> list[str]:
    rows = (ROOT / "eval" / "sample_questions.jsonl").read_text("utf-8").splitlines()
    return [json.loads(r)["question"] for r in rows if r.strip()]


def timed(desk: Desk, qs: list[str]) -> np.ndarray:
    out = []
    for q in qs:
        t = time.perf_counter()
        desk.ask(q)
        out.append(time.perf_counter() - t)
    return np.array(out)


def cold(home: Path, reader: bool) -> float:
    env = {**os.environ, "NEWSDESK_HOME": str(home), "NEWSDESK_READER": str(reader).lower()}
    best = float("inf")
    for _ in range(3):
        t = time.perf_counter()
        subprocess.run([str(ROOT / ".venv" / "bin" / "newsdesk"), "ask",
                        "what did Korea do about DeepSeek"], env=env, check=True,
                       capture_output=True)
        best = min(best, time.perf_counter() - t)
    return best


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--home", type=Path)
    parser.add_argument("--rounds", type=int, default=2)
    args = parser.parse_args()
    home = args.home or Path(tempfile.mkdtemp(prefix="bench-reader-"))
    with_reader = Desk(BotSettings(home=home, reader=True, _env_file=None))
    if with_reader.needs_sample():
        print("indexing the sample corpus …", file=sys.stderr)
        with_reader.load_sample()
    without = Desk(BotSettings(home=home, reader=False, _env_file=None),
                   embedder=with_reader.embedder)
    qs = questions()
    with_reader.ask(qs[0])  # load both models once
    without.ask(qs[0])
    on = np.min([timed(with_reader, qs) for _ in range(args.rounds)], axis=0)
    off = np.min([timed(without, qs) for _ in range(args.rounds)], axis=0)
    added = on - off
    print(f"warm, {len(qs)} bundled questions, threads={with_reader.settings.threads}, "
          f"best of {args.rounds}: with reader p50 {np.percentile(on, 50):.3f} s, p95 "
          f"{np.percentile(on, 95):.3f} s; without p50 {np.percentile(off, 50):.3f} s; "
          f"reader adds p50 {np.percentile(added, 50):.3f} s, p95 "
          f"{np.percentile(added, 95):.3f} s")
    print(f"cold `newsdesk ask` (best of 3): with reader {cold(home, True):.2f} s, without "
          f"{cold(home, False):.2f} s; load average {os.getloadavg()[0]:.2f}")


if __name__ == "__main__":
    main()
