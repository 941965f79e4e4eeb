"""What pruning the vector cache costs at a million rows: doctor's count, a catalogue's
texts dated today, the prune itself, and the file's size before and after.

    .venv/bin/python benchmarks/bench_prune.py [--rows 1000000] [--dir DIR]

The rows are random unit vectors under sha256 keys (pruning never reads a vector, so
their content does not matter; their size does: 384 float32 = 1,536 bytes each). Half
of them are aged 40 days by one UPDATE, as if unused since; a quarter of the rows
(half of the aged ones among them) are then `touch`ed, as a home's `index --prune-cache`
dates its catalogue's texts; the prune drops the aged rows nobody touched (3/8).
"""

from __future__ import annotations

import argparse
import hashlib
import sqlite3
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import TypeVar

import numpy as np

from index.vector_cache import KEEP_DAYS, VectorCache

BATCH = 10_000
T = TypeVar("T")


def key(i: int) -> bytes:
    return hashlib.sha256(i.to_bytes(8, "little")).digest()


def timed(what: str, work: Callable[[], T]) -> T:
    t0 = time.perf_counter()
    out = work()
    print(f"{what:48} {time.perf_counter() - t0:8.2f} s")
    return out


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--rows", type=int, default=1_000_000)
    ap.add_argument("--dir", type=Path, help="where to write the cache (default: a temp dir)")
    args = ap.parse_args()
    with tempfile.TemporaryDirectory(dir=args.dir) as tmp:
        path = Path(tmp) / "vectors.sqlite3"
        cache = VectorCache(path)
        rng = np.random.default_rng(0)

        def fill() -> None:
            for start in range(0, args.rows, BATCH):
                n = min(BATCH, args.rows - start)
                vectors = rng.standard_normal((n, 384), dtype=np.float32)
                vectors /= np.linalg.norm(vectors, axis=1, keepdims=True)
                cache.put("e5", "fp32", [key(i) for i in range(start, start + n)], vectors)

        timed(f"write {args.rows:,} rows ({BATCH:,} per commit)", fill)
        with sqlite3.connect(path) as db:
            timed("age half of them 40 days (test set-up)", lambda: db.execute(
                "UPDATE dates SET used = used - 40 WHERE id IN "
                "(SELECT id FROM vectors WHERE key < x'80')"))
            db.commit()
            db.execute("PRAGMA wal_checkpoint(TRUNCATE)")  # the size below is the file's
        print(f"{'file size':48} {cache.size() / 1e9:8.2f} GB")
        held = timed("doctor: rows and stale rows per model", cache.holdings)
        print(f"{'':48} {held}")
        every_other = [key(i) for i in range(0, args.rows, 4)]
        kept = timed(f"touch {len(every_other):,} keys (a catalogue's texts)",
                     lambda: cache.touch("e5", "fp32", every_other))
        removed = timed(f"prune rows unused for {KEEP_DAYS} days",
                        lambda: cache.prune(KEEP_DAYS))
        print(f"{'':48} kept {kept:,} touched, removed {removed:,}, left {cache.rows():,}")
        print(f"{'file size after (freed pages returned)':48} {cache.size() / 1e9:8.2f} GB")
        sample = [key(i) for i in range(0, args.rows, args.rows // 1000 or 1)]
        found = timed("look up 1,000 keys afterwards", lambda: cache.get("e5", "fp32", sample))
        print(f"{'':48} {len(found)} found")
        cache.close()


if __name__ == "__main__":
    main()
