from __future__ import annotations

import sqlite3
import threading
import time
from collections.abc import Callable
from pathlib import Path

import pytest

from corpus.catalogue import HAND, Catalogue
from corpus.errors import CatalogueError
from corpus.models import Article
from corpus.registry import Registry


def art(text: str = "Nvidia said the H20 needs an export licence.", **kw: object) -> Article:
    return Article(id="a1", title="H20", text=text, language="en", **kw)


def test_upsert_reports_changes_and_persists(tmp_path: Path) -> None:
    path = tmp_path / "c.sqlite3"
    cat = Catalogue(path)
    assert cat.upsert(art()) == "added"
    assert cat.upsert(art()) == "unchanged"
    assert cat.upsert(art("Nvidia said licences will be granted again.")) == "updated"
    again = Catalogue(path)
    stored = again.get("a1")
    assert stored is not None and stored.text.startswith("Nvidia said licences")
    assert again.hashes() == {"a1": stored.content_hash}
    assert again.delete(["a1"]) == 1 and again.count() == 0


def test_corrupt_catalogue_is_a_clear_error_and_is_left_alone(tmp_path: Path) -> None:
    path = tmp_path / "c.sqlite3"
    garbage = b"this is not a database" * 100
    path.write_bytes(garbage)
    with pytest.raises(CatalogueError, match=r"damaged .*newsdesk doctor") as refused:
        Catalogue(path).count()
    assert "move it aside" not in str(refused.value)
    assert path.read_bytes() == garbage


FIRST_RELEASE = """
CREATE TABLE articles (id TEXT PRIMARY KEY, title TEXT NOT NULL, source TEXT NOT NULL,
    url TEXT NOT NULL, published TEXT, language TEXT NOT NULL, text TEXT NOT NULL,
    origin TEXT NOT NULL, hash TEXT NOT NULL, source_id TEXT, added_at REAL NOT NULL,
    updated_at REAL NOT NULL);
CREATE INDEX articles_url ON articles(url);
CREATE INDEX articles_source ON articles(source_id);
"""


def race(path: Path, work: Callable[[], object], writers: int = 2) -> list[object]:
    """Run `work` in `writers` threads (each its own connection, as two processes would have)
    that all start while another connection holds the write lock, so all of them have read
    what they read before any of them may write."""
    blocker = sqlite3.connect(path, isolation_level=None)
    blocker.execute("BEGIN IMMEDIATE")
    results: list[object] = []

    def run() -> None:
        try:
            results.append(work())
        except Exception as exc:
            results.append(exc)

    threads = [threading.Thread(target=run) for _ in range(writers)]
    for thread in threads:
        thread.start()
    time.sleep(1.0)  # every writer now waits on the lock
    blocker.execute("COMMIT")
    blocker.close()
    for thread in threads:
        thread.join(60)
    return results


def test_two_writers_at_once_both_succeed(tmp_path: Path) -> None:
    """Point 5: migrations and upserts are safe when two processes write at once."""
    path = tmp_path / "c.sqlite3"
    with sqlite3.connect(path) as db:  # a catalogue from before the migrated columns
        db.execute("PRAGMA journal_mode=WAL")
        db.executescript(FIRST_RELEASE)
    opened = race(path, lambda: Catalogue(path).count())
    assert opened == [0, 0], opened

    stored = race(path, lambda: Catalogue(path).upsert(art()))
    assert sorted(map(str, stored)) == ["added", "unchanged"], stored
    assert Catalogue(path).count() == 1


OLD_SOURCES = """
CREATE TABLE sources (id TEXT PRIMARY KEY, kind TEXT NOT NULL, location TEXT NOT NULL UNIQUE,
    added_by TEXT NOT NULL, added_at REAL NOT NULL, last_fetch REAL,
    status TEXT NOT NULL DEFAULT 'new', item_count INTEGER NOT NULL DEFAULT 0,
    last_error TEXT, etag TEXT, last_modified TEXT);
INSERT INTO sources (id, kind, location, added_by, added_at) VALUES
    ('f-feed', 'feed', 'https://example.org/feed.xml', 'cli', 1.0),
    ('u-page', 'url', 'https://example.org/shared', 'cli', 2.0);
"""


def old_article(aid: str, source_id: str | None) -> tuple:
    a = Article(id=aid, title=aid, outlet="Wire", language="en", origin="x",
                text=f"Story {aid}: Nvidia said the H20 needs an export licence.")
    return (a.id, a.title, a.outlet, a.url, None, a.language, a.text, a.origin,
            a.content_hash, source_id, 1.0, 1.0)


def test_an_old_catalogue_lists_each_article_under_its_source_and_removal_keeps_shared_ones(
        tmp_path: Path) -> None:
    """Issue 11: articles had one `source_id`; the listings start from it, and an article a
    second source lists too survives the removal of the first."""
    path = tmp_path / "c.sqlite3"
    with sqlite3.connect(path) as db:
        db.executescript(FIRST_RELEASE + OLD_SOURCES)
        db.executemany("INSERT INTO articles VALUES (?,?,?,?,?,?,?,?,?,?,?,?)", [
            old_article("only-feed", "f-feed"), old_article("shared", "f-feed"),
            old_article("ingested", None)])
    catalogue, registry = Catalogue(path), Registry(path)
    assert catalogue.sources_of("shared") == {"f-feed"}
    assert catalogue.sources_of("ingested") == {HAND}  # issue 19: a hand ingest's listing
    assert catalogue.ids_of_source("f-feed") == {"only-feed", "shared"}

    shared = catalogue.get("shared")
    assert shared is not None
    assert catalogue.upsert(shared, source_id="u-page") == "unchanged"  # the URL source meets it
    assert catalogue.sources_of("shared") == {"f-feed", "u-page"}

    source, removed = registry.remove("f-feed")
    assert (source.id, removed) == ("f-feed", 1)
    assert {a.id for a in catalogue.articles()} == {"shared", "ingested"}
    assert catalogue.sources_of("shared") == {"u-page"}
    with sqlite3.connect(path) as db:  # what an older release reads names a live source
        assert db.execute("SELECT source_id FROM articles WHERE id = 'shared'").fetchone() == \
            ("u-page",)

    assert registry.remove("u-page")[1] == 1
    assert {a.id for a in catalogue.articles()} == {"ingested"}  # added by hand: kept
