"""Per-query cost of the sentence-weighted search against plain passage search.

    .venv/bin/python benchmarks/bench_search.py [--home HOME] [--passages 100000] [--noise 0.017]

Searches the bundled sample corpus's index (HOME's index when it has one, else the sample
corpus indexed in a scratch home), then a synthetic archive of `--passages` passages. The
synthetic archive is real-vector-like: every bundled passage and sentence vector copied with
small Gaussian noise (standard deviation `--noise` per dimension, then renormalised; at 0.017
a copy keeps a cosine of about 0.95 with its original), each copy a new article in the
original's language, so the per-language FAISS groups, the language offsets and the number of
sentences per passage all keep their real shape.

For each size it prints the median milliseconds per question (the 153 bundled questions,
embedded once, outside the clock) of `index.ranking.nearest`, the step that finds and scores
candidates, without sentence weighting ("plain"), with it ("sentence-weighted"), and with the
per-row Python loop it replaced ("per-row loop, before"), each as a ratio to plain.
"""

from __future__ import annotations

import argparse
import json
import statistics
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

import numpy as np

from bot.desk import SAMPLE_DIR, Desk
from bot.settings import BotSettings
from corpus.models import Article, Passage
from index.ranking import Weights, nearest
from index.store import IndexMissing, IndexVersion

QUESTIONS = Path(__file__).parent.parent / "eval" / "sample_questions.jsonl"
PER_LANGUAGE = 40  # what Retriever.search asks for


def loop_blend(version: IndexVersion, rows: np.ndarray, scores: np.ndarray,
               query: np.ndarray, weight: float) -> np.ndarray:
    """The sentence weighting as IndexVersion.search did it before: one row at a time."""
    out = np.empty_like(scores)
    for i, (row, s) in enumerate(zip(rows, scores, strict=True)):
        best = float((version.sentences_of(int(row)) @ query).max(initial=float(s)))
        out[i] = (s + weight * best) / (1 + weight)
    return out


def loop_nearest(version: IndexVersion, query: np.ndarray) -> None:
    for lang in version.languages:
        rows, scores = version.search_group(lang, query, PER_LANGUAGE)
        loop_blend(version, rows, scores, query, 1.0)


def noisy(vectors: np.ndarray, copies: int, noise: float, rng: np.random.Generator
          ) -> np.ndarray:
    """`copies` noisy copies of every vector, copy after copy, unit length."""
    out = np.empty((copies * len(vectors), vectors.shape[1]), np.float32)
    for c in range(copies):
        block = vectors + rng.normal(0.0, noise, vectors.shape).astype(np.float32)
        out[c * len(vectors):(c + 1) * len(vectors)] = \
            block / np.linalg.norm(block, axis=1, keepdims=True)
    return out


def synthetic(version: IndexVersion, passages: int, noise: float) -> IndexVersion:
    """The bundled version copied with noise until it holds at least `passages` passages."""
    rng = np.random.default_rng(13)
    copies = -(-passages // len(version.passages))
    articles: dict[str, Article] = {}
    records: list[Passage] = []
    texts = version.texts(version.article_ids)
    base = list(version.passages)
    for c in range(copies):
        for a in texts.values():
            articles[f"{a.id}~{c}"] = a.model_copy(update={"id": f"{a.id}~{c}"})
        records += [p.model_copy(update={"article_id": f"{p.article_id}~{c}"}) for p in base]
    return IndexVersion.in_memory(version.manifest, articles, records,
                        noisy(version.vectors, copies, noise, rng),
                        noisy(version.sentence_vectors, copies, noise, rng), version.offsets)


def medians_ms(steps: dict[str, Callable[[np.ndarray], object]],
               queries: np.ndarray) -> dict[str, float]:
    """Median ms of each step per question; the steps take turns on each question, so a
    change in the machine's load falls on all of them alike."""
    for step in steps.values():
        for q in queries[:10]:  # warm-up: page in the vectors and the FAISS data
            step(q)
    times: dict[str, list[float]] = {name: [] for name in steps}
    for q in queries:
        for name, step in steps.items():
            t0 = time.perf_counter()
            step(q)
            times[name].append(time.perf_counter() - t0)
    return {name: statistics.median(t) * 1000 for name, t in times.items()}


def report(name: str, version: IndexVersion, queries: np.ndarray) -> None:
    ms = medians_ms({
        "plain": lambda q: nearest(version, q, PER_LANGUAGE, Weights()),
        "sentence-weighted": lambda q: nearest(version, q, PER_LANGUAGE, Weights(sentence=1.0)),
        "per-row loop, before": lambda q: loop_nearest(version, q),
    }, queries)
    print(f"{name}: {len(version.passages):,} passages, {len(version.sentence_vectors):,} "
          f"sentences, {len(version.languages)} languages; median ms per question over "
          f"{len(queries)} questions", flush=True)
    for step, value in ms.items():
        print(f"  {step:22} {value:8.2f} ms = {value / ms['plain']:.2f}x plain", flush=True)


def bundled(home: Path | None, scratch: Path) -> Desk:
    settings = BotSettings(home=home or scratch) if home else BotSettings(home=scratch)
    desk = Desk(settings)
    try:
        desk.store.load()
    except IndexMissing:
        print("indexing the bundled sample corpus in a scratch home first", flush=True)
        desk.ingest([SAMPLE_DIR])
        desk.reindex()
    return desk


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--home", type=Path, help="a data home whose index to search "
                    "(default: the sample corpus indexed in a scratch home)")
    ap.add_argument("--passages", type=int, default=100_000)
    ap.add_argument("--noise", type=float, default=0.017)
    args = ap.parse_args()
    with tempfile.TemporaryDirectory(prefix="newsdesk-bench-") as scratch:
        desk = bundled(args.home, Path(scratch))
        version = desk.store.load()
        questions = [json.loads(x)["question"] for x in QUESTIONS.read_text().splitlines()]
        queries = desk.embedder.queries(questions)
        report("bundled", version, queries)
        big = synthetic(version, args.passages, args.noise)
        cosine = float(np.median(np.sum(big.vectors[len(version.passages):2 * len(
            version.passages)] * version.vectors, axis=1)))
        report(f"synthetic (bundled vectors + noise {args.noise}, median cosine to the "
               f"original {cosine:.3f})", big, queries)


if __name__ == "__main__":
    main()
