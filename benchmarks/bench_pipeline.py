"""Throughput and latency of newsdesk against the bare model and bare FAISS.

    .venv/bin/python benchmarks/bench_pipeline.py [FOLDER] [--repeat N]

FOLDER defaults to the bundled sample corpus. Prints:
- ingest+index passages/s (loading, chunking, embedding passages and sentences,
  publishing) against bare `model.encode` of the same passage texts;
- median latency of `Desk.ask` against a bare query encode + bare FAISS search.
"""

from __future__ import annotations

import argparse
import json
import statistics
import tempfile
import time
from pathlib import Path

import faiss
import numpy as np

from bot.desk import SAMPLE_DIR, Desk
from bot.settings import BotSettings
from corpus.chunker import chunk
from index.embedder import Embedder
from index.passage_text import passage_input
from index.settings import IndexSettings, default_model_cache

QUESTIONS = Path(__file__).parent.parent / "eval" / "sample_questions.jsonl"


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("folder", nargs="?", default=str(SAMPLE_DIR))
    ap.add_argument("--repeat", type=int, default=3)
    args = ap.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        settings = BotSettings(home=Path(tmp), model_cache=default_model_cache())
        desk = Desk(settings)
        desk.embedder.load()  # load the model outside the timings
        bare_model = Embedder(IndexSettings(encoder="torch", model_cache=settings.model_cache,
                                            _env_file=None)).model  # the reference
        desk.reindex()  # warm-up on an empty catalogue (also caches language means)

        t0 = time.perf_counter()
        report = desk.ingest([Path(args.folder)])
        stats = desk.reindex()
        pipeline_s = time.perf_counter() - t0
        n = stats.passages_embedded

        articles = list(desk.catalogue.articles())
        texts = [passage_input(a, p) for a in articles for p in chunk(a)]
        bare = []
        for _ in range(args.repeat):
            t0 = time.perf_counter()
            vectors = bare_model.encode(texts, prompt_name="passage",
                                            normalize_embeddings=True, batch_size=16)
            bare.append(time.perf_counter() - t0)
        bare_s = min(bare)

        questions = [json.loads(x)["question"] for x in QUESTIONS.read_text().splitlines()]
        flat = faiss.IndexFlatIP(vectors.shape[1])
        flat.add(np.asarray(vectors, np.float32))
        ours, plain = [], []
        desk.ask(questions[0])  # warm-up
        for q in questions:
            t0 = time.perf_counter()
            desk.ask(q)
            ours.append(time.perf_counter() - t0)
            t0 = time.perf_counter()
            qv = bare_model.encode([q], prompt_name="query", normalize_embeddings=True)
            flat.search(np.asarray(qv, np.float32), 10)
            plain.append(time.perf_counter() - t0)

    print(f"corpus: {len(articles)} articles ({report.added} ingested), {n} passages, "
          f"{stats.sentences_embedded} sentences")
    print(f"ingest+index: {pipeline_s:.1f} s = {n / pipeline_s:.1f} passages/s "
          f"(passages and sentence vectors)")
    print(f"bare model.encode of the same passages: {bare_s:.1f} s = {n / bare_s:.1f} passages/s "
          f"(best of {args.repeat})")
    print(f"query latency median over {len(questions)} questions: newsdesk ask "
          f"{statistics.median(ours) * 1000:.1f} ms, bare encode + bare FAISS search "
          f"{statistics.median(plain) * 1000:.1f} ms")


if __name__ == "__main__":
    main()
