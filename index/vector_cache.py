"""Every vector the encoder ever computed, kept so no text is embedded twice.

A vector is keyed by the model that made it, the encoder recipe (backend and
precision: an int8 vector is not a float32 one) and the sha256 of the exact
text the model read, prompt included. Batches are committed as they are
computed, one SQLite transaction each, so a `kill -9` in the middle of a long
index run loses at most the batch in flight and the next run picks up where
this one stopped. `index --full` and articles whose text did not change then
cost a lookup, not an embedding.

The cache also counts what it was given to store (`computed`): with every
vector stored once, `computed == rows`, which is how tests and benchmarks
prove no vector was computed twice.
"""

from __future__ import annotations

import hashlib
import logging
import os
import sqlite3
import time
from collections import Counter
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Protocol

import numpy as np

from corpus.errors import NewsdeskError

log = logging.getLogger("newsdesk." + __name__)

_LOOKUP_CHUNK = 500  # keys per SELECT … IN (…), well under SQLite's variable limit
# test-only: seconds to sleep after each committed batch, so a test can SIGKILL a real
# `newsdesk index` between batches without racing a fast machine
_PAUSE_ENV = "NEWSDESK_TEST_BATCH_PAUSE"

_SCHEMA = """
CREATE TABLE IF NOT EXISTS vectors (
    model TEXT NOT NULL,
    recipe TEXT NOT NULL,
    key BLOB NOT NULL,
    vector BLOB NOT NULL,
    PRIMARY KEY (model, recipe, key)
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS counters (name TEXT PRIMARY KEY, value INTEGER NOT NULL);
INSERT OR IGNORE INTO counters VALUES ('computed', 0);
"""


class CacheError(NewsdeskError):
    pass


class Encoder(Protocol):
    """What the cache needs of an embedder: who it is and how it embeds passages."""

    batch_size: int

    @property
    def id(self) -> str: ...

    @property
    def recipe(self) -> str: ...

    @property
    def passage_prefix(self) -> str: ...

    def passages(self, texts: Sequence[str],
                 progress: Callable[[int], None] | None = None) -> np.ndarray: ...


def text_key(prefix: str, text: str) -> bytes:
    """What the model reads, hashed: the same words under another prompt are another vector."""
    return hashlib.sha256((prefix + text).encode("utf-8", "surrogatepass")).digest()


class VectorCache:
    def __init__(self, path: Path) -> None:
        self.path = path
        path.parent.mkdir(parents=True, exist_ok=True)
        try:
            self._db = sqlite3.connect(path, timeout=30, check_same_thread=False)
            self._db.execute("PRAGMA journal_mode=WAL")
            # NORMAL in WAL mode: a committed batch survives a killed process; only a power
            # cut may take the last ones, which are then simply computed again
            self._db.execute("PRAGMA synchronous=NORMAL")
            self._db.executescript(_SCHEMA)
        except sqlite3.DatabaseError as exc:
            raise CacheError(f"the vector cache {path} cannot be opened ({exc}); delete it "
                             "and vectors will be computed again") from None

    def close(self) -> None:
        self._db.close()

    def get(self, model: str, recipe: str, keys: Sequence[bytes]) -> dict[bytes, np.ndarray]:
        found: dict[bytes, np.ndarray] = {}
        unique = list(dict.fromkeys(keys))
        for i in range(0, len(unique), _LOOKUP_CHUNK):
            chunk = unique[i:i + _LOOKUP_CHUNK]
            marks = ",".join("?" * len(chunk))
            rows = self._db.execute(
                f"SELECT key, vector FROM vectors WHERE model = ? AND recipe = ? "
                f"AND key IN ({marks})", (model, recipe, *chunk))
            for key, blob in rows:
                found[key] = np.frombuffer(blob, dtype=np.float32)
        return found

    def put(self, model: str, recipe: str, keys: Sequence[bytes], vectors: np.ndarray) -> None:
        """One durable transaction per batch: the vectors and the count of them computed."""
        vectors = np.ascontiguousarray(vectors, dtype=np.float32)
        with self._db:
            self._db.executemany(
                "INSERT OR IGNORE INTO vectors VALUES (?, ?, ?, ?)",
                [(model, recipe, k, v.tobytes()) for k, v in zip(keys, vectors, strict=True)])
            self._db.execute("UPDATE counters SET value = value + ? WHERE name = 'computed'",
                             (len(keys),))

    def computed(self) -> int:
        """Vectors ever handed to `put`, duplicates included."""
        return int(self._db.execute(
            "SELECT value FROM counters WHERE name = 'computed'").fetchone()[0])

    def rows(self) -> int:
        return int(self._db.execute("SELECT count(*) FROM vectors").fetchone()[0])


def encode(encoder: Encoder, cache: VectorCache | None, texts: Sequence[str],
           progress: Callable[[int], None] | None = None) -> tuple[np.ndarray, int]:
    """Passage vectors for `texts` and how many were computed; the rest came from the cache.

    Distinct texts missing from the cache are embedded longest first (batches pad to
    similar lengths) and committed batch by batch. `progress` counts texts done,
    cached ones included, so a resumed run's bar starts where the killed one stopped.
    """
    report = progress or (lambda _n: None)
    if not texts:
        return np.zeros((0, 0), np.float32), 0
    if cache is None:
        return encoder.passages(texts, progress=report), len(texts)
    keys = [text_key(encoder.passage_prefix, t) for t in texts]
    model, recipe = encoder.id, encoder.recipe
    known = cache.get(model, recipe, keys)
    missing: dict[bytes, str] = {}
    uses: Counter[bytes] = Counter()
    for key, text in zip(keys, texts, strict=True):
        if key not in known:
            missing.setdefault(key, text)
            uses[key] += 1
    report(len(texts) - sum(uses.values()))
    pending = sorted(missing.items(), key=lambda kv: -len(kv[1]))
    pending = _by_tokens(encoder, pending)
    size = max(1, encoder.batch_size)
    pause = float(os.environ.get(_PAUSE_ENV) or 0)
    for i in range(0, len(pending), size):
        batch = pending[i:i + size]
        vectors = encoder.passages([t for _, t in batch])
        cache.put(model, recipe, [k for k, _ in batch], vectors)
        for (key, _), vector in zip(batch, vectors, strict=True):
            known[key] = vector
        report(sum(uses[k] for k, _ in batch))
        if pause:
            time.sleep(pause)
    out = np.zeros((len(texts), next(iter(known.values())).shape[0]), dtype=np.float32)
    for row, key in enumerate(keys):
        out[row] = known[key]
    return out, len(missing)


def _by_tokens(encoder: Encoder, pending: list[tuple[bytes, str]]) -> list[tuple[bytes, str]]:
    """Most tokens first when the encoder can count them (index/embedder.py says why)."""
    order = getattr(encoder, "longest_first", None)
    if order is None or len(pending) <= 1:
        return pending
    return [pending[i] for i in order([t for _, t in pending])]
