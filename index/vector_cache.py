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

Pruning is by age of use, as a cache's should be. Each row has the day it was
last written or looked up; `prune(days)` drops the rows no process has used for
that many days. Data homes may share one cache file (the tests' run does), and
no home knows another's corpus, so "rows my catalogue does not use" would delete
a neighbour's vectors; "rows nobody used for 30 days" cannot hurt anyone who
used the cache in that time, and what it does drop costs at most one embedding
again, never a wrong vector. A home that prunes first dates every text its own
catalogue uses (`touch`): an unchanged article's vectors are not looked up by
incremental builds, and must not age out while it is served.
"""

from __future__ import annotations

import hashlib
import logging
import os
import sqlite3
import time
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol

import numpy as np

from corpus.errors import NewsdeskError

log = logging.getLogger("newsdesk." + __name__)

_LOOKUP_CHUNK = 500  # keys per SELECT … IN (…), well under SQLite's variable limit
# test-only: seconds to sleep after each committed batch, so a test can SIGKILL a real
# `newsdesk index` between batches without racing a fast machine
_PAUSE_ENV = "NEWSDESK_TEST_BATCH_PAUSE"

# A rowid table: a 1,536-byte vector fits in its page (two rows per 4 KB page). In the
# WITHOUT ROWID layout of the first caches a row may keep only ~1 KB in its page and each
# row's rest took an overflow page of its own: 4.8 KB per row, 2.2x the file at 1M rows.
# `dates`: the day (since 1970) each row was last written or looked up, what pruning reads.
# A narrow table of its own: dating a row rewrites 12 bytes, not the vector's page (a prune
# dates a whole catalogue: 30x faster so, benchmarks/bench_prune.py). Triggers keep it in
# step with `vectors` whoever writes.
_TABLE = """
CREATE TABLE IF NOT EXISTS vectors (
    id INTEGER PRIMARY KEY,
    model TEXT NOT NULL,
    recipe TEXT NOT NULL,
    key BLOB NOT NULL,
    vector BLOB NOT NULL
)"""
_SCHEMA = _TABLE + """;
CREATE TABLE IF NOT EXISTS counters (name TEXT PRIMARY KEY, value INTEGER NOT NULL);
INSERT OR IGNORE INTO counters VALUES ('computed', 0);
"""
_DATES = (  # statements, not a script: executescript would commit the migration midway
    "CREATE UNIQUE INDEX IF NOT EXISTS vectors_key ON vectors (model, recipe, key)",
    "CREATE TABLE IF NOT EXISTS dates (id INTEGER PRIMARY KEY, used INTEGER NOT NULL)",
    "CREATE INDEX IF NOT EXISTS dates_used ON dates (used)",
    """CREATE TRIGGER IF NOT EXISTS vectors_dated AFTER INSERT ON vectors BEGIN
        INSERT OR REPLACE INTO dates
        VALUES (new.id, CAST(strftime('%s', 'now') AS INTEGER) / 86400);
    END""",
    """CREATE TRIGGER IF NOT EXISTS vectors_undated AFTER DELETE ON vectors BEGIN
        DELETE FROM dates WHERE id = old.id;
    END""",
)
KEEP_DAYS = 30  # `newsdesk index --prune-cache` drops rows unused for this long


def today() -> int:
    return int(time.time() // 86400)


class CacheError(NewsdeskError):
    """The cache file cannot be used; `reason` is SQLite's word for why."""

    reason: str = ""

    pass


@dataclass(frozen=True)
class Holding:
    """What the cache holds of one model and recipe: what `newsdesk doctor` shows."""

    model: str
    recipe: str
    rows: int
    stale: int  # unused for KEEP_DAYS days or more: what a prune would drop


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
            # a new file gives pages freed by a prune back to the disk (an older one keeps
            # them for its next vectors: switching needs a VACUUM, a copy of the whole file)
            self._db.execute("PRAGMA auto_vacuum=INCREMENTAL")
            self._db.execute("PRAGMA journal_mode=WAL")
            # NORMAL in WAL mode: a committed batch survives a killed process; only a power
            # cut may take the last ones, which are then simply computed again
            self._db.execute("PRAGMA synchronous=NORMAL")
            self._db.executescript(_SCHEMA)
            self._migrate()
        except sqlite3.DatabaseError as exc:
            if hasattr(self, "_db"):
                self._db.close()
            error = CacheError(f"the vector cache {path} cannot be opened ({exc}); "
                               "`newsdesk doctor` moves it aside")
            error.reason = str(exc)
            raise error from None

    def _migrate(self) -> None:
        """A cache of the first layout (WITHOUT ROWID, no dates) is copied once into this
        one, every row dated today: its age is unknown, and the safe guess is the one
        that keeps it longest. In one write transaction, so two processes opening an old
        cache at once migrate it once; then one VACUUM gives the old pages back."""
        self._db.execute("BEGIN IMMEDIATE")
        try:
            sql = self._db.execute("SELECT sql FROM sqlite_master WHERE name = 'vectors'"
                                   ).fetchone()[0]
            old = "WITHOUT ROWID" in sql.upper()
            if old:
                log.info("the vector cache %s is rewritten once in a smaller layout",
                         self.path)
                self._db.execute("ALTER TABLE vectors RENAME TO vectors_first")
                self._db.execute(_TABLE)
            for statement in _DATES:
                self._db.execute(statement)
            if old:
                self._db.execute("INSERT INTO vectors (model, recipe, key, vector) "
                                 "SELECT model, recipe, key, vector FROM vectors_first")
                self._db.execute("DROP TABLE vectors_first")
            self._db.execute("COMMIT")
        except BaseException:
            self._db.execute("ROLLBACK")
            raise
        if old:
            try:
                self._db.execute("VACUUM")  # also turns auto_vacuum (set above) on
                self._db.execute("PRAGMA wal_checkpoint(TRUNCATE)")  # the copy was in the WAL
            except sqlite3.OperationalError as exc:  # another process reads it: later
                log.info("the vector cache keeps its free pages for now (%s)", exc)

    def close(self) -> None:
        self._db.close()

    def get(self, model: str, recipe: str, keys: Sequence[bytes]) -> dict[bytes, np.ndarray]:
        """The vectors the cache holds for `keys`, each dated today (it was used)."""
        found: dict[bytes, np.ndarray] = {}
        ids: list[int] = []
        unique = list(dict.fromkeys(keys))
        for i in range(0, len(unique), _LOOKUP_CHUNK):
            chunk = unique[i:i + _LOOKUP_CHUNK]
            marks = ",".join("?" * len(chunk))
            rows = self._db.execute(
                f"SELECT id, key, vector FROM vectors WHERE model = ? AND recipe = ? "
                f"AND key IN ({marks})", (model, recipe, *chunk))
            for row, key, blob in rows:
                found[key] = np.frombuffer(blob, dtype=np.float32)
                ids.append(row)
        self._date(ids)
        return found

    def _date(self, ids: Sequence[int]) -> None:
        """Date these rows today; a row already dated today is not written again (a second
        lookup the same day costs no write)."""
        day = today()
        with self._db:
            for i in range(0, len(ids), _LOOKUP_CHUNK):
                chunk = ids[i:i + _LOOKUP_CHUNK]
                self._db.execute(
                    f"UPDATE dates SET used = ? WHERE used < ? AND id IN "
                    f"({','.join('?' * len(chunk))})", (day, day, *chunk))

    def touch(self, model: str, recipe: str, keys: Sequence[bytes]) -> int:
        """Date the rows of these keys today, reading no vector; how many the cache holds."""
        ids: list[int] = []
        for i in range(0, len(keys), _LOOKUP_CHUNK):
            chunk = keys[i:i + _LOOKUP_CHUNK]
            ids += [row for (row,) in self._db.execute(
                f"SELECT id FROM vectors WHERE model = ? AND recipe = ? AND key IN "
                f"({','.join('?' * len(chunk))})", (model, recipe, *chunk))]
        self._date(ids)
        return len(ids)

    def put(self, model: str, recipe: str, keys: Sequence[bytes], vectors: np.ndarray) -> None:
        """One durable transaction per batch: the vectors (dated by a trigger) and the
        count of them computed."""
        vectors = np.ascontiguousarray(vectors, dtype=np.float32)
        with self._db:
            self._db.executemany(
                "INSERT OR IGNORE INTO vectors (model, recipe, key, vector) VALUES (?, ?, ?, ?)",
                [(model, recipe, k, v.tobytes()) for k, v in zip(keys, vectors, strict=True)])
            self._db.execute("UPDATE counters SET value = value + ? WHERE name = 'computed'",
                             (len(keys),))

    def prune(self, days: int) -> int:
        """Drop the rows nobody used for `days` days (0: not today), every model's; how
        many went. The old rows are one range of the dates' index."""
        with self._db:
            removed = self._db.execute(
                "DELETE FROM vectors WHERE id IN (SELECT id FROM dates WHERE used < ?)",
                (today() - days,)).rowcount
        # give the freed pages back; through executescript: execute() steps the pragma
        # once, which frees a single page
        self._db.executescript("PRAGMA incremental_vacuum;")
        self._db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        return removed

    def holdings(self, days: int = KEEP_DAYS) -> list[Holding]:
        """Rows per model and recipe, and how many of them a prune of `days` would drop."""
        rows = self._db.execute(
            "SELECT v.model, v.recipe, count(*), coalesce(sum(d.used < ?), 0) "
            "FROM vectors v JOIN dates d ON d.id = v.id "
            "GROUP BY v.model, v.recipe ORDER BY v.model, v.recipe", (today() - days,))
        return [Holding(m, r, int(n), int(stale)) for m, r, n, stale in rows]

    def size(self) -> int:
        """Bytes on disk: the file and its write-ahead log."""
        wal = self.path.with_name(self.path.name + "-wal")
        return self.path.stat().st_size + (wal.stat().st_size if wal.is_file() else 0)

    def computed(self) -> int:
        """Vectors ever handed to `put`, duplicates included."""
        return int(self._db.execute(
            "SELECT value FROM counters WHERE name = 'computed'").fetchone()[0])

    def rows(self) -> int:
        return int(self._db.execute("SELECT count(*) FROM vectors").fetchone()[0])


def set_aside(path: Path) -> Path:
    """Move a damaged cache out of the way, never deleting it; where it went. Its WAL and
    index are dropped with it (they belong to the damaged file)."""
    kept = path.with_name(f"{path.name}.damaged-{int(time.time())}")
    path.rename(kept)
    for suffix in ("-wal", "-shm"):
        path.with_name(path.name + suffix).unlink(missing_ok=True)
    return kept


def open_cache(path: Path) -> VectorCache:
    """The cache at `path`; a damaged one is set aside and a new one started, said in one
    line. Why not stop: the cache is derived data, and an index build (the bot's reindex
    too) that waited for a person to delete it would serve stale answers meanwhile."""
    try:
        return VectorCache(path)
    except CacheError as exc:
        return replace_damaged(path, exc.reason or str(exc))


def replace_damaged(path: Path, reason: str) -> VectorCache:
    """A fresh cache where a damaged one was (see `open_cache`)."""
    kept = set_aside(path)
    log.warning("the vector cache %s is damaged (%s): moved to %s; the vectors it held are "
                "computed again", path, reason, kept.name)
    return VectorCache(path)


def encode(encoder: Encoder, cache: VectorCache | None, texts: Sequence[str],
           progress: Callable[[int], None] | None = None,
           label: str = "texts") -> tuple[np.ndarray, int]:
    """Passage vectors for `texts` and how many were computed; the rest came from the cache.

    Distinct texts missing from the cache are embedded longest first (batches pad to
    similar lengths) and committed batch by batch. `progress` counts texts done,
    cached ones included, so a resumed run's bar starts where the killed one stopped.
    `label` names the texts in the log: one line when the work is known (what a resumed
    run finds in the cache), a debug line per batch computed and per batch committed (a
    killed run's log then says what it computed that never reached the cache).
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
    log.info("embedding %s: %d to compute, %d from the cache", label, len(missing),
             len(texts) - sum(uses.values()))
    pending = _by_tokens(encoder, list(missing.items()))
    size = max(1, encoder.batch_size)
    pause = float(os.environ.get(_PAUSE_ENV) or 0)
    for i in range(0, len(pending), size):
        batch = pending[i:i + size]
        vectors = encoder.passages([t for _, t in batch])
        log.debug("computed %d %s", len(batch), label)
        cache.put(model, recipe, [k for k, _ in batch], vectors)
        log.debug("committed %d %s", len(batch), label)
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
    """Most tokens first when the encoder can count them (index/embedder.py says why), else
    the longest texts first."""
    order = getattr(encoder, "longest_first", None)
    if order is None or len(pending) <= 1:
        return sorted(pending, key=lambda kv: -len(kv[1]))
    return [pending[i] for i in order([t for _, t in pending])]
