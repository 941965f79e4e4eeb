"""Part 3 of benchmarks/bench_million.py: the million as a real published segment, and a
cold process answering from it.

The archive: the bundled index's articles copied under new ids until it holds `--n`
passages. A copy keeps its article's text and language (every quote stays a verbatim
slice); each of its passages gets a real-vector-like vector: a mixture of that passage's own
real e5 vector (weight 0.5–1) with a random real vector of the base (million_data.py) plus
noise, so each language group keeps its own region. To keep the segment at ~3 GB, each copied
passage has one sentence (itself) whose sentence vector is its passage vector; the bundled
passages keep theirs.
"""

from __future__ import annotations

import argparse
import json
import shutil
import subprocess
import sys
import time
from collections import Counter
from pathlib import Path

import numpy as np

from benchmarks.million_data import Base
from bot.desk import Desk
from corpus.models import Article, Passage, Span
from index import ann
from index.ann import kind
from index.ann import read as read_mapped
from index.store import IndexStore, IndexVersion

ROOT = Path(__file__).resolve().parent.parent

PROBE = r"""
import json, statistics, sys, time
t0 = time.perf_counter()
sys.path.insert(0, sys.argv[2])
from pathlib import Path
from bot.desk import Desk
from bot.settings import BotSettings
from index.filters import Filters
imported = time.perf_counter()
# the million's articles are in its index, not in a catalogue: it is served as an
# answer-only shard would serve it (no check of hits against a catalogue)
desk = Desk(BotSettings(home=Path(sys.argv[1]), answer_only=True))
version = desk.index_version()
loaded = time.perf_counter()
desk.embedder.load()
model = time.perf_counter()
answer = desk.ask("What did South Korea decide about DeepSeek?")
first = time.perf_counter()
def rss():
    return int([x for x in open("/proc/self/status") if x.startswith("VmRSS")][0].split()[1])
questions = json.loads(sys.argv[3])
retriever = desk.retriever()
outlet = max(set(a.outlet for a in list(version.articles.values())[:50]))
times = {"unfiltered": [], "language fr": [], f"outlet {outlet}": []}
filters = {"unfiltered": None, "language fr": Filters(language="fr"),
           f"outlet {outlet}": Filters(outlet=outlet)}
cpu = {name: [] for name in times}
for q in questions:
    for name, f in filters.items():
        t, c = time.perf_counter(), time.thread_time()
        retriever.search(q, k=8, filters=f)
        times[name].append((time.perf_counter() - t) * 1000)
        cpu[name].append((time.thread_time() - c) * 1000)
asks = []
for q in questions[:30]:
    t = time.perf_counter()
    desk.ask(q)
    asks.append((time.perf_counter() - t) * 1000)
q = desk.embedder.queries(questions[:30])
embed, embed_cpu = [], []
for text in questions[:30]:
    t, c = time.perf_counter(), time.thread_time()
    desk.embedder.queries([text])
    embed.append((time.perf_counter() - t) * 1000)
    embed_cpu.append((time.thread_time() - c) * 1000)
print(json.dumps({
    "import_s": imported - t0, "load_index_s": loaded - imported, "load_model_s": model - loaded,
    "first_answer_s": first - model, "start_to_first_answer_s": first - t0,
    "cited": len(answer.citations), "passages": len(version.passages),
    "rss_mb": rss() / 1024,
    "search_p50_ms": {k: statistics.median(v) for k, v in times.items()},
    "search_p95_ms": {k: sorted(v)[int(0.95 * len(v))] for k, v in times.items()},
    "search_cpu_p50_ms": {k: statistics.median(v) for k, v in cpu.items()},
    "query_embedding_cpu_p50_ms": statistics.median(embed_cpu),
    "load_avg": __import__("os").getloadavg()[0],
    "ask_p50_ms": statistics.median(asks), "query_embedding_p50_ms": statistics.median(embed)}))
"""


def _copies(version: IndexVersion, base: Base, n: int, noise: float
            ) -> tuple[list[Article], list[Passage], np.ndarray, np.ndarray]:
    rng = np.random.default_rng(17)
    copies = max(1, -(-(n - len(version.passages)) // len(version.passages)))
    texts = list(version.texts(version.article_ids).values())  # a version holds no text
    articles = list(texts)
    passages = list(version.passages)
    records = list(passages)
    own = np.asarray(version.vectors, np.float32)
    vectors = np.empty((len(passages) * (copies + 1), own.shape[1]), np.float32)
    vectors[:len(own)] = own
    for c in range(copies):
        articles += [a.model_copy(update={"id": f"{a.id}~{c}"}) for a in texts]
        passages += [p.model_copy(update={"article_id": f"{p.article_id}~{c}",
                                          "sentences": [Span(start=p.start, end=p.end)]})
                     for p in records]
        w = rng.uniform(0.5, 1.0, (len(own), 1)).astype(np.float32)
        other = base.vectors[rng.integers(0, len(base.vectors), len(own))]
        block = w * own + (1 - w) * other + rng.normal(0, noise, own.shape).astype(np.float32)
        vectors[(c + 1) * len(own):(c + 2) * len(own)] = \
            block / np.linalg.norm(block, axis=1, keepdims=True)
    sentences = np.vstack([np.asarray(version.sentence_vectors, np.float32), vectors[len(own):]])
    return articles, passages, vectors, sentences


def publish_million(home: Path, version: IndexVersion, base: Base, n: int, noise: float
                    ) -> None:
    root = home / "index"
    made = {"n": n, "noise": noise, "exact_limit": ann.exact_limit(), "nprobe": ann.NPROBE}
    if (home / "made.json").exists() and json.loads((home / "made.json").read_text()) == made:
        print(f"  reusing the published million in {home}", flush=True)
        return
    shutil.rmtree(root, ignore_errors=True)  # made with other settings or half-made
    t0 = time.perf_counter()
    articles, passages, vectors, sentences = _copies(version, base, n, noise)
    made = time.perf_counter()
    store = IndexStore(root)
    store.publish(model=version.manifest.model, recipe=version.manifest.recipe,
                  articles=articles, passages=passages, vectors=vectors,
                  sentence_vectors=sentences, languages=version.offsets.languages,
                  language_means=version.offsets.centred)
    done = time.perf_counter()
    (home / "made.json").write_text(json.dumps(made))
    by_article = {a.id: a.language for a in articles}
    groups = Counter(by_article[p.article_id] for p in passages)
    print(f"  {len(passages):,} passages of {len(articles):,} articles made in "
          f"{made - t0:.1f} s; published as one segment in {done - made:.1f} s "
          f"(writing, hashing, per-language FAISS builds); groups: "
          + ", ".join(f"{lang} {count:,}" for lang, count in groups.most_common()), flush=True)


def store_part(desk: Desk, version: IndexVersion, base: Base, args: argparse.Namespace) -> None:
    home = args.work / f"home-{args.n}"
    print(f"\n3. the million as a real published segment (home {home}):", flush=True)
    publish_million(home, version, base, args.n, args.noise)
    # the model folder and catalogue of the bundled home serve the cold process too
    manifest = IndexStore(home / "index").manifest(
        IndexStore(home / "index").current_name() or "")
    ref = (manifest.segments or [])[0]
    import faiss
    kinds = {lang: kind(faiss.read_index(str(home / "index" / ref.name / f"faiss-{i}.index")))
             for i, lang in enumerate(ref.languages)}
    print("  index types per language group: " +
          ", ".join(f"{lang} {k}" for lang, k in kinds.items()), flush=True)
    files = sorted((home / "index" / ref.name).glob("faiss-*.index"))
    size = sum(f.stat().st_size for f in files) / 2**20
    for how, read in (("faiss.read_index (a copy)", lambda f: faiss.read_index(str(f))),
                      ("ann.read (memory-mapped)", read_mapped)):
        t0 = time.perf_counter()
        for f in files:
            read(f)
        print(f"  reading the {len(files)} persisted indexes ({size:,.0f} MB) "
              f"with {how}: {time.perf_counter() - t0:.2f} s", flush=True)
    questions = [json.loads(x)["question"] for x in
                 (ROOT / "eval" / "sample_questions.jsonl").read_text().splitlines()][:60]
    for run in ("first (segment hashed and stamped)", "second (stamps trusted)")[-args.probes:]:
        t0 = time.perf_counter()
        out = subprocess.run([sys.executable, "-c", PROBE, str(home), str(ROOT),
                              json.dumps(questions)], capture_output=True, text=True,
                             check=False)
        wall = time.perf_counter() - t0
        if out.returncode:
            print(out.stderr[-3000:], flush=True)
            return
        figures = json.loads(out.stdout.strip().splitlines()[-1])
        print(f"  cold process, {run}: wall {wall:.1f} s; " + json.dumps(figures), flush=True)
