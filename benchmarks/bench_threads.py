"""Question latency by torch thread count, on an idle and on a busy machine.

    .venv/bin/python benchmarks/bench_threads.py [--threads 1,2,0] [--questions 40] [--busy 2]

Indexes the bundled sample corpus once, then for each thread count (0 = torch's
default, one per core) starts a fresh process that asks the sample questions,
first as the machine is, then while `--busy` other processes spin on the CPU
(what other users, or a reindex in another process, do to a small server).
Prints the median and 90th percentile latency of `Desk.ask` for each.
This is how NEWSDESK_THREADS's default was chosen (see index/settings.py).
"""

from __future__ import annotations

import argparse
import json
import multiprocessing
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

QUESTIONS = Path(__file__).parent.parent / "eval" / "sample_questions.jsonl"


def _spin(stop: float) -> None:
    while time.monotonic() < stop:
        pass


def child(home: str, threads: int, count: int) -> None:
    """Runs in its own process: one thread setting, one torch."""
    from bot.desk import Desk
    from bot.settings import BotSettings
    from index.settings import default_model_cache

    desk = Desk(BotSettings(home=Path(home), model_cache=default_model_cache(),
                            threads=threads, _env_file=None))
    questions = [json.loads(x)["question"] for x in QUESTIONS.read_text().splitlines()][:count]
    desk.ask(questions[0])  # warm-up
    timings = []
    for q in questions:
        t0 = time.perf_counter()
        desk.ask(q)
        timings.append(time.perf_counter() - t0)
    print(json.dumps(timings))


def measure(home: str, threads: int, count: int, busy: int) -> list[float]:
    spinners = [multiprocessing.Process(target=_spin, args=(time.monotonic() + 600,))
                for _ in range(busy)]
    for p in spinners:
        p.start()
    try:
        done = subprocess.run([sys.executable, __file__, "--child", home, str(threads),
                               str(count)], capture_output=True, text=True, check=True)
    finally:
        for p in spinners:
            p.terminate()
            p.join()
    return json.loads(done.stdout.strip().splitlines()[-1])


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--threads", default="1,2,0", help="comma-separated; 0 = one per core")
    ap.add_argument("--questions", type=int, default=40)
    ap.add_argument("--busy", type=int, default=os.cpu_count() or 2,
                    help="spinning processes for the busy run")
    ap.add_argument("--child", nargs=3, help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.child:
        child(args.child[0], int(args.child[1]), int(args.child[2]))
        return
    from bot.desk import SAMPLE_DIR, Desk
    from bot.settings import BotSettings
    from index.settings import default_model_cache

    with tempfile.TemporaryDirectory() as home:
        desk = Desk(BotSettings(home=Path(home), model_cache=default_model_cache(),
                                _env_file=None))
        desk.ingest([SAMPLE_DIR])
        desk.reindex()
        print(f"{os.cpu_count()} cores, load average {os.getloadavg()[0]:.1f} at the start; "
              f"{args.questions} questions each")
        for threads in (int(t) for t in args.threads.split(",")):
            for busy in (0, args.busy):
                t = measure(home, threads, args.questions, busy)
                cuts = statistics.quantiles(t, n=10)
                label = f"threads={threads or 'cores'}"
                print(f"{label:14} {'+' + str(busy) + ' spinning' if busy else 'as is':12} "
                      f"median {statistics.median(t) * 1000:7.0f} ms   p90 {cuts[-1] * 1000:7.0f} "
                      f"ms   worst {max(t) * 1000:7.0f} ms", flush=True)


if __name__ == "__main__":
    main()
