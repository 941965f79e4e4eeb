"""A million 384-d passage vectors on this machine: the index type by size, its recall, its
speed, and what a cold start costs.

    .venv/bin/python benchmarks/bench_million.py [--home HOME] [--work DIR] [--n 1000000]
        [--noise 0.02] [--skip-exact-curve] [--skip-store]

The data (benchmarks/million_data.py says it in full and the script prints it): real e5
vectors of a few thousand distinct texts (the bundled index's passages and sentences, PIAF
paragraphs and sentences) mixed pairwise with noise up to `--n` vectors; queries are real e5
query vectors of the bundled questions and of PIAF questions. XQuAD is not read.

It prints:
1. exact search (IndexFlatIP) ms per query against the group size: where it stops being
   ≤ ~10 ms, which sets index/ann.py's EXACT_LIMIT;
2. the IVF index over all `--n` vectors: build time (train + add), then for each nprobe
   recall@10 against exact search and p50/p95 ms per query, unfiltered and under an
   `allowed` filter admitting 10 % and 1 % of the rows (through `ann.search`, the call
   the store makes): what sets NPROBE;
3. the same `--n` vectors published as a real segment (IndexStore.publish: passages of
   copies of the bundled articles, per-language FAISS groups persisted), then in a cold
   process: start-up to the first answer of `Desk.ask` and where the time goes, the
   end-to-end query p50 through `Retriever.search` (query embedding + FAISS + sentence
   weighting + ranking) and the process's RSS.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

import faiss
import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from benchmarks.bench_search import bundled  # noqa: E402
from benchmarks.million_data import Base, mixtures, real_base  # noqa: E402
from index import ann  # noqa: E402
from index.store import IndexVersion  # noqa: E402
from index.vector_cache import VectorCache  # noqa: E402

K = 10
NPROBES = (8, 16, 32, 64, 96, 128, 160, 192, 256)
FILTERS = (0.10, 0.01)  # fractions of rows an `allowed` mask admits


def rss_mb() -> float:
    with open("/proc/self/status") as f:
        return int(next(x for x in f if x.startswith("VmRSS")).split()[1]) / 1024


def peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


CPU: list[float] = []  # CPU ms of each step timed last, beside its wall-clock ms


def timed_ms(step: Callable[[np.ndarray], object], queries: np.ndarray) -> list[float]:
    """Wall-clock ms per query; the thread's CPU ms land in CPU (what a quiet machine would
    see: this one is shared, its load average is printed)."""
    for q in queries[:5]:  # warm-up: page the index in
        step(q)
    out = []
    CPU.clear()
    for q in queries:
        t0, c0 = time.perf_counter(), time.thread_time()
        step(q)
        out.append((time.perf_counter() - t0) * 1000)
        CPU.append((time.thread_time() - c0) * 1000)
    return out


def p50_p95(ms: list[float]) -> str:
    return (f"p50 {statistics.median(ms):6.2f} ms, p95 {float(np.percentile(ms, 95)):6.2f} ms "
            f"(CPU p50 {statistics.median(CPU):6.2f} ms)")


def exact_curve(base: Base, noise: float) -> None:
    print("\n1. exact search (IndexFlatIP), one query at a time, by group size:", flush=True)
    queries = base.queries[:200]
    for n in (25_000, 50_000, 100_000, 200_000, 400_000):
        vectors, _ = mixtures(base, n, noise, seed=n)
        index = ann.build(vectors, limit=n)
        everything = np.ones(n, bool)
        ms = timed_ms(lambda q, i=index, e=everything, v=vectors: ann.search(
            i, q.reshape(1, -1), K, e), queries)
        print(f"  {n:>9,} vectors: {p50_p95(ms)}", flush=True)
        del index, vectors


def truth(vectors: np.ndarray, queries: np.ndarray, allowed: np.ndarray | None) -> np.ndarray:
    """Exact top-K ids (in batches: BLAS makes the ground truth cheap)."""
    index = faiss.IndexFlatIP(vectors.shape[1])
    if allowed is None:
        index.add(vectors)
        return index.search(queries, K)[1]
    ids = np.flatnonzero(allowed)
    index.add(vectors[ids])
    return ids[index.search(queries, K)[1]]


def recall(found: list[np.ndarray], exact: np.ndarray) -> float:
    return float(np.mean([len(set(f.tolist()) & set(e.tolist())) / K
                          for f, e in zip(found, exact, strict=True)]))


def built_ivf(vectors: np.ndarray, saved: Path) -> tuple[faiss.Index, float]:
    """The IVF index of `vectors` and its build time, kept in `saved` across runs of the
    same data (a 1M build takes minutes here); a rerun reads it and reports the first
    run's build time."""
    meta = saved.with_suffix(".json")
    if saved.exists() and meta.exists():
        return faiss.read_index(str(saved)), float(json.loads(meta.read_text())["build_s"])
    t0 = time.perf_counter()
    index = ann.build(vectors, limit=0)
    built = time.perf_counter() - t0
    faiss.write_index(index, str(saved))
    meta.write_text(json.dumps({"build_s": built}))
    return index, built


def ivf_curve(vectors: np.ndarray, queries: np.ndarray, saved: Path,
              nprobes: list[int]) -> dict[str, float]:
    n = len(vectors)
    print(f"\n2. IVF (IndexIVFFlat, nlist {ann.lists_for(n)} = 4·√n) over {n:,} vectors, "
          f"{len(queries)} real queries:", flush=True)
    index, built = built_ivf(vectors, saved)
    print(f"  build (train on {min(n, ann.TRAIN_PER_LIST * ann.lists_for(n)):,} + add): "
          f"{built:.1f} s; RSS {rss_mb():,.0f} MB", flush=True)
    flat = faiss.IndexFlatIP(vectors.shape[1])
    flat.add(vectors)
    everything = np.ones(n, bool)
    exact_ms = timed_ms(lambda q, f=flat: ann.search(f, q.reshape(1, -1), K, everything),
                        queries[:100])
    print(f"  exact over all {n:,}: {p50_p95(exact_ms)}", flush=True)
    del flat
    rng = np.random.default_rng(7)
    masks: dict[str, np.ndarray | None] = {"unfiltered": None}
    for fraction in FILTERS:
        masks[f"filter {fraction:.0%}"] = rng.random(n) < fraction
    exact = {name: truth(vectors, queries, mask) for name, mask in masks.items()}
    ivf = faiss.downcast_index(index)
    chosen: dict[str, float] = {"build_s": built}
    for nprobe in nprobes:
        ivf.nprobe = nprobe
        parts = []
        for name, mask in masks.items():
            ok = np.ones(n, bool) if mask is None else mask
            found: list[np.ndarray] = []

            def step(q: np.ndarray, ok: np.ndarray = ok, found: list = found) -> None:
                found.append(ann.search(index, q.reshape(1, -1), K, ok)[1])
            ms = timed_ms(step, queries)
            r = recall(found[5:], exact[name])
            parts.append(f"{name} R@10 {r:.3f} {p50_p95(ms)}")
            if nprobe == ann.NPROBE:
                chosen[f"{name} recall"] = r
                chosen[f"{name} p50"] = statistics.median(ms)
        marker = "  <- NPROBE" if nprobe == ann.NPROBE else ""
        print(f"  nprobe {nprobe:>3}: " + " | ".join(parts) + marker, flush=True)
    return chosen


def hnsw_against_ivf(base: Base, n: int, noise: float) -> None:
    """HNSW32 (what FAISS segments used above 200k) against IVF on the same `n` vectors:
    build time and recall@10, briefly (an HNSW build at 1M would take hours here)."""
    vectors, _ = mixtures(base, n, noise, seed=3)
    queries = base.queries
    exact = truth(vectors, queries, None)
    print(f"\n2b. HNSW32 against IVF, {n:,} vectors:", flush=True)
    t0 = time.perf_counter()
    hnsw = faiss.IndexHNSWFlat(vectors.shape[1], 32, faiss.METRIC_INNER_PRODUCT)
    hnsw.add(vectors)
    print(f"  HNSW32 build {time.perf_counter() - t0:.1f} s", flush=True)
    for ef in (64, 128):
        hnsw.hnsw.efSearch = ef
        found: list[np.ndarray] = []
        faiss.omp_set_num_threads(1)
        ms = timed_ms(lambda q, f=found: f.append(hnsw.search(q.reshape(1, -1), K)[1][0]),
                      queries)
        faiss.omp_set_num_threads(os.cpu_count() or 1)
        print(f"  HNSW32 efSearch {ef}: R@10 {recall(found[5:], exact):.3f} {p50_p95(ms)}",
              flush=True)
    t0 = time.perf_counter()
    ivf = ann.build(vectors, limit=0)
    print(f"  IVF build {time.perf_counter() - t0:.1f} s (nlist {ann.lists_for(n)})", flush=True)
    found = []
    everything = np.ones(n, bool)
    ms = timed_ms(lambda q: found.append(ann.search(ivf, q.reshape(1, -1), K, everything)[1]),
                  queries)
    print(f"  IVF nprobe {faiss.downcast_index(ivf).nprobe}: R@10 {recall(found[5:], exact):.3f} "
          f"{p50_p95(ms)}", flush=True)


def index_part(base: Base, args: argparse.Namespace) -> None:
    vectors, _ = mixtures(base, args.n, args.noise)
    nearest = np.sort(vectors[:2000] @ base.vectors.T, axis=1)[:, -1]
    print(f"  a mixed vector's cosine to its nearest real vector: median "
          f"{float(np.median(nearest)):.3f}", flush=True)
    saved = args.work / f"ivf-{args.n}-{args.noise}-{ann.lists_for(args.n)}.index"
    chosen = ivf_curve(vectors, base.queries, saved, args.nprobes)
    if args.hnsw:
        hnsw_against_ivf(base, args.hnsw, args.noise)
    print(json.dumps({"chosen": {"nprobe": ann.NPROBE, **chosen}}), flush=True)


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--home", type=Path, help="a data home with the bundled index "
                    "(default: the sample corpus indexed in a scratch home)")
    ap.add_argument("--work", type=Path, default=Path(tempfile.gettempdir()) / "newsdesk-million",
                    help="holds the embedding cache of the PIAF texts and the 1M-vector home")
    ap.add_argument("--n", type=int, default=1_000_000)
    ap.add_argument("--noise", type=float, default=0.02)
    ap.add_argument("--skip-exact-curve", action="store_true")
    ap.add_argument("--nprobes", type=int, nargs="+", default=list(NPROBES),
                    help="the nprobe values of the recall curve")
    ap.add_argument("--hnsw", type=int, default=20_000,
                    help="vectors of the brief HNSW-against-IVF comparison (0: skip it)")
    ap.add_argument("--skip-store", action="store_true", help="skip part 3")
    ap.add_argument("--only-store", action="store_true", help="part 3 only")
    ap.add_argument("--probes", type=int, choices=(1, 2), default=2,
                    help="cold processes of part 3 (1: only the one with stamps trusted)")
    args = ap.parse_args()
    args.work.mkdir(parents=True, exist_ok=True)
    print(f"faiss {faiss.__version__}, {faiss.omp_get_max_threads()} threads, "
          f"{os.cpu_count()} cores, load average {os.getloadavg()[0]:.1f} (a shared "
          f"machine: CPU ms per query is the figure a quiet one would see)", flush=True)
    with tempfile.TemporaryDirectory(prefix="newsdesk-bench-") as scratch:
        desk = bundled(args.home, Path(scratch))
        version: IndexVersion = desk.store.load()
        base = real_base(version, desk.embedder, VectorCache(args.work / "vectors.sqlite3"))
        print(f"data: {base.described}; mixed pairwise with noise sd {args.noise} "
              f"(benchmarks/million_data.py)", flush=True)
        if not args.skip_exact_curve and not args.only_store:
            exact_curve(base, args.noise)
        if not args.only_store:
            index_part(base, args)
        if not args.skip_store:
            from benchmarks.million_store import store_part
            store_part(desk, version, base, args)
        print(f"peak RSS of this process {peak_mb():,.0f} MB", flush=True)


if __name__ == "__main__":
    main()
