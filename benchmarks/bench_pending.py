"""What `Desk.pending()` costs: `newsdesk fetch`, `ask` and `/stats` call it every time.

    .venv/bin/python benchmarks/bench_pending.py [--articles N ...] [--repeat R]

For each size, a catalogue of N articles and a published manifest holding all but 1 %
of them (and 1 % changed since) are written straight to disk — no model, no embedding:
pending() reads only the catalogue's hashes and the manifest. Prints the median time.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import sqlite3
import statistics
import tempfile
import time
from pathlib import Path

from bot.desk import Desk
from bot.settings import BotSettings


def _digest(i: int, edition: int = 0) -> str:
    return hashlib.sha256(f"{i}:{edition}".encode()).hexdigest()[:32]


def _fill(desk: Desk, n: int) -> int:
    """N catalogue rows and a manifest lagging behind by 1 % new and 1 % changed; returns
    what pending() must find."""
    desk.catalogue.count()  # creates the schema
    text = "Nvidia said the H20 needs an export licence. " * 40
    rows = [(f"a{i}", "title", "Wire", "", None, "en", text, "bench", _digest(i), None,
             1.0, 1.0) for i in range(n)]
    with sqlite3.connect(desk.settings.catalogue_path) as db:
        db.executemany("INSERT INTO articles (id, title, source, url, published, language, "
                       "text, origin, hash, source_id, added_at, updated_at) VALUES "
                       "(?,?,?,?,?,?,?,?,?,?,?,?)", rows)
    step = 100
    published = {f"a{i}": _digest(i, edition=int(i % step == 1)) for i in range(n)
                 if i % step != 0}
    folder = desk.settings.index_dir / "v-000001"
    folder.mkdir(parents=True)
    (folder / "manifest.json").write_text(json.dumps({
        "version": "v-000001", "created": "2025-01-01T00:00:00Z", "model": "bench",
        "recipe": "bench", "dim": 384, "articles": published, "passages": 0, "files": {}}))
    (desk.settings.index_dir / "CURRENT").write_text("v-000001\n")
    return sum(1 for i in range(n) if i % step in (0, 1))


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--articles", type=int, nargs="+", default=[1_000, 10_000, 100_000])
    ap.add_argument("--repeat", type=int, default=5)
    args = ap.parse_args()
    print(f"{'articles':>9}  {'pending':>7}  {'median ms':>9}")
    for n in args.articles:
        with tempfile.TemporaryDirectory() as tmp:
            desk = Desk(BotSettings(home=Path(tmp), _env_file=None))
            expected = _fill(desk, n)
            times = []
            for _ in range(args.repeat):
                started = time.perf_counter()
                found = desk.pending()
                times.append(time.perf_counter() - started)
            assert found == expected, (found, expected)
            print(f"{n:>9}  {found:>7}  {statistics.median(times) * 1000:>9.1f}")


if __name__ == "__main__":
    main()
