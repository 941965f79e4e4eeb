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

from pydantic import BaseModel

from corpus.dedupe import best_match, signature, text_hash
from corpus.errors import CatalogueError
from corpus.migrations import Step, add_column, migrate, rename_column
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
# the listing of what `newsdesk ingest` stored ("added by hand"); never a source's id
HAND = "hand"
# released steps are never edited: a schema change is a new step at the end
_STEPS: list[Step] = [
    _SCHEMA,
    add_column("articles", "summary_only", "INTEGER NOT NULL DEFAULT 0"),
    add_column("articles", "duplicate_of", "TEXT"),
    add_column("articles", "text_hash", "TEXT"),
    add_column("articles", "signature", "BLOB"),
    add_column("articles", "entry_key", "TEXT"),
    add_column("articles", "etag", "TEXT"),
    add_column("articles", "last_modified", "TEXT"),
    # which sources list which articles: one article can be in a feed and a URL source at
    # once, and leaves the catalogue only when no source lists it any more
    """CREATE TABLE IF NOT EXISTS listings (
        source_id TEXT NOT NULL,
        article_id TEXT NOT NULL,
        PRIMARY KEY (source_id, article_id)
    );
    CREATE INDEX IF NOT EXISTS listings_article ON listings(article_id);
    INSERT OR IGNORE INTO listings (source_id, article_id)
        SELECT source_id, id FROM articles WHERE source_id IS NOT NULL""",
    # `hashes()` (what Desk.pending compares with the index on every fetch, ask and /stats)
    # reads this index alone instead of every article's text: 3x faster at 100k articles
    "CREATE INDEX IF NOT EXISTS articles_kept_hash ON articles(duplicate_of, id, hash)",
    # one word per idea: who published an article is its outlet; a source is what we read
    rename_column("articles", "source", "outlet"),
    # the articles that left on purpose (a source removed, a file gone, `delete`): an index
    # build tells them from articles a damaged or half-rebuilt catalogue lost, and refuses
    # to publish the disappearance of the latter
    "CREATE TABLE IF NOT EXISTS removals (id TEXT PRIMARY KEY, at REAL NOT NULL)",
    # a hand `ingest` is a listing of its own: removing a folder that holds the same files
    # must not take them away. Articles no source lists were ingested by hand.
    f"""INSERT OR IGNORE INTO listings (source_id, article_id)
        SELECT '{HAND}', id FROM articles WHERE id NOT IN (SELECT article_id FROM listings)""",
]


class WebMeta(BaseModel):
    """What fetching learned about an article beyond its text."""

    duplicate_of: str | None = None
    entry_key: str | None = None  # fingerprint of the feed item it came from
    etag: str | None = None
    last_modified: str | None = None


class StoredWeb(BaseModel):
    id: str
    entry_key: str | None
    etag: str | None
    last_modified: str | None
    duplicate_of: str | None


_UPSERT = """
INSERT INTO articles (title, outlet, url, published, language, text, origin, hash, source_id,
    summary_only, duplicate_of, text_hash, signature, entry_key, etag, last_modified, id,
    added_at, updated_at)
VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
ON CONFLICT(id) DO UPDATE SET title = excluded.title, outlet = excluded.outlet,
    url = excluded.url, published = excluded.published, language = excluded.language,
    text = excluded.text, origin = excluded.origin, hash = excluded.hash,
    source_id = COALESCE(excluded.source_id, articles.source_id),
    summary_only = excluded.summary_only, duplicate_of = excluded.duplicate_of,
    text_hash = excluded.text_hash, signature = excluded.signature,
    entry_key = excluded.entry_key, etag = excluded.etag,
    last_modified = excluded.last_modified, updated_at = excluded.updated_at
WHERE articles.hash != excluded.hash
RETURNING added_at
"""

_COLUMNS = "id, title, outlet, url, published, language, text, origin, summary_only"


def catalogue_error(path: Path, exc: sqlite3.Error) -> CatalogueError:
    """A one-line reason that never tells anyone to throw a healthy database away: a busy
    file is retried, only a damaged one is repaired (by `newsdesk doctor`)."""
    reason = str(exc)
    code = getattr(exc, "sqlite_errorname", None) or ""  # SQLite's own code, not its wording
    if code.startswith(("SQLITE_BUSY", "SQLITE_LOCKED")):
        return CatalogueError(f"the catalogue {path} is busy ({reason}); try again in a moment")
    if code.startswith(("SQLITE_CORRUPT", "SQLITE_NOTADB", "SQLITE_IOERR")):
        return CatalogueError(f"the catalogue {path} is damaged ({reason}); run `newsdesk "
                              "doctor` to repair it")
    return CatalogueError(f"the catalogue {path} could not be used ({reason})")


def migrate_catalogue(db: sqlite3.Connection) -> None:
    """The registry shares the file and its removals touch articles and listings, so it
    brings the catalogue's schema up to date too, whichever of the two is opened first."""
    migrate(db, "catalogue", _STEPS)


def _list(db: sqlite3.Connection, source_id: str | None, article_id: str) -> None:
    if source_id is not None:
        db.execute("INSERT OR IGNORE INTO listings (source_id, article_id) VALUES (?, ?)",
                   (source_id, article_id))


def unlist(db: sqlite3.Connection, source_id: str, ids: Iterable[str] | None = None) -> int:
    """Take articles (`ids`, or all it lists) off a source; those no other source lists
    leave the catalogue. Returns how many left. An article `newsdesk ingest` stored is
    listed under HAND, so a source's removal never takes it away."""
    if ids is None:
        ids = [r[0] for r in db.execute("SELECT article_id FROM listings WHERE source_id = ?",
                                        (source_id,))]
    pairs = [(source_id, i) for i in ids]
    db.executemany("DELETE FROM listings WHERE source_id = ? AND article_id = ?", pairs)
    removed = 0
    for _, aid in pairs:
        if not db.execute("SELECT 1 FROM listings WHERE article_id = ?", (aid,)).fetchone():
            gone = db.execute("DELETE FROM articles WHERE id = ?", (aid,)).rowcount
            if gone:
                _record_removals(db, [aid])
            removed += gone
    # what older releases read as the article's one source: one that still lists it
    db.execute("UPDATE articles SET source_id = (SELECT MIN(source_id) FROM listings WHERE "
               "article_id = articles.id) WHERE source_id = ? AND id NOT IN (SELECT article_id "
               "FROM listings WHERE source_id = ?)", (source_id, source_id))
    _hand_over_duplicates(db)
    return removed


def _record_removals(db: sqlite3.Connection, ids: list[str]) -> None:
    now = time.time()
    db.executemany("INSERT OR REPLACE INTO removals (id, at) VALUES (?, ?)",
                   [(aid, now) for aid in ids])


def _hand_over_duplicates(db: sqlite3.Connection) -> None:
    """Copies of a story whose kept article just left: the oldest copy takes over."""
    orphans = db.execute(
        "SELECT id, duplicate_of FROM articles WHERE duplicate_of IS NOT NULL AND "
        "duplicate_of NOT IN (SELECT id FROM articles) ORDER BY added_at").fetchall()
    heirs: dict[str, str] = {}
    for aid, lost in orphans:
        heir = heirs.setdefault(lost, aid)
        db.execute("UPDATE articles SET duplicate_of = ? WHERE id = ?",
                   (None if heir == aid else heir, aid))


class Catalogue:
    """The file is first touched at first use, not on construction: a damaged catalogue
    must not stop what needs no catalogue (answering from the published index)."""

    def __init__(self, path: Path) -> None:
        self.path = path
        path.parent.mkdir(parents=True, exist_ok=True)
        self._migrated = False

    def _migrate(self, db: sqlite3.Connection) -> None:
        migrate_catalogue(db)

    @contextmanager
    def _connect(self) -> Iterator[sqlite3.Connection]:
        try:
            db = sqlite3.connect(self.path, timeout=30)
        except sqlite3.Error as exc:
            raise catalogue_error(self.path, exc) from None
        try:
            db.execute("PRAGMA journal_mode=WAL")
            if not self._migrated:
                self._migrate(db)
                self._migrated = True
            with db:
                yield db
        except sqlite3.Error as exc:
            raise catalogue_error(self.path, exc) from None
        finally:
            db.close()

    @staticmethod
    def _row_to_article(row: tuple) -> Article:
        aid, title, outlet, url, published, language, text, origin, summary_only = row
        return Article(
            id=aid, title=title, outlet=outlet, url=url,
            published=date.fromisoformat(published) if published else None,
            language=language, text=text, origin=origin, summary_only=bool(summary_only),
        )

    def upsert(self, article: Article, source_id: str | None = None,
               web: WebMeta | None = None) -> Change:
        """Store `article`; an unchanged article is not rewritten (its fetch data is)."""
        now = time.time()
        web = web or WebMeta()
        with self._connect() as db:
            row = db.execute("SELECT hash FROM articles WHERE id = ?", (article.id,)).fetchone()
            if row is not None and row[0] == article.content_hash:  # skips the signature
                self._update_web(db, article.id, web)
                _list(db, source_id, article.id)
                return "unchanged"
        values = (
            article.title, article.outlet, article.url,
            article.published.isoformat() if article.published else None,
            article.language, article.text, article.origin, article.content_hash,
            source_id, int(article.summary_only), web.duplicate_of,
            text_hash(article.text), signature(article.text), web.entry_key, web.etag,
            web.last_modified, article.id, now, now,
        )
        with self._connect() as db:
            # one statement, so two processes storing the same article cannot both insert it
            row = db.execute(_UPSERT, values).fetchone()
            _list(db, source_id, article.id)
            if row is None:  # the stored text is the same: only the fetch data may change
                self._update_web(db, article.id, web)
                return "unchanged"
            return "added" if row[0] == now else "updated"

    @staticmethod
    def _update_web(db: sqlite3.Connection, article_id: str, web: WebMeta) -> None:
        db.execute(
            "UPDATE articles SET entry_key = COALESCE(?, entry_key), etag = COALESCE(?, etag),"
            " last_modified = COALESCE(?, last_modified) WHERE id = ?",
            (web.entry_key, web.etag, web.last_modified, article_id))

    def update_web(self, article_id: str, web: WebMeta, source_id: str | None = None) -> None:
        """Remember fetch validators of an article whose text did not change, and that
        `source_id` lists it (a second source may meet a story the first one stored)."""
        with self._connect() as db:
            self._update_web(db, article_id, web)
            _list(db, source_id, article_id)

    def add_listing(self, source_id: str, article_id: str) -> None:
        """`source_id` lists a stored article it found unchanged."""
        with self._connect() as db:
            _list(db, source_id, article_id)

    def web_state(self, article_id: str) -> StoredWeb | None:
        with self._connect() as db:
            row = db.execute("SELECT id, entry_key, etag, last_modified, duplicate_of FROM "
                             "articles WHERE id = ?", (article_id,)).fetchone()
        return StoredWeb(**dict(zip(StoredWeb.model_fields, row, strict=True))) if row else None

    def find_duplicate(self, article: Article) -> str | None:
        """An existing, kept article with the same story under another id, if any."""
        with self._connect() as db:
            exact = db.execute(
                "SELECT id FROM articles WHERE text_hash = ? AND id != ? AND duplicate_of IS NULL",
                (text_hash(article.text), article.id)).fetchone()
            if exact:
                return exact[0]
            stored = dict(db.execute(
                "SELECT id, signature FROM articles WHERE id != ? AND duplicate_of IS NULL AND "
                "signature IS NOT NULL", (article.id,)).fetchall())
        match = best_match(signature(article.text), stored)
        return match[0] if match else None

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

    def articles(self, duplicates: bool = False) -> Iterator[Article]:
        """Every article, by id; duplicates of a kept article only when asked for."""
        where = "" if duplicates else "WHERE duplicate_of IS NULL"
        with self._connect() as db:
            rows = db.execute(f"SELECT {_COLUMNS} FROM articles {where} ORDER BY id").fetchall()
        for row in rows:
            yield self._row_to_article(row)

    def copies(self) -> dict[str, list[Article]]:
        """Kept article id → the near copies linked to it (never indexed, never quoted):
        what a story lists beside the article it copies."""
        with self._connect() as db:
            rows = db.execute(f"SELECT duplicate_of, {_COLUMNS} FROM articles WHERE "
                              "duplicate_of IS NOT NULL ORDER BY id").fetchall()
        out: dict[str, list[Article]] = {}
        for kept, *row in rows:
            out.setdefault(kept, []).append(self._row_to_article(tuple(row)))
        return out

    def hashes(self, duplicates: bool = True) -> dict[str, str]:
        """Content hash by id; without duplicates, exactly what an index build reads."""
        where = "" if duplicates else " WHERE duplicate_of IS NULL"
        with self._connect() as db:
            return dict(db.execute(f"SELECT id, hash FROM articles{where}").fetchall())

    def delete(self, ids: Iterable[str]) -> int:
        """Delete articles whatever lists them (`unlist` is what sources use)."""
        wanted = [(i,) for i in ids]
        with self._connect() as db:
            db.executemany("DELETE FROM listings WHERE article_id = ?", wanted)
            cur = db.executemany("DELETE FROM articles WHERE id = ?", wanted)
            _record_removals(db, [i for (i,) in wanted])
            return cur.rowcount

    def removed(self) -> set[str]:
        """Ids of the articles that left the catalogue on purpose (see `_STEPS`)."""
        with self._connect() as db:
            return {r[0] for r in db.execute("SELECT id FROM removals")}

    def unlist(self, source_id: str, ids: Iterable[str]) -> int:
        """See `unlist`: a folder's files that are gone leave it, and the catalogue too
        unless another source lists them."""
        with self._connect() as db:
            return unlist(db, source_id, ids)

    def ids_of_source(self, source_id: str) -> set[str]:
        with self._connect() as db:
            rows = db.execute("SELECT article_id FROM listings WHERE source_id = ?",
                              (source_id,))
            return {r[0] for r in rows}

    def sources_of(self, article_id: str) -> set[str]:
        with self._connect() as db:
            rows = db.execute("SELECT source_id FROM listings WHERE article_id = ?",
                              (article_id,))
            return {r[0] for r in rows}

    def restore_listings(self) -> int:
        """After a repair: list each article under the source its row names, where the
        listings were lost with the damaged pages."""
        with self._connect() as db:
            return db.execute(
                "INSERT OR IGNORE INTO listings (source_id, article_id) SELECT source_id, id "
                "FROM articles WHERE source_id IS NOT NULL").rowcount

    def count(self) -> int:
        with self._connect() as db:
            return db.execute("SELECT COUNT(*) FROM articles").fetchone()[0]

    def languages(self) -> dict[str, int]:
        with self._connect() as db:
            return dict(db.execute(
                "SELECT language, COUNT(*) FROM articles GROUP BY language ORDER BY 2 DESC"
            ).fetchall())
