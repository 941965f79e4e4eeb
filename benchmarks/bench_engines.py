"""Qdrant (qdrant-client local mode) against Milvus (milvus-lite), beside FAISS exact search.

Issue 13 asks for a second store backend on a distributed engine whose embedded form runs
here. This measures both on the project's own vectors: build time, per-query time with a
language filter (what the retriever asks: each language's best passages), and agreement of
the top 10 with FAISS exact search. Real e5 vectors of the bundled corpus; `--scale N` adds
N noisy copies (real vector + Gaussian noise, renormalised) to see how each grows.

    .venv/bin/python benchmarks/bench_engines.py --home ~/.local/share/newsdesk --scale 20000
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

from corpus.settings import default_home
from index.store import IndexStore

K = 10


def _data(home: Path, scale: int) -> tuple[np.ndarray, list[str], np.ndarray, list[str]]:
    version = IndexStore(home / "index").load()
    vectors = np.asarray(version.vectors, np.float32)
    languages = list(version.row_language)
    rng = np.random.default_rng(0)
    if scale:
        picks = rng.integers(0, len(vectors), scale)
        noisy = vectors[picks] + rng.normal(0, 0.03, (scale, vectors.shape[1])).astype(np.float32)
        noisy /= np.linalg.norm(noisy, axis=1, keepdims=True)
        vectors = np.vstack([vectors, noisy])
        languages += [languages[i] for i in picks]
    questions = [json.loads(line)["question"] for line in
                 Path("eval/sample_questions.jsonl").read_text("utf-8").splitlines() if line]
    from index.embedder import Embedder
    from index.settings import IndexSettings
    queries = Embedder(IndexSettings(home=home)).queries(questions[:60])
    query_languages = [languages[int(np.argmax(vectors @ q))] for q in queries]
    return vectors, languages, queries, query_languages


def _exact(vectors: np.ndarray, languages: list[str], queries: np.ndarray,
           query_languages: list[str]) -> list[list[int]]:
    out = []
    for q, lang in zip(queries, query_languages, strict=True):
        rows = np.array([i for i, la in enumerate(languages) if la == lang])
        index = faiss.IndexFlatIP(vectors.shape[1])
        index.add(vectors[rows])
        _, found = index.search(q[None, :], K)
        out.append([int(rows[i]) for i in found[0] if i >= 0])
    return out


def _qdrant(vectors: np.ndarray, languages: list[str], queries: np.ndarray,
            query_languages: list[str], folder: Path) -> tuple[float, list[float], list[list[int]]]:
    from qdrant_client import QdrantClient, models

    client = QdrantClient(path=str(folder / "qdrant"))
    start = time.perf_counter()
    client.create_collection("passages", vectors_config=models.VectorParams(
        size=vectors.shape[1], distance=models.Distance.DOT))
    client.create_payload_index("passages", "language", models.PayloadSchemaType.KEYWORD)
    for i in range(0, len(vectors), 2048):
        client.upsert("passages", models.Batch(
            ids=list(range(i, min(i + 2048, len(vectors)))),
            vectors=vectors[i:i + 2048].tolist(),
            payloads=[{"language": la} for la in languages[i:i + 2048]]))
    build = time.perf_counter() - start
    times, found = [], []
    for q, lang in zip(queries, query_languages, strict=True):
        t = time.perf_counter()
        only = models.Filter(must=[models.FieldCondition(
            key="language", match=models.MatchValue(value=lang))])
        hits = client.query_points("passages", query=q.tolist(), limit=K, query_filter=only)
        times.append((time.perf_counter() - t) * 1000)
        found.append([int(p.id) for p in hits.points])
    client.close()
    return build, times, found


def _milvus(vectors: np.ndarray, languages: list[str], queries: np.ndarray,
            query_languages: list[str], folder: Path) -> tuple[float, list[float], list[list[int]]]:
    from pymilvus import DataType, MilvusClient

    client = MilvusClient(str(folder / "milvus.db"))
    start = time.perf_counter()
    schema = client.create_schema(auto_id=False)
    schema.add_field("id", DataType.INT64, is_primary=True)
    schema.add_field("vector", DataType.FLOAT_VECTOR, dim=vectors.shape[1])
    schema.add_field("language", DataType.VARCHAR, max_length=8)
    index = client.prepare_index_params()
    index.add_index("vector", index_type="FLAT", metric_type="IP")
    client.create_collection("passages", schema=schema, index_params=index)
    for i in range(0, len(vectors), 2048):
        client.insert("passages", [
            {"id": j, "vector": vectors[j].tolist(), "language": languages[j]}
            for j in range(i, min(i + 2048, len(vectors)))])
    client.flush("passages")
    client.load_collection("passages")
    build = time.perf_counter() - start
    times, found = [], []
    for q, lang in zip(queries, query_languages, strict=True):
        t = time.perf_counter()
        hits = client.search("passages", data=[q.tolist()], limit=K,
                             filter=f'language == "{lang}"', search_params={"metric_type": "IP"})
        times.append((time.perf_counter() - t) * 1000)
        found.append([int(h["id"]) for h in hits[0]])
    client.close()
    return build, times, found


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--home", type=Path, default=default_home())
    parser.add_argument("--scale", type=int, default=0)
    args = parser.parse_args()
    vectors, languages, queries, query_languages = _data(args.home, args.scale)
    exact = _exact(vectors, languages, queries, query_languages)
    print(f"{len(vectors)} vectors, {len(queries)} queries, top {K} within the query's language")
    for name, run in (("qdrant local", _qdrant), ("milvus-lite", _milvus)):
        with tempfile.TemporaryDirectory() as folder:
            try:
                build, times, found = run(vectors, languages, queries, query_languages,
                                          Path(folder))
            except Exception as exc:  # a benchmark reports a broken engine and goes on
                print(f"{name:13s} failed: {exc.__class__.__name__}: {exc}")
                continue
        agree = statistics.mean(len(set(f) & set(e)) / max(len(e), 1)
                                for f, e in zip(found, exact, strict=True))
        print(f"{name:13s} build {build:6.2f} s   query p50 {statistics.median(times):7.2f} ms"
              f"   p95 {sorted(times)[int(0.95 * len(times))]:7.2f} ms"
              f"   top-{K} = exact: {agree:.3f}")


if __name__ == "__main__":
    main()
