"""Telling a damaged catalogue from a healthy one, and rebuilding a damaged one.

A healthy catalogue is never moved or rewritten. A damaged one is kept next to
the new one (under another name, with its WAL), every row that still reads is copied
into a temporary file, articles it lost are restored from the published index, which
holds the full text of every article it answers from, and only then does the new file
replace the damaged one.
"""

from __future__ import annotations

import os
import shutil
import sqlite3
import time
from collections.abc import Iterable
from pathlib import Path

from pydantic import BaseModel

from corpus.catalogue import Catalogue
from corpus.models import Article
from corpus.registry import Registry

_SIDECARS = ("-wal", "-shm")
_BUILDING = ".rebuilding-"  # a catalogue being rebuilt: never the served file
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
    for whatever it lost. The damaged file is kept, never deleted.

    Why a temporary file: a rebuild killed half-way must not leave a catalogue that passes
    `quick_check` with most of its rows missing (the next `index` would publish their
    removal). The new file is filled beside the damaged one and renamed over it only when
    complete; until then the damaged file stays where it was, and a second `doctor` starts
    over."""
    remove_leftovers(path)
    kept = _free_name(path.with_name(f"{path.name}.damaged-{time.strftime('%Y%m%d-%H%M%S')}"))
    _keep(path, kept)
    tmp = path.with_name(f"{path.name}{_BUILDING}{os.getpid()}")
    try:
        counts = _fill(tmp, kept, restore)
        _seal(tmp)
        for suffix in _SIDECARS:  # the damaged file's WAL must not be replayed into the new one
            path.with_name(path.name + suffix).unlink(missing_ok=True)
        os.replace(tmp, path)
        _fsync_dir(path.parent)
    except BaseException:
        _unlink_all(tmp)
        raise
    articles, sources, restored = counts
    return Rebuilt(salvaged_articles=articles, salvaged_sources=sources, restored=restored,
                   kept_as=kept)


def remove_leftovers(path: Path) -> int:
    """Half-built catalogues of killed rebuilds (only ever named, never served)."""
    found = list(path.parent.glob(f"{path.name}{_BUILDING}*"))
    for leftover in found:
        leftover.unlink(missing_ok=True)
    return len(found)


def _free_name(wanted: Path) -> Path:
    """`wanted`, or `wanted-2`, `-3`…: a rebuild killed within the same second left a kept
    file of that name (a hard link of the damaged file, which linking again would refuse
    and copying onto would find to be itself)."""
    candidate, n = wanted, 1
    while any(candidate.with_name(candidate.name + s).exists() for s in ("", *_SIDECARS)):
        n += 1
        candidate = wanted.with_name(f"{wanted.name}-{n}")
    return candidate


def _keep(path: Path, kept: Path) -> None:
    """A copy of the damaged file and its WAL under `kept`: a hard link of the file (no
    copy of a large catalogue; it stays the file's content once the new one replaces it),
    a copy of each sidecar (the live ones stay until the swap)."""
    try:
        os.link(path, kept)
    except OSError:
        shutil.copy2(path, kept)
    for suffix in _SIDECARS:
        side = path.with_name(path.name + suffix)
        if side.exists():
            shutil.copy2(side, kept.with_name(kept.name + suffix))


def _fill(tmp: Path, damaged: Path, restore: Iterable[Article]) -> tuple[int, int, int]:
    """Salvaged rows, then the restored articles, into the new file: (articles, sources,
    restored)."""
    catalogue, registry = Catalogue(tmp), Registry(tmp)
    catalogue.count()  # creates both schemas
    registry.all()
    articles = _salvage(damaged, tmp, "articles")
    sources = _salvage(damaged, tmp, "sources")
    _salvage(damaged, tmp, "listings")
    _salvage(damaged, tmp, "removals")
    catalogue.restore_listings()
    have = set(catalogue.hashes())
    restored = 0
    for article in restore:
        if article.id not in have:
            catalogue.upsert(article)
            restored += 1
    return articles, sources, restored


def _seal(tmp: Path) -> None:
    """Everything in the main file (no WAL to lose in the rename), on disk."""
    db = sqlite3.connect(tmp, timeout=30)
    try:
        db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        db.execute("PRAGMA journal_mode=DELETE")
    finally:
        db.close()
    for suffix in _SIDECARS:
        tmp.with_name(tmp.name + suffix).unlink(missing_ok=True)
    with tmp.open("rb") as f:
        os.fsync(f.fileno())


def _unlink_all(tmp: Path) -> None:
    for suffix in ("", *_SIDECARS):
        tmp.with_name(tmp.name + suffix).unlink(missing_ok=True)


def _fsync_dir(folder: Path) -> None:
    fd = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _salvage(damaged: Path, fresh: Path, table: str) -> int:
    """Copy the rows of `table` that still read, a chunk of rowids at a time, so a bad page
    costs the rows on it and not the table."""
    try:
        src = sqlite3.connect(f"file:{damaged}?mode=ro", uri=True)
    except sqlite3.Error:
        return 0
    copied = 0
    dst = sqlite3.connect(fresh, timeout=30)
    try:
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
    finally:
        dst.close()  # every connection closed: the new file is sealed and renamed after
        src.close()
    return max(copied, 0)


def _common_columns(src: sqlite3.Connection, dst: sqlite3.Connection, table: str) -> list[str]:
    try:
        have = [r[1] for r in src.execute(f"PRAGMA table_info({table})")]
    except sqlite3.Error:
        return []
    want = {r[1] for r in dst.execute(f"PRAGMA table_info({table})")}
    return [c for c in have if c in want]
