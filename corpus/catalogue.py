"""The catalogue: every article newsdesk knows, in one SQLite file.

Each call opens its own short-lived connection, so the catalogue is safe to
use from the worker threads the bot runs blocking work on.
"""

from __future__ import annotations

import sqlite3
import time
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from datetime import date
from pathlib import Path
from typing import Literal

from corpus.errors import CatalogueError
from corpus.models import Article

Change = Literal["added", "updated", "unchanged"]

_SCHEMA = """
CREATE TABLE IF NOT EXISTS articles (
    id TEXT PRIMARY KEY,
    title TEXT NOT NULL,
    source TEXT NOT NULL,
    url TEXT NOT NULL,
    published TEXT,
    language TEXT NOT NULL,
    text TEXT NOT NULL,
    origin TEXT NOT NULL,
    hash TEXT NOT NULL,
    source_id TEXT,
    added_at REAL NOT NULL,
    updated_at REAL NOT NULL
);
CREATE INDEX IF NOT EXISTS articles_url ON articles(url);
CREATE INDEX IF NOT EXISTS articles_source ON articles(source_id);
"""
_COLUMNS = "id, title, source, url, published, language, text, origin"


class Catalogue:
    def __init__(self, path: Path) -> None:
        self.path = path
        path.parent.mkdir(parents=True, exist_ok=True)
        with self._connect() as db:
            db.executescript(_SCHEMA)

    @contextmanager
    def _connect(self) -> Iterator[sqlite3.Connection]:
        try:
            db = sqlite3.connect(self.path, timeout=30)
        except sqlite3.Error as exc:
            raise CatalogueError(f"cannot open the catalogue {self.path}: {exc}") from None
        try:
            db.execute("PRAGMA journal_mode=WAL")
            with db:
                yield db
        except sqlite3.DatabaseError as exc:
            raise CatalogueError(
                f"the catalogue {self.path} is unreadable ({exc}); "
                "move it aside and ingest again"
            ) from None
        finally:
            db.close()

    @staticmethod
    def _row_to_article(row: tuple) -> Article:
        aid, title, source, url, published, language, text, origin = row
        return Article(
            id=aid, title=title, source=source, url=url,
            published=date.fromisoformat(published) if published else None,
            language=language, text=text, origin=origin,
        )

    def upsert(self, article: Article, source_id: str | None = None) -> Change:
        """Store `article`; an unchanged article is not rewritten."""
        now = time.time()
        with self._connect() as db:
            row = db.execute("SELECT hash FROM articles WHERE id = ?", (article.id,)).fetchone()
            if row is not None and row[0] == article.content_hash:
                return "unchanged"
            values = (
                article.title, article.source, article.url,
                article.published.isoformat() if article.published else None,
                article.language, article.text, article.origin, article.content_hash,
                source_id,
            )
            if row is None:
                db.execute(
                    "INSERT INTO articles (title, source, url, published, language, text, origin,"
                    " hash, source_id, id, added_at, updated_at)"
                    " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                    (*values, article.id, now, now),
                )
                return "added"
            db.execute(
                "UPDATE articles SET title=?, source=?, url=?, published=?, language=?, text=?,"
                " origin=?, hash=?, source_id=COALESCE(?, source_id), updated_at=? WHERE id=?",
                (*values, now, article.id),
            )
            return "updated"

    def get(self, article_id: str) -> Article | None:
        with self._connect() as db:
            row = db.execute(
                f"SELECT {_COLUMNS} FROM articles WHERE id = ?", (article_id,)
            ).fetchone()
        return self._row_to_article(row) if row else None

    def get_many(self, ids: Iterable[str]) -> dict[str, Article]:
        wanted = list(dict.fromkeys(ids))
        out: dict[str, Article] = {}
        with self._connect() as db:
            for i in range(0, len(wanted), 500):
                chunk = wanted[i:i + 500]
                marks = ",".join("?" * len(chunk))
                for row in db.execute(
                    f"SELECT {_COLUMNS} FROM articles WHERE id IN ({marks})", chunk
                ):
                    article = self._row_to_article(row)
                    out[article.id] = article
        return out

    def articles(self) -> Iterator[Article]:
        with self._connect() as db:
            rows = db.execute(f"SELECT {_COLUMNS} FROM articles ORDER BY id").fetchall()
        for row in rows:
            yield self._row_to_article(row)

    def hashes(self) -> dict[str, str]:
        with self._connect() as db:
            return dict(db.execute("SELECT id, hash FROM articles").fetchall())

    def delete(self, ids: Iterable[str]) -> int:
        with self._connect() as db:
            cur = db.executemany("DELETE FROM articles WHERE id = ?", [(i,) for i in ids])
            return cur.rowcount

    def ids_of_source(self, source_id: str) -> set[str]:
        with self._connect() as db:
            rows = db.execute("SELECT id FROM articles WHERE source_id = ?", (source_id,))
            return {r[0] for r in rows}

    def count(self) -> int:
        with self._connect() as db:
            return db.execute("SELECT COUNT(*) FROM articles").fetchone()[0]

    def languages(self) -> dict[str, int]:
        with self._connect() as db:
            return dict(db.execute(
                "SELECT language, COUNT(*) FROM articles GROUP BY language ORDER BY 2 DESC"
            ).fetchall())
