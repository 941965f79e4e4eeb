"""FAISS against the Milvus store (milvus-lite) behind the same retriever: same hits?

Both backends serve the same published vectors (the FAISS version is copied into Milvus,
so the figures compare the stores, not two embedding runs). Prints, per backend:
- the bundled corpus (eval/sample_questions.jsonl): R@1, R@5, the top-5 article overlap
  with FAISS, how many questions get the same hits, and the median ms per question;
- XQuAD en→de (optional, a TEST set: measured only, nothing is tuned on it): R@1, R@5.
Target (issue 13): Milvus within 1 point of FAISS.

    .venv/bin/python benchmarks/bench_milvus.py [../shared/data/xquad]
"""

from __future__ import annotations

import argparse
import statistics
import tempfile
import time
from pathlib import Path

import numpy as np

from bot.desk import SAMPLE_DIR, Desk
from bot.evaluation import Question, figures, read_jsonl, run, squad_corpus, temporary_desk
from bot.settings import BotSettings
from index.milvus import MilvusStore
from index.settings import default_model_cache
from index.store import IndexStore

EVAL = Path(__file__).resolve().parent.parent / "eval" / "sample_questions.jsonl"


def milvus_twin(desk: Desk, folder: Path) -> Desk:
    """A Desk on milvus-lite serving exactly the vectors `desk`'s FAISS index holds."""
    store = desk.store
    assert isinstance(store, IndexStore)
    version = store.load()
    with np.load(store.root / version.name / "languages.npz", allow_pickle=False) as data:
        languages, means = [str(x) for x in data["languages"]], data["means"]
    settings = desk.settings.model_copy(update={"home": folder, "store": "milvus",
                                                "milvus_uri": ""})
    twin = Desk(settings, embedder=desk.embedder)
    assert isinstance(twin.store, MilvusStore)
    started = time.perf_counter()
    twin.store.publish(model=version.manifest.model, recipe=version.manifest.recipe,
                       articles=list(version.texts(version.article_ids).values()),
                       passages=list(version.passages),
                       vectors=version.vectors, sentence_vectors=version.sentence_vectors,
                       languages=languages, language_means=means)
    print(f"  milvus-lite publish of {len(version.passages)} passages, "
          f"{len(version.sentence_vectors)} sentences: {time.perf_counter() - started:.1f} s")
    return twin


def compare(label: str, faiss: Desk, milvus: Desk, questions: list[Question]) -> None:
    """R@1 and R@5 of each backend, and how alike their ranked articles are."""
    results = {}
    for name, desk in (("faiss", faiss), ("milvus", milvus)):
        desk.ask("warm-up")
        times: list[float] = []

        def timed(_: object, times: list[float] = times) -> None:
            times.append(time.perf_counter())

        started = time.perf_counter()
        outcomes = run(desk, questions, on_each=timed)
        gaps = np.diff([started, *times]) * 1000
        results[name] = (outcomes, figures(outcomes), float(statistics.median(gaps)))
    base = results["faiss"][0]
    print(f"== {label}: {len(questions)} questions")
    for name, (outcomes, figs, ms) in results.items():
        overlap = statistics.mean(
            len(set(a.ranked[:5]) & set(b.ranked[:5])) / max(len(b.ranked[:5]), 1)
            for a, b in zip(outcomes, base, strict=True))
        same = sum(a.ranked == b.ranked for a, b in zip(outcomes, base, strict=True))
        print(f"  {name:7s} R@1 {figs.r1:.3f}  R@5 {figs.r5:.3f}  top-5 overlap with faiss "
              f"{overlap:.3f}  same ranking {same}/{len(questions)}  ask p50 {ms:.0f} ms")
    gap = abs((results["milvus"][1].r1 or 0) - (results["faiss"][1].r1 or 0)) * 100
    print(f"  R@1 gap {gap:.1f} points (target: within 1)")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("xquad", nargs="?", type=Path,
                        help="folder holding xquad.en.json and xquad.de.json (test data)")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="bench-milvus-") as tmp:
        root = Path(tmp)
        settings = BotSettings(home=root / "faiss", model_cache=default_model_cache(),
                               _env_file=None)
        faiss = Desk(settings)
        faiss.ingest([SAMPLE_DIR])
        faiss.reindex()
        milvus = milvus_twin(faiss, root / "milvus")
        compare("bundled corpus", faiss, milvus, read_jsonl(EVAL, {}))
        if args.xquad:
            articles, questions = squad_corpus(args.xquad / "xquad.en.json", ["de"])
            scratch, folder = temporary_desk(faiss, articles)
            with folder:
                scratch.reindex()
                twin = milvus_twin(scratch, root / "milvus-xquad")
                compare("XQuAD en→de", scratch, twin, questions)


if __name__ == "__main__":
    main()
