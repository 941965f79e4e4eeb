"""Telling a damaged catalogue from a healthy one, and rebuilding a damaged one.

A healthy catalogue is never moved or rewritten. A damaged one is kept next to
the new one (renamed, with its WAL), every row that still reads is copied
over, and articles it lost are restored from the published index, which holds
the full text of every article it answers from.
"""

from __future__ import annotations

import sqlite3
import time
from collections.abc import Iterable
from pathlib import Path

from pydantic import BaseModel

from corpus.catalogue import Catalogue
from corpus.models import Article
from corpus.registry import Registry

_SIDECARS = ("-wal", "-shm")
_CHUNK = 200  # rows salvaged per query: one bad page costs at most this many


class Rebuilt(BaseModel):
    salvaged_articles: int
    salvaged_sources: int
    restored: int
    kept_as: Path


def quick_check(path: Path) -> str | None:
    """What is wrong with the catalogue file, or None when SQLite finds nothing."""
    if not path.exists():
        return None
    try:
        db = sqlite3.connect(f"file:{path}?mode=ro", uri=True, timeout=30)
    except sqlite3.Error as exc:
        return str(exc)
    try:
        rows = [r[0] for r in db.execute("PRAGMA quick_check(5)")]
    except sqlite3.Error as exc:
        return str(exc)
    finally:
        db.close()
    return None if rows == ["ok"] else " ".join(" ".join(rows).split())[:300]


def rebuild(path: Path, restore: Iterable[Article]) -> Rebuilt:
    """A fresh catalogue at `path`: what still reads from the damaged file, then `restore`
    for whatever it lost. The damaged file is renamed, never deleted."""
    kept = path.with_name(f"{path.name}.damaged-{time.strftime('%Y%m%d-%H%M%S')}")
    for suffix in _SIDECARS:  # a WAL left behind would be replayed into the new file
        side = path.with_name(path.name + suffix)
        if side.exists():
            side.rename(kept.with_name(kept.name + suffix))
    path.rename(kept)
    catalogue, registry = Catalogue(path), Registry(path)
    catalogue.count()  # creates both schemas
    registry.all()
    articles = _salvage(kept, path, "articles")
    sources = _salvage(kept, path, "sources")
    _salvage(kept, path, "listings")
    catalogue.restore_listings()
    have = set(catalogue.hashes())
    restored = 0
    for article in restore:
        if article.id not in have:
            catalogue.upsert(article)
            restored += 1
    return Rebuilt(salvaged_articles=articles, salvaged_sources=sources, restored=restored,
                   kept_as=kept)


def _salvage(damaged: Path, fresh: Path, table: str) -> int:
    """Copy the rows of `table` that still read, a chunk of rowids at a time, so a bad page
    costs the rows on it and not the table."""
    try:
        src = sqlite3.connect(f"file:{damaged}?mode=ro", uri=True)
    except sqlite3.Error:
        return 0
    copied = 0
    try:
        dst = sqlite3.connect(fresh, timeout=30)
        columns = _common_columns(src, dst, table)
        if not columns:
            return 0
        try:
            last = src.execute(f"SELECT max(rowid) FROM {table}").fetchone()[0] or 0
        except sqlite3.Error:
            last = 1_000_000  # the b-tree's top is damaged: probe a generous range
        names = ", ".join(columns)
        marks = ", ".join("?" * len(columns))
        for start in range(0, last + 1, _CHUNK):
            try:
                rows = src.execute(f"SELECT {names} FROM {table} WHERE rowid >= ? AND "
                                   "rowid < ?", (start, start + _CHUNK)).fetchall()
            except sqlite3.Error:
                continue
            with dst:
                copied += dst.executemany(
                    f"INSERT OR IGNORE INTO {table} ({names}) VALUES ({marks})", rows).rowcount
        dst.close()
    finally:
        src.close()
    return max(copied, 0)


def _common_columns(src: sqlite3.Connection, dst: sqlite3.Connection, table: str) -> list[str]:
    try:
        have = [r[1] for r in src.execute(f"PRAGMA table_info({table})")]
    except sqlite3.Error:
        return []
    want = {r[1] for r in dst.execute(f"PRAGMA table_info({table})")}
    return [c for c in have if c in want]
