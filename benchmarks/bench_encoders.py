"""The encoders side by side on the same model folder: speed, agreement, retrieval quality.

    .venv/bin/python benchmarks/bench_encoders.py [--xquad ../shared/data/xquad]
        [--encoders torch,torch-bf16,onnx,onnx-int8] [--rounds 3] [--threads 1]

For each encoder (NEWSDESK_ENCODER values) prints, in one run so the ratios share
the machine's load:
- passages/s and CPU ms per passage over the bundled corpus's passage texts
  (what `newsdesk index` embeds first), rounds interleaved across encoders;
- query latency (median ms of one question encoded alone, the sample questions);
- cosine of its passage and query vectors against torch float32 (min, mean);
- with --xquad: R@1 of English questions against the German paragraphs and
  against the mixed 12-language pool (paragraph i in language i mod 12), bare
  encode + exact inner product. XQuAD is test data: this measures, it tunes nothing.
"""

from __future__ import annotations

import argparse
import json
import statistics
import time
from pathlib import Path

import numpy as np
from xquad_plain import load as xquad  # the paragraphs and questions, read one way

from bot.desk import SAMPLE_DIR
from corpus.chunker import chunk
from corpus.models import Article
from corpus.sources.folder import load_paths
from index.embedder import Embedder
from index.passage_text import passage_input
from index.settings import IndexSettings, default_model_cache

QUESTIONS = Path(__file__).parent.parent / "eval" / "sample_questions.jsonl"
MIXED = ["ar", "de", "el", "en", "es", "hi", "ro", "ru", "th", "tr", "vi", "zh"]


def sample_passages() -> list[str]:
    articles = [a for a in load_paths([SAMPLE_DIR], 20_000_000) if isinstance(a, Article)]
    return [passage_input(a, p) for a in articles for p in chunk(a)]


def r_at_1(passages: np.ndarray, queries: np.ndarray, gold: np.ndarray) -> float:
    return float(((queries @ passages.T).argmax(axis=1) == gold).mean())


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--encoders", default="torch,torch-bf16,onnx,onnx-int8")
    ap.add_argument("--xquad", type=Path, help="the XQuAD folder (xquad.en.json, …)")
    ap.add_argument("--rounds", type=int, default=3)
    ap.add_argument("--threads", type=int, default=1)
    ap.add_argument("--limit", type=int, default=0, help="at most this many passages")
    args = ap.parse_args()
    names = args.encoders.split(",")
    embedders = {}
    for name in names:
        t0 = time.perf_counter()
        embedders[name] = Embedder(IndexSettings(encoder=name, threads=args.threads,
                                                 model_cache=default_model_cache(),
                                                 _env_file=None)).load()
        print(f"{name}: loaded in {time.perf_counter() - t0:.1f} s", flush=True)

    texts = sample_passages()
    texts = texts[:args.limit] if args.limit else texts
    questions = [json.loads(x)["question"] for x in QUESTIONS.read_text().splitlines()]
    wall = dict.fromkeys(names, 0.0)
    cpu = dict.fromkeys(names, 0.0)
    vectors: dict[str, np.ndarray] = {}
    for _ in range(args.rounds):  # interleaved: every encoder sees the same load
        for name, embedder in embedders.items():
            t0, c0 = time.perf_counter(), time.process_time()
            vectors[name] = embedder.passages(texts)
            wall[name] += time.perf_counter() - t0
            cpu[name] += time.process_time() - c0
    latency: dict[str, list[float]] = {name: [] for name in names}
    query_vectors: dict[str, list[np.ndarray]] = {name: [] for name in names}
    for q in questions:
        for name, embedder in embedders.items():
            t0 = time.perf_counter()
            query_vectors[name].append(embedder.queries([q])[0])
            latency[name].append(time.perf_counter() - t0)

    reference = names[0]
    n = len(texts) * args.rounds
    print(f"\n{len(texts)} passages x {args.rounds} rounds, {len(questions)} questions, "
          f"{args.threads} thread(s); ratios against {reference}")
    print(f"{'encoder':12} {'passages/s':>10} {'x':>6} {'CPU ms/p':>9} {'x less':>7} "
          f"{'query ms':>9} {'cos min':>8} {'cos mean':>9}")
    ref_q = np.stack(query_vectors[reference])
    for name in names:
        cos = np.concatenate([(vectors[name] * vectors[reference]).sum(axis=1),
                              (np.stack(query_vectors[name]) * ref_q).sum(axis=1)])
        print(f"{name:12} {n / wall[name]:10.1f} {wall[reference] / wall[name]:6.2f} "
              f"{1000 * cpu[name] / n:9.1f} {cpu[reference] / cpu[name]:7.2f} "
              f"{1000 * statistics.median(latency[name]):9.1f} {cos.min():8.5f} "
              f"{cos.mean():9.5f}", flush=True)

    if args.xquad:
        _, qa = xquad(args.xquad, "en")
        gold = np.array([i for _, i in qa])
        de, _ = xquad(args.xquad, "de")
        by_lang = {lang: xquad(args.xquad, lang)[0] for lang in MIXED}
        mixed = [by_lang[MIXED[i % len(MIXED)]][i] for i in range(len(de))]
        print("\nXQuAD, English questions, bare encode + exact search")
        print(f"{'encoder':12} {'R@1 en→de':>10} {'R@1 mixed':>10}")
        for name, embedder in embedders.items():
            q = embedder.queries([x for x, _ in qa])
            print(f"{name:12} {r_at_1(embedder.passages(de), q, gold):10.4f} "
                  f"{r_at_1(embedder.passages(mixed), q, gold):10.4f}", flush=True)


if __name__ == "__main__":
    main()
