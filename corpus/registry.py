"""The sources newsdesk reads from, kept in the catalogue's SQLite file.

A source is a folder, a feed or an article URL. Removing a source removes the
articles no other source lists from the catalogue, and they leave the index at
the next reindex.
"""

from __future__ import annotations

import hashlib
import sqlite3
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Literal

from pydantic import BaseModel

from corpus.catalogue import catalogue_error, migrate_catalogue, unlist
from corpus.errors import NewsdeskError
from corpus.migrations import Step, migrate

Kind = Literal["folder", "feed", "url"]

_SCHEMA = """
CREATE TABLE IF NOT EXISTS sources (
    id TEXT PRIMARY KEY,
    kind TEXT NOT NULL,
    location TEXT NOT NULL UNIQUE,
    added_by TEXT NOT NULL,
    added_at REAL NOT NULL,
    last_fetch REAL,
    status TEXT NOT NULL DEFAULT 'new',
    item_count INTEGER NOT NULL DEFAULT 0,
    last_error TEXT,
    etag TEXT,
    last_modified TEXT
);
"""
# released steps are never edited: a schema change is a new step at the end
_STEPS: list[Step] = [_SCHEMA]


class SourceError(NewsdeskError):
    pass


class Source(BaseModel):
    id: str
    kind: Kind
    location: str
    added_by: str
    added_at: float
    last_fetch: float | None = None
    status: str = "new"
    item_count: int = 0
    last_error: str | None = None
    etag: str | None = None
    last_modified: str | None = None


_FIELDS = list(Source.model_fields)


def source_id(kind: str, location: str) -> str:
    return f"{kind[0]}-" + hashlib.sha1(location.encode("utf-8")).hexdigest()[:10]


class Registry:
    def __init__(self, path: Path) -> None:
        self.path = path  # first touched at first use, like the catalogue in the same file
        path.parent.mkdir(parents=True, exist_ok=True)
        self._created = False

    @contextmanager
    def _connect(self) -> Iterator[sqlite3.Connection]:
        try:
            db = sqlite3.connect(self.path, timeout=30)
        except sqlite3.Error as exc:
            raise catalogue_error(self.path, exc) from None
        try:
            if not self._created:
                migrate_catalogue(db)
                migrate(db, "registry", _STEPS)
                self._created = True
            with db:
                yield db
        except sqlite3.Error as exc:
            raise catalogue_error(self.path, exc) from None
        finally:
            db.close()

    def add(self, kind: Kind, location: str, added_by: str) -> Source:
        sid = source_id(kind, location)
        with self._connect() as db:
            if db.execute("SELECT 1 FROM sources WHERE location = ?", (location,)).fetchone():
                raise SourceError(f"{location} is already a source")
            source = Source(id=sid, kind=kind, location=location, added_by=added_by,
                            added_at=time.time())
            try:
                db.execute(
                    f"INSERT INTO sources ({', '.join(_FIELDS)}) VALUES "
                    f"({', '.join('?' * len(_FIELDS))})",
                    [getattr(source, f) for f in _FIELDS],
                )
            except sqlite3.IntegrityError:  # another process added it a moment ago
                raise SourceError(f"{location} is already a source") from None
        return source

    def get(self, sid: str) -> Source:
        with self._connect() as db:
            row = db.execute(f"SELECT {', '.join(_FIELDS)} FROM sources WHERE id = ?",
                             (sid,)).fetchone()
        if row is None:
            raise SourceError(f"no source with id {sid!r}; `sources list` shows them")
        return Source(**dict(zip(_FIELDS, row, strict=True)))

    def find(self, target: str) -> Source | None:
        """The source whose id or location is `target`. They cannot clash: an id is a hash
        of a location, and a location is unique."""
        with self._connect() as db:
            row = db.execute(f"SELECT {', '.join(_FIELDS)} FROM sources WHERE id = ? OR "
                             "location = ? ORDER BY id = ? DESC", (target, target, target)
                             ).fetchone()
        return Source(**dict(zip(_FIELDS, row, strict=True))) if row else None

    def all(self) -> list[Source]:
        with self._connect() as db:
            rows = db.execute(
                f"SELECT {', '.join(_FIELDS)} FROM sources ORDER BY added_at"
            ).fetchall()
        return [Source(**dict(zip(_FIELDS, r, strict=True))) for r in rows]

    def remove(self, sid: str) -> tuple[Source, int]:
        """Remove the source, and the articles no other source lists; returns how many
        articles left the catalogue."""
        source = self.get(sid)
        with self._connect() as db:
            removed = unlist(db, sid)
            db.execute("DELETE FROM sources WHERE id = ?", (sid,))
        return source, removed

    def record(self, sid: str, *, status: str, item_count: int | None = None,
               error: str | None = None, etag: str | None = None,
               last_modified: str | None = None) -> None:
        with self._connect() as db:
            db.execute(
                "UPDATE sources SET last_fetch = ?, status = ?, last_error = ?,"
                " item_count = COALESCE(?, item_count), etag = COALESCE(?, etag),"
                " last_modified = COALESCE(?, last_modified) WHERE id = ?",
                (time.time(), status, error, item_count, etag, last_modified, sid),
            )
