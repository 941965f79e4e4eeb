"""`kill -9` at random moments of a large `newsdesk index` run: every restart resumes, the
final index holds every article, no vector is computed twice (issue 13's done-when).

    .venv/bin/python benchmarks/bench_kill.py [--piaf ../shared/data/piaf/piaf-v1.0.json]
        [--articles 48] [--kills 10] [--publish-kills 3] [--seed 13] [--keep DIR]

The material: PIAF's French Wikipedia paragraphs (ingestion material only, nothing is
tuned on it), one article per Wikipedia title, on top of a small index already serving
(3 bundled articles), so a kill during the publish has a previous version to leave serving.

1. Calibration: the same corpus indexed once, uninterrupted, by a real `newsdesk -v index`
   in a home of its own with an empty vector cache; each log line is timed as it arrives.
   That run's duration D and its phases (start-up, passages, sentences, publish) are the
   timeline the kill moments are drawn on.
2. Moments: `kills - publish_kills` drawn uniformly over the run up to the moment CURRENT
   named the new version and `publish_kills` over the publish phase (too short to be hit
   often by chance, and the atomic renames are what must hold), seeded, sorted, printed.
   A resumed run publishes at its own pace, so a publish kill may also land just after
   the switch, in the clean-up of old versions and temp folders: the served version must
   then be the new one, and the next run must finish the clean-up (seed 13 found that it
   did not when it had nothing to publish; index/builder.py `_tidy`).
3. Campaign: a real `newsdesk -v index` is started, SIGKILLed when it reaches the state of
   the next moment (start-up: that many seconds after its start; an embedding phase: the
   vector cache holds the rows the calibration run held at that moment; publish: that many
   seconds after it logs "publishing"), restarted, and so on; then run to completion.
   After each kill: which phase the log was in, the cache's rows, what the publish left
   (temp folder, renamed segment, renamed version) and that the version CURRENT names
   verifies by its checksums and serves the base articles (or every article).
4. At the end: the served index's articles == the catalogue's; vectors computed by the
   model in every run (killed ones included, counted from each run's debug lines) ==
   the cache's rows == distinct texts; the served version verifies; no temp folder left.
   Exit status 1 if any check fails.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import re
import shutil
import signal
import sqlite3
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from bot.desk import SAMPLE_DIR
from corpus.catalogue import Catalogue
from corpus.chunker import chunk
from index.passage_text import passage_input
from index.store import IndexCorrupt, IndexStore
from index.vector_cache import text_key

NEWSDESK = str(Path(sys.executable).parent / "newsdesk")
PIAF = Path(__file__).resolve().parents[2] / "shared" / "data" / "piaf" / "piaf-v1.0.json"
PHASES = (("publishing", "publish"), ("embedding sentences", "sentences"),
          ("embedding passages", "passages"))


@dataclass
class Run:
    """One `newsdesk -v index` child, its stderr lines timed as they arrive."""

    home: Path
    process: subprocess.Popen[str]
    started: float = field(default_factory=time.monotonic)
    lines: list[tuple[float, str]] = field(default_factory=list)

    def __post_init__(self) -> None:
        self.reader = threading.Thread(target=self._read, daemon=True)
        self.reader.start()

    def _read(self) -> None:
        assert self.process.stderr is not None
        for line in self.process.stderr:
            self.lines.append((time.monotonic() - self.started, line.rstrip()))

    def phase(self) -> str:
        """The phase the run's log last entered ("start" before the first)."""
        for _, line in reversed(self.lines):
            for marker, name in PHASES:
                if marker in line:
                    return name
        return "start"

    def since(self, marker: str) -> float | None:
        return next((t for t, line in self.lines if marker in line), None)

    def counted(self, word: str) -> int:
        """Vectors the run's debug lines say it computed / committed."""
        found = (re.search(rf"DEBUG\s+{word} (\d+) ", line) for _, line in self.lines)
        return sum(int(m.group(1)) for m in found if m)

    def resumed(self) -> str:
        """What the run found in the cache: passages/sentences ("-" before it looked)."""
        found = {name: re.search(rf"embedding {name}: \d+ to compute, (\d+) from", line)
                 for _, line in self.lines for name in ("passages", "sentences")
                 if f"embedding {name}: " in line and "to compute" in line}
        return "/".join(m.group(1) if (m := found.get(n)) else "-"
                        for n in ("passages", "sentences"))

    def finish(self) -> str:
        """Its stdout once it exits (stderr is the reader thread's alone)."""
        assert self.process.stdout is not None
        out = self.process.stdout.read()
        self.process.wait()
        self.reader.join()
        return out

    def kill(self) -> None:
        self.process.send_signal(signal.SIGKILL)
        self.process.wait()
        self.reader.join()


def newsdesk(home: Path, *args: str) -> Run:
    env = {**os.environ, "NEWSDESK_HOME": str(home),
           "NEWSDESK_VECTOR_CACHE": str(home / "vectors.sqlite3")}
    process = subprocess.Popen([NEWSDESK, *args], stdout=subprocess.PIPE,
                               stderr=subprocess.PIPE, text=True, env=env, cwd=home)
    return Run(home, process)


def must(home: Path, *args: str) -> str:
    run = newsdesk(home, *args)
    out = run.finish()
    if run.process.returncode != 0:
        raise SystemExit(f"newsdesk {' '.join(args)} failed:\n" +
                         "\n".join(line for _, line in run.lines))
    return out


def write_piaf(source: Path, folder: Path, limit: int) -> int:
    """One article per Wikipedia title of PIAF, its paragraphs as the text."""
    folder.mkdir(parents=True)
    data = json.loads(source.read_text("utf-8"))["data"][:limit]
    for i, entry in enumerate(data):
        text = "\n\n".join(p["context"].strip() for p in entry["paragraphs"])
        title = entry["title"].replace('"', "'")
        (folder / f"piaf-{i:03d}.md").write_text(
            f'---\nid: piaf-{i:03d}\ntitle: "{title}"\noutlet: "Wikipédia (PIAF)"\n'
            f'url: "https://fr.wikipedia.org/wiki/{i}"\npublished: 2024-01-{1 + i % 28:02d}\n'
            f"language: fr\n---\n{text}\n", "utf-8")
    return len(data)


def prepare(home: Path, base: Path, big: Path) -> None:
    """A home serving the base articles, with the big corpus ingested and waiting."""
    home.mkdir(parents=True)
    must(home, "ingest", str(base))
    must(home, "index")
    must(home, "ingest", str(big))


def rows(home: Path) -> int:
    path = home / "vectors.sqlite3"
    if not path.is_file():
        return 0
    with sqlite3.connect(path, timeout=30) as db:
        return int(db.execute("SELECT count(*) FROM vectors").fetchone()[0])


def computed_counter(home: Path) -> int:
    with sqlite3.connect(home / "vectors.sqlite3", timeout=30) as db:
        return int(db.execute("SELECT value FROM counters WHERE name = 'computed'")
                   .fetchone()[0])


def distinct_texts(home: Path, prefix: str) -> int:
    keys = set()
    for article in Catalogue(home / "catalogue.sqlite3").articles():
        for p in chunk(article):
            keys.add(text_key(prefix, passage_input(article, p)))
            keys.update(text_key(prefix, article.text[s.start:s.end]) for s in p.sentences)
    return len(keys)


@dataclass
class Timeline:
    """The uninterrupted run: when each phase began, the cache rows over time, and the
    steps of its publish as seen in the index folder."""

    duration: float
    passages: float
    sentences: float
    publish: float
    published: float  # CURRENT named the new version
    commits: list[tuple[float, int]]  # (seconds since start, rows committed so far)
    steps: list[tuple[float, str]]  # (seconds since start, what appeared in the index folder)

    def target(self, moment: float) -> tuple[str, float]:
        """What a resumed run must reach to be where the calibration run was at `moment`."""
        if moment < self.passages:
            return "start", moment
        if moment >= self.publish:
            return "publish", moment - self.publish
        done = max((n for t, n in self.commits if t <= moment), default=0)
        return "rows", done


def watch(folder: Path, run: Run, steps: list[tuple[float, str]]) -> None:
    """Each name that appears in the index folder while `run` lives, and CURRENT's
    change, with their times."""
    store = IndexStore(folder)
    seen, current = set(os.listdir(folder)), store.current_name()
    while run.process.poll() is None:
        names, now = set(os.listdir(folder)), store.current_name()
        at = time.monotonic() - run.started
        steps.extend((at, name) for name in sorted(names - seen))
        if now != current:
            steps.append((at, f"CURRENT → {now}"))
        seen, current = names, now
        time.sleep(0.001)


def calibrate(home: Path) -> Timeline:
    run = newsdesk(home, "-v", "index")
    steps: list[tuple[float, str]] = []
    watcher = threading.Thread(target=watch, args=(home / "index", run, steps), daemon=True)
    watcher.start()
    out = run.finish()
    watcher.join()
    if run.process.returncode != 0:
        raise SystemExit("the calibration run failed:\n" + "\n".join(x for _, x in run.lines))
    end = time.monotonic() - run.started
    commits, total = [], 0
    for t, line in run.lines:
        found = re.search(r"DEBUG\s+committed (\d+) ", line)
        if found:
            total += int(found.group(1))
            commits.append((t, total))
    marks = [run.since(m) for m in ("embedding passages", "embedding sentences", "publishing")]
    if None in marks:
        raise SystemExit(f"the calibration run did not log every phase: {out}")
    passages, sentences, publish = (float(m) for m in marks if m is not None)
    published = next((t for t, step in steps if step.startswith("CURRENT")), None)
    if published is None:
        raise SystemExit("the calibration run's publish was not seen replacing CURRENT")
    return Timeline(end, passages, sentences, publish, published, commits, steps)


def moments(timeline: Timeline, kills: int, publish_kills: int, seed: int) -> list[float]:
    """Kills up to the moment the calibration run's CURRENT named the new version: later,
    there is only its clean-up and the process's exit."""
    rng = random.Random(seed)
    anywhere = [rng.uniform(0, timeline.published) for _ in range(kills - publish_kills)]
    publish = [rng.uniform(timeline.publish, timeline.published)
               for _ in range(publish_kills)]
    return sorted(anywhere + publish)


def left_by_publish(store: IndexStore, before: tuple[set[str], set[str], str | None]) -> str:
    """What a kill left in the index folder, compared to what was there before the run."""
    segments, versions, current = before
    parts = []
    if store.leftovers():
        parts.append("temp " + ",".join(p.name for p in store.leftovers()))
    new_segments = set(store.segment_names()) - segments
    new_versions = set(store.versions()) - versions
    if new_segments:
        parts.append("segment " + ",".join(sorted(new_segments)) + " renamed")
    if new_versions:
        parts.append("version " + ",".join(sorted(new_versions)) + " renamed")
    if store.current_name() != current:
        parts.append(f"CURRENT → {store.current_name()}")
    return "; ".join(parts) or "nothing"


def served(store: IndexStore) -> tuple[str | None, set[str], str]:
    """CURRENT's version, its articles, and whether it verifies by its checksums."""
    name = store.current_name()
    if name is None:
        return None, set(), "no CURRENT"
    try:
        manifest = store.verify(name)
        store.load_version(name)
    except IndexCorrupt as exc:
        return name, set(), f"DAMAGED: {exc}"
    return name, set(manifest.articles), "verifies"


def vector_drift(store: IndexStore, reference: IndexStore) -> float:
    """Largest difference between the two served versions' passage vectors, row by row
    matched on (article, span): batches of other sizes may round differently, no more."""
    ours, theirs = store.load(), reference.load()
    rows = {(p.article_id, p.start, p.end): r for r, p in enumerate(theirs.passages)}
    mine = [(r, rows.get((p.article_id, p.start, p.end))) for r, p in enumerate(ours.passages)]
    if any(t is None for _, t in mine) or len(mine) != len(rows):
        return float("inf")
    a = np.asarray(ours.vectors)[[r for r, _ in mine]]
    b = np.asarray(theirs.vectors)[[t for _, t in mine]]
    return float(np.abs(a - b).max()) if len(a) else 0.0


def wait_until(run: Run, reached: Callable[[], bool], deadline: float,
               every: float = 0.005) -> bool:
    """True when `reached` (then the run is killed at once), False if the run ended first."""
    while run.process.poll() is None and time.monotonic() < deadline:
        if reached():
            run.kill()
            return True
        time.sleep(every)
    return False


def campaign(home: Path, timeline: Timeline, schedule: list[float], base_rows: int,
             base_ids: set[str], all_ids: set[str], checks: list[tuple[str, bool]]
             ) -> list[Run]:
    store = IndexStore(home / "index")
    runs: list[Run] = []
    print(f"{'#':>2} {'moment s':>8} {'target':>16} {'phase':>9} {'killed at s':>11} "
          f"{'cached p/s':>11} {'cache rows':>10} {'+rows':>6}  serving; left by the kill")
    for i, moment in enumerate(schedule, 1):
        kind, value = timeline.target(moment)
        before = (set(store.segment_names()), set(store.versions()), store.current_name())
        at_start = rows(home)
        if kind == "rows" and base_rows + value <= at_start:
            value = at_start - base_rows + 1  # already past: the next committed batch
        run = newsdesk(home, "-v", "index")
        runs.append(run)
        limit = run.started + 600
        if kind == "start":
            hit = wait_until(run, lambda v=value, r=run: time.monotonic() - r.started >= v,
                             limit)
        elif kind == "rows":
            hit = wait_until(run, lambda v=value: rows(home) >= base_rows + v, limit, 0.02)
        else:
            hit = wait_until(run, lambda v=value, r=run: (r.since("publishing") is not None and
                             time.monotonic() - r.started >= r.since("publishing") + v), limit)
        label = {"start": f"start +{value:.1f}s", "rows": f"{base_rows + int(value)} rows",
                 "publish": f"publish +{value:.2f}s"}[kind]
        if not hit:
            run.finish()
            print(f"{i:>2} {moment:8.1f} {label:>16}  the run ended before this moment "
                  f"(exit {run.process.returncode}); campaign stops")
            checks.append((f"kill {i} landed", False))
            break
        name, articles, state = served(store)
        now = rows(home)
        holds = articles >= base_ids if name in before[1] else articles == all_ids
        print(f"{i:>2} {moment:8.1f} {label:>16} {run.phase():>9} "
              f"{time.monotonic() - run.started:11.2f} {run.resumed():>11} {now:10d} "
              f"{now - at_start:6d}  "
              f"{name} {state}, {len(articles)} articles; left: "
              f"{left_by_publish(store, before)}")
        checks.append((f"kill {i}: CURRENT verifies and serves the articles it should",
                       state == "verifies" and holds))
    return runs


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--piaf", type=Path, default=PIAF)
    ap.add_argument("--articles", type=int, default=48, help="PIAF titles to ingest "
                    "(48: ~1,100 texts, ≤ 10 min on this busy 2-core machine; 191: all of PIAF)")
    ap.add_argument("--kills", type=int, default=10)
    ap.add_argument("--publish-kills", type=int, default=3)
    ap.add_argument("--seed", type=int, default=13)
    ap.add_argument("--keep", type=Path, help="work here and keep it (default: a temp dir)")
    args = ap.parse_args()
    root = args.keep or Path(tempfile.mkdtemp(prefix="bench-kill-"))
    root.mkdir(parents=True, exist_ok=True)
    try:
        return bench(args, root)
    finally:
        if args.keep is None:
            shutil.rmtree(root, ignore_errors=True)


def bench(args: argparse.Namespace, root: Path) -> int:
    base, big = root / "base", root / "piaf"
    base.mkdir()
    for path in sorted(SAMPLE_DIR.glob("*.md"))[:3]:
        shutil.copy(path, base)
    count = write_piaf(args.piaf, big, args.articles)
    reference, home = root / "calibration", root / "campaign"
    prepare(reference, base, big)
    prepare(home, base, big)
    base_rows = rows(home)
    catalogue = Catalogue(home / "catalogue.sqlite3")
    all_ids = set(catalogue.hashes(duplicates=False))
    base_ids = set(IndexStore(home / "index").load().manifest.articles)
    from bot.settings import BotSettings
    from index.embedder import Embedder

    prefix = Embedder(BotSettings(home=home, _env_file=None)).passage_prefix
    distinct = distinct_texts(home, prefix)
    print(f"corpus: {len(base_ids)} base articles serving + {count} PIAF articles waiting; "
          f"{distinct} distinct texts (passages and sentences), {base_rows} already cached")

    timeline = calibrate(reference)
    print(f"calibration (uninterrupted `newsdesk -v index`): {timeline.duration:.1f} s; "
          f"passages from {timeline.passages:.1f} s, sentences from {timeline.sentences:.1f} s, "
          f"publish from {timeline.publish:.1f} s; {timeline.commits[-1][1]} vectors computed")
    print("calibration publish: " + ", ".join(f"{step} at {t:.3f} s" for t, step in
                                             timeline.steps))
    schedule = moments(timeline, args.kills, args.publish_kills, args.seed)
    print(f"seed {args.seed}: moments (s) " + ", ".join(f"{m:.1f}" for m in schedule))

    checks: list[tuple[str, bool]] = []
    started = time.monotonic()
    runs = campaign(home, timeline, schedule, base_rows, base_ids, all_ids, checks)
    final = newsdesk(home, "-v", "index")
    out = final.finish()
    runs.append(final)
    elapsed = time.monotonic() - started
    print(f"final run: exit {final.process.returncode}; {out.strip()}")
    checks.append(("the final run succeeds", final.process.returncode == 0))

    store = IndexStore(home / "index")
    name, served_ids, state = served(store)
    catalogue_hashes = catalogue.hashes(duplicates=False)
    manifest = store.manifest(name) if name else None
    total_rows, committed = rows(home), computed_counter(home)
    by_model = sum(r.counted("computed") for r in runs)
    passages = sum(len(chunk(a)) for a in catalogue.articles())
    leftovers = [p for p in root.rglob("*") if p.name.startswith((".building-", ".export-"))]
    print(f"campaign: {len(runs)} runs, {elapsed:.1f} s (calibration run: "
          f"{timeline.duration:.1f} s)")
    print(f"served {name} ({state}): {len(served_ids)} articles, catalogue {len(all_ids)}; "
          f"{manifest.passages if manifest else 0} passages, chunker {passages}")
    print(f"vectors: computed by the model in all {len(runs)} runs {by_model} + "
          f"{base_rows} for the base index; committed (cache counter) {committed}; cache rows "
          f"{total_rows}; distinct texts {distinct}")
    print(f"leftovers: {len(leftovers)} temp folders, {len(store.leftovers())} in the index")
    checks += [
        ("served index verifies by its checksums", state == "verifies"),
        ("served articles == catalogue articles (ids and content hashes)",
         manifest is not None and manifest.articles == catalogue_hashes),
        ("served passages == the chunker's", manifest is not None and
         manifest.passages == passages),
        ("vectors computed by the model == distinct texts", by_model + base_rows == distinct),
        ("cache rows == committed == distinct texts", total_rows == committed == distinct),
        ("no leftover temp folder", not leftovers and not store.leftovers()),
    ]
    drift = vector_drift(store, IndexStore(reference / "index"))
    print(f"vectors vs the uninterrupted run's: max |difference| {drift:.2e}")
    checks.append(("vectors equal the uninterrupted run's (max |difference| <= 1e-4)",
                   drift <= 1e-4))
    for what, ok in checks:
        print(f"{'ok  ' if ok else 'FAIL'} {what}")
    return 0 if all(ok for _, ok in checks) else 1


if __name__ == "__main__":
    sys.exit(main())
