"""The segmented index on a synthetic archive: publish after adding 10 articles, a no-op
index, loading the served version, search and ranking, and memory against the vectors'
size; git main's index/store.py (the store before this branch) loaded and searched on the
same archive, in the same run.

    .venv/bin/python benchmarks/bench_segments.py [--home HOME] [--passages 200000]
        [--noise 0.017] [--no-before]

The archive: the bundled sample corpus (indexed once in HOME, default a scratch home)
copied under new article ids until it holds `--passages` passages. Each copy keeps its
article's text (so every quote is still a verbatim slice) and gets the real e5 vectors of
its passages and sentences plus Gaussian noise (sd `--noise` per dimension, renormalised;
the median cosine to the original is printed). The copies are catalogued in SQLite and
published as one segment, as a full `newsdesk index` would; then 10 further copies are
added and `build()` runs for real (real model, real embedding cache): its embedding time is
reported apart from everything else it does.
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import logging
import os
import shutil
import subprocess
import sys
import tempfile
import time
from functools import cached_property
from pathlib import Path

import numpy as np

from bot.desk import SAMPLE_DIR, Desk
from bot.settings import BotSettings
from corpus.catalogue import Catalogue
from corpus.models import Article, Passage
from index.builder import BuildProgress, build
from index.language_bias import language_means
from index.passage_text import RECIPE
from index.store import IndexMissing, IndexStore, IndexVersion

ROOT = Path(__file__).resolve().parent.parent

PROBE = """
import json, resource, sys, time
import numpy as np
t0 = time.perf_counter()
sys.path.insert(0, sys.argv[3])
if sys.argv[2] == "before":
    import importlib.util
    spec = importlib.util.spec_from_file_location("store_before", sys.argv[4])
    module = importlib.util.module_from_spec(spec); sys.modules["store_before"] = module
    spec.loader.exec_module(module)
    Store = module.IndexStore
else:
    from index.store import IndexStore as Store
from pathlib import Path
def rss(field="VmRSS"):
    return int([x for x in open("/proc/self/status") if x.startswith(field)][0].split()[1])
base = rss()
base_anon = rss("RssAnon")
imported = time.perf_counter()
version = Store(Path(sys.argv[1])).load()
loaded = time.perf_counter()
rng = np.random.default_rng(1)
queries = np.asarray(version.vectors[rng.integers(0, len(version.passages), 20)])
times = []
for q in queries:
    t = time.perf_counter()
    for lang in version.languages:
        version.search_group(lang, q, 20)
    times.append(time.perf_counter() - t)
out = {"load": loaded - imported, "rss_mb": rss() / 1024, "base_mb": base / 1024,
       "anon_mb": rss("RssAnon") / 1024, "base_anon_mb": base_anon / 1024,
       "search_ms": float(np.median(times)) * 1000, "passages": len(version.passages)}
if sys.argv[2] == "after":  # the whole ranking, texts of the hits read: what an ask runs
    from index import ranking
    weights = ranking.Weights(sentence=1.0)
    times = []
    for q in queries:
        t = time.perf_counter()
        found = ranking.rank(version, q, q, "", k=8, per_language=40, weights=weights, null=None)
        times.append(time.perf_counter() - t)
        assert all(c.text == c.article.text[c.passage.start:c.passage.end] for c in found)
    out["rank_first_ms"] = times[0] * 1000
    out["rank_ms"] = float(np.median(times)) * 1000
    out["to_first_ranked"] = loaded - imported + times[0]
    out["ranked_rss_mb"] = rss() / 1024  # + file pages the sentence rows of 20 pools map
out["peak_mb"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
print(json.dumps(out))
"""


def noisy(vectors: np.ndarray, noise: float, rng: np.random.Generator) -> np.ndarray:
    block = vectors + rng.normal(0.0, noise, vectors.shape).astype(np.float32)
    return (block / np.linalg.norm(block, axis=1, keepdims=True)).astype(np.float32)


def indexed_sample(home: Path) -> IndexVersion:
    desk = Desk(BotSettings(home=home))
    try:
        return desk.store.load()
    except IndexMissing:
        print(f"indexing the bundled sample corpus in {home} first", flush=True)
        desk.ingest([SAMPLE_DIR])
        desk.reindex()
        return desk.store.load()


class Archive:
    """Copies of the sample's articles, rows and (noisy) vectors, copy `c` as ids `id~c`."""

    def __init__(self, sample: IndexVersion, noise: float) -> None:
        self.sample, self.noise = sample, noise
        self.rng = np.random.default_rng(13)
        self.vectors = np.asarray(sample.vectors)
        self.sentences = np.asarray(sample.sentence_vectors)

    def articles(self, copy: int) -> list[Article]:
        return [a.model_copy(update={"id": f"{a.id}~{copy}"}) for a in self.texts]

    @cached_property
    def texts(self) -> list[Article]:
        texts = self.sample.texts(self.sample.article_ids)
        return [texts[aid] for aid in self.sample.article_ids]

    def rows(self, copies: range) -> tuple[list[Passage], np.ndarray, np.ndarray]:
        passages = [p.model_copy(update={"article_id": f"{p.article_id}~{c}"})
                    for c in copies for p in self.sample.passages]
        vectors = np.vstack([noisy(self.vectors, self.noise, self.rng) for _ in copies])
        sentences = np.vstack([noisy(self.sentences, self.noise, self.rng) for _ in copies])
        return passages, vectors, sentences


def probe(root: Path, which: str, before: Path | None) -> dict[str, float]:
    """Load and search in a fresh process: load seconds, RSS, median search ms."""
    args = [sys.executable, "-c", PROBE, str(root), which, str(ROOT), str(before or "")]
    done = subprocess.run(args, capture_output=True, text=True, check=True)
    return json.loads(done.stdout.strip().splitlines()[-1])


def store_before(scratch: Path) -> type:
    """Today's IndexStore (git main), imported under another name."""
    source = subprocess.run(["git", "-C", str(ROOT), "show", "main:index/store.py"],
                            capture_output=True, text=True, check=True).stdout
    path = scratch / "store_before.py"
    path.write_text(source, "utf-8")
    spec = importlib.util.spec_from_file_location("store_before", path)
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    sys.modules["store_before"] = module  # pydantic resolves its annotations there
    spec.loader.exec_module(module)
    return module.IndexStore


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--home", type=Path, help="a data home holding the indexed sample corpus "
                    "(default: indexed in a scratch home first)")
    ap.add_argument("--passages", type=int, default=200_000)
    ap.add_argument("--noise", type=float, default=0.017)
    ap.add_argument("--no-before", action="store_true", help="skip today's store")
    ap.add_argument("--archive", type=Path, help="keep the archive's catalogue in this folder "
                    "and reuse it at the next run (cataloguing 200k passages takes minutes); "
                    "its index and embedding cache are made afresh each run")
    args = ap.parse_args()
    logging.basicConfig(level=logging.WARNING)
    with tempfile.TemporaryDirectory(prefix="newsdesk-segments-") as tmp:
        scratch = Path(tmp)
        sample_home = args.home or scratch / "sample"
        sample = indexed_sample(sample_home)
        embedder = Desk(BotSettings(home=sample_home)).embedder
        archive = Archive(sample, args.noise)
        copies = -(-args.passages // len(sample.passages))
        home = args.archive or scratch / "archive"
        shutil.rmtree(home / "index", ignore_errors=True)
        (home / "vectors.sqlite3").unlink(missing_ok=True)
        catalogue = Catalogue(home / "catalogue.sqlite3")
        catalogue.delete([a.id for a in archive.articles(copies)[:10]])  # a kept archive's
        t0 = time.perf_counter()
        if catalogue.count() != copies * len(archive.texts):
            for c in range(copies):
                for a in archive.articles(c):
                    catalogue.upsert(a)
        stored = list(catalogue.articles())
        passages, vectors, sentences = archive.rows(range(copies))
        cosine = float(np.median(np.sum(vectors[:len(sample.passages)] * archive.vectors, 1)))
        languages, means = language_means(embedder, BotSettings(home=home).models_dir)
        print(f"archive: {len(stored):,} articles, {len(passages):,} passages, "
              f"{len(sentences):,} sentences ({copies} copies of the sample, real e5 vectors "
              f"+ noise sd {args.noise}: median cosine to the original {cosine:.4f}); made in "
              f"{time.perf_counter() - t0:.0f} s", flush=True)
        vector_mb = (vectors.nbytes + sentences.nbytes) / 2**20
        store = IndexStore(home / "index")
        t0 = time.perf_counter()
        store.publish(model=embedder.id, recipe=RECIPE, articles=stored, passages=passages,
                      vectors=vectors, sentence_vectors=sentences, languages=languages,
                      language_means=means)
        print(f"first publish (one segment, FAISS indexes persisted): "
              f"{time.perf_counter() - t0:.1f} s", flush=True)
        first = probe(store.root, "after", None)  # hashes each segment once, stamps it
        whole = probe(store.root, "after", None)  # one segment, stamps trusted

        for a in archive.articles(copies)[:10]:  # one more copy, its first 10 articles
            catalogue.upsert(a)
        marks: dict[str, float] = {}

        def phase(p: BuildProgress) -> None:
            marks.setdefault(p.phase, time.perf_counter())

        t0 = time.perf_counter()
        stats = build(catalogue, store, embedder, BotSettings(home=home).models_dir,
                      progress=phase, vector_cache=home / "vectors.sqlite3")
        total = time.perf_counter() - t0
        embedding = marks.get("publish", t0) - marks.get("embed", t0)
        t0 = time.perf_counter()
        noop = build(catalogue, store, embedder, BotSettings(home=home).models_dir,
                     vector_cache=home / "vectors.sqlite3")
        noop_s = time.perf_counter() - t0
        assert not noop.changed
        served = probe(store.root, "after", None)
        env = {**os.environ, "NEWSDESK_HOME": str(home), "PYTHONPATH": str(ROOT)}
        t0 = time.perf_counter()
        cli = subprocess.run([str(Path(sys.executable).parent / "newsdesk"), "index"], env=env,
                             capture_output=True, text=True, check=True)
        cli_s = time.perf_counter() - t0
        rows = [
            ("add 10 articles: build total", f"{total:.2f} s"),
            ("  of which embedding their passages and sentences", f"{embedding:.2f} s"),
            ("  everything else (scan, load, write segment, publish)",
             f"{total - embedding:.2f} s"),
            ("no-op `index` (build() in a warm process)", f"{noop_s:.2f} s"),
            ("no-op `newsdesk index`, cold process, wall", f"{cli_s:.2f} s  "
             f"({cli.stdout.strip().splitlines()[-1][:60] if cli.stdout.strip() else ''})"),
            ("load served version, cold process, first load (hashes)", f"{first['load']:.2f} s"),
            ("load served version, cold process, stamps trusted", f"{served['load']:.2f} s"),
            ("  the same, one segment (before the 10 were added)", f"{whole['load']:.2f} s"),
            ("search all languages, k=20, median", f"{served['search_ms']:.1f} ms"),
            ("rank (sentence-weighted, k=8, texts of the hits read), median / first",
             f"{served['rank_ms']:.1f} ms / {served['rank_first_ms']:.1f} ms"),
            ("start-up to the first ranked candidates (no model), cold process",
             f"{served['to_first_ranked']:.2f} s"),
            ("vectors (passages + sentences) size", f"{vector_mb:.0f} MB"),
            ("RSS of a loaded process (no model), after the imports",
             f"{served['rss_mb']:.0f} MB = {served['rss_mb'] / vector_mb:.2f}x vectors; "
             f"{served['base_mb']:.0f} MB before loading"),
            ("  RSS the loaded version adds",
             f"{served['rss_mb'] - served['base_mb']:.0f} MB = "
             f"{(served['rss_mb'] - served['base_mb']) / vector_mb:.2f}x vectors"),
            ("  of it private (RssAnon; the rest: mapped file pages)",
             f"{served['anon_mb'] - served['base_anon_mb']:.0f} MB"),
            ("RSS after 20 ranked questions (their sentence pages mapped)",
             f"{served['ranked_rss_mb']:.0f} MB = {served['ranked_rss_mb'] / vector_mb:.2f}x "
             "vectors"),
        ]
        print(f"after: {stats.articles_embedded} articles added in segment(s) "
              f"{[r.name for r in store.manifest(stats.version or '').segments or []]}")
        for name, value in rows:
            print(f"  {name:58} {value}", flush=True)
        if args.no_before:
            return
        before_path = scratch / "store_before.py"
        Before = store_before(scratch)
        old = Before(scratch / "before")
        old.publish(model=embedder.id, recipe=RECIPE, articles=stored,
                    passages=passages, vectors=vectors, sentence_vectors=sentences,
                    languages=languages, language_means=means)
        probe(old.root, "before", before_path)  # hashes each segment once, stamps it
        cold = probe(old.root, "before", before_path)
        print("before (git main's store) vs after (this one), the same archive as one "
              "segment, cold process: before holds a Passage record per passage and every "
              "article's text; after holds arrays, memory-mapped, and reads the hits' texts:")
        for name, value, after in [
            ("load served version, cold process, stamps trusted, s", cold["load"],
             whole["load"]),
            ("RSS of a loaded process (no model), MB", cold["rss_mb"], whole["rss_mb"]),
            ("  RSS the loaded version adds, MB", cold["rss_mb"] - cold["base_mb"],
             whole["rss_mb"] - whole["base_mb"]),
            ("  of it private (RssAnon), MB", cold["anon_mb"] - cold["base_anon_mb"],
             whole["anon_mb"] - whole["base_anon_mb"]),
            ("search all languages, k=20, median ms", cold["search_ms"], whole["search_ms"]),
        ]:
            print(f"  {name:58} {value:8.2f} vs after {after:8.2f} = "
                  f"{value / max(after, 1e-9):.1f}x", flush=True)


if __name__ == "__main__":
    main()
