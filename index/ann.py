"""Which FAISS index a segment's language group gets, and how it is searched.

Exact inner product (IndexFlatIP) up to EXACT_LIMIT vectors; above, an inverted file
(IndexIVFFlat, nlist ≈ 4·√n) searched with NPROBE lists. Both numbers were measured on
this 2-core machine (shared, load average ~8) by benchmarks/bench_million.py, on mixtures
of real e5 vectors searched with real e5 queries (753: bundled and PIAF questions):

- exact search, one query, one thread: 25k vectors 2.4 ms CPU (6.4 ms wall), 50k 4.8 ms
  (12.7 ms wall), 100k 9.0 ms (21.5 ms wall), 200k 15.2 ms (39.5 ms wall). A question
  searches every language group of every segment, and a size tier may hold up to seven
  segments just under the limit, so the limit sits where one group stays ≤ ~13 ms wall
  here: 50k.
- IVF over 1M vectors (nlist 4000): recall@10 against exact 0.831 at nprobe 8, 0.901 at 32,
  0.941 at 96, 0.951 at 128, 0.957 at 160, 0.962 at 192 (5.0 ms CPU, 9.3 ms wall p50),
  where exact search costs 73 ms CPU. NPROBE = 192 keeps ≥ 0.95 with a margin; smaller
  groups have fewer lists, so the same nprobe covers more of them and recalls more.

IVF and not HNSW: on 2 cores an HNSW32 build took 16 s for 20k vectors against 5.7 s for
IVF (and ~300 s per 100k, hours at 1M); the 1M IVF build took 299–527 s on this loaded
machine. The index is built once, when a segment is written or merged, and persisted with
its nprobe: a load reads (memory-maps) it, never rebuilds it.

A filter admits a fraction of a group's rows; IVF then visits proportionally more lists
(the expected count of admitted rows scanned stays what an unfiltered search scans, up to
every list: exact). A row the filter does not admit costs one bit test, not a distance:
at 1M, a 10 % filter recalls 0.997 (20 ms CPU), a 1 % filter 1.000 (11 ms CPU).
"""

from __future__ import annotations

import math
import os
from collections.abc import Callable
from pathlib import Path

import faiss
import numpy as np

EXACT_LIMIT = 50_000  # vectors per language group searched exactly (measured: see above)
NPROBE = 192  # lists an IVF search visits (measured: see above); persisted in each index
TRAIN_PER_LIST = 48  # k-means training points per list (FAISS asks for at least 39)
_LIMIT_ENV = "NEWSDESK_EXACT_LIMIT"  # tests and benchmarks lower the limit with it

Scored = tuple[np.ndarray, np.ndarray]  # (scores, positions in the index), nearest first


def exact_limit() -> int:
    """EXACT_LIMIT, or NEWSDESK_EXACT_LIMIT when set (what lets a test build an IVF index
    from a few thousand vectors)."""
    raw = os.environ.get(_LIMIT_ENV, "").strip()
    return int(raw) if raw else EXACT_LIMIT


def lists_for(n: int) -> int:
    """nlist ≈ 4·√n, the usual balance of coarse search against list scanning; fewer for a
    small group, so k-means has the 39 training points per list FAISS asks for."""
    return max(1, min(round(4 * math.sqrt(n)), n // 39))


def build(vectors: np.ndarray, limit: int | None = None,
          nprobe: int | None = None) -> faiss.Index:
    """Exact inner product up to `limit` vectors (default: exact_limit()), IVF above it,
    searched with `nprobe` lists (default: NPROBE)."""
    dim = vectors.shape[1] if vectors.ndim == 2 and vectors.shape[1] else 1
    data = np.ascontiguousarray(vectors, dtype=np.float32)
    if len(data) <= (exact_limit() if limit is None else limit):
        index = faiss.IndexFlatIP(dim)
    else:
        index = _ivf(data, dim, NPROBE if nprobe is None else nprobe)
    if len(data):
        index.add(data)
    return index


def _ivf(data: np.ndarray, dim: int, nprobe: int) -> faiss.IndexIVFFlat:
    """An IVF index trained on a seeded sample, so a rebuild of the same rows is the same."""
    nlist = lists_for(len(data))
    quantizer = faiss.IndexFlatIP(dim)
    index = faiss.IndexIVFFlat(quantizer, dim, nlist, faiss.METRIC_INNER_PRODUCT)
    index.cp.seed = 13
    sample = min(len(data), TRAIN_PER_LIST * nlist)
    rows = np.sort(np.random.default_rng(13).choice(len(data), sample, replace=False))
    index.train(data[rows])
    index.nprobe = min(nprobe, nlist)
    return index


def read(path: Path) -> faiss.Index:
    """A persisted index, its vectors memory-mapped rather than copied: a load costs no
    read of the vectors (a 1M-vector IVF file is 1.5 GB), pages come in as searches touch
    them, and processes serving one index share them in the page cache. A segment is
    immutable and a pruned one is only unlinked, so the mapping stays valid."""
    return faiss.read_index(str(path), faiss.IO_FLAG_MMAP_IFC)


def kind(index: faiss.Index) -> str:
    """"exact" or "ivf": what a segment's index is, for tests, logs and benchmarks."""
    return "ivf" if isinstance(faiss.downcast_index(index), faiss.IndexIVF) else "exact"


def search(index: faiss.Index, q: np.ndarray, k: int, ok: np.ndarray | None) -> Scored:
    """The `k` nearest among the positions `ok` admits (None: all of them)."""
    if k <= 0:
        return np.zeros(0, np.float32), np.zeros(0, np.int64)
    if ok is None or ok.all():  # the index's own nprobe, no selector
        return _one_thread(lambda: _found(index.search(q, k)))
    admitted = int(ok.sum())
    ivf = faiss.downcast_index(index)
    params = faiss.SearchParameters()
    if isinstance(ivf, faiss.IndexIVF):
        widened = math.ceil(ivf.nprobe * len(ok) / max(admitted, 1))
        params = faiss.SearchParametersIVF(nprobe=min(ivf.nlist, widened))
    bits = np.packbits(ok, bitorder="little")  # FAISS reads it during the search
    params.sel = faiss.IDSelectorBitmap(len(ok), faiss.swig_ptr(bits))
    found = _one_thread(lambda: _found(index.search(q, k, params=params)))
    del bits
    return found


def _found(hits: tuple[np.ndarray, np.ndarray]) -> Scored:
    scores, positions = hits
    kept = positions[0] >= 0
    return scores[0][kept], positions[0][kept]


def _one_thread(call: Callable[[], Scored]) -> Scored:
    """One query on one OpenMP thread: on this busy 2-core machine a flat search of 25k
    vectors took 95 ms on two threads against 23 ms on one (the team waits for a core);
    the thread count is restored after, so builds keep every core."""
    before = faiss.omp_get_max_threads()
    faiss.omp_set_num_threads(1)
    try:
        return call()
    finally:
        faiss.omp_set_num_threads(before)
