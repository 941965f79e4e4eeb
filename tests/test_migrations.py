"""Each SQLite schema opens a file made by the schema before this one, adds what it lacks
once, and records its steps in the file."""

from __future__ import annotations

import sqlite3
import threading
from pathlib import Path

import pytest

from bot.discord.storage import _STEPS as storage_steps
from bot.discord.storage import Storage
from corpus.catalogue import _STEPS as CATALOGUE_STEPS
from corpus.catalogue import Catalogue
from corpus.migrations import applied, migrate
from corpus.models import Article
from corpus.registry import Registry

# the articles table as the first release made it, before any column was added
FIRST_RELEASE = """
CREATE TABLE articles (
    id TEXT PRIMARY KEY, title TEXT NOT NULL, source TEXT NOT NULL, url TEXT NOT NULL,
    published TEXT, language TEXT NOT NULL, text TEXT NOT NULL, origin TEXT NOT NULL,
    hash TEXT NOT NULL, source_id TEXT, added_at REAL NOT NULL, updated_at REAL NOT NULL);
INSERT INTO articles VALUES ('old', 'Old story', 'Wire', '', '2024-05-01', 'en',
    'Nvidia said the H20 needs an export licence.', 'old.md', 'h', NULL, 1.0, 1.0);
CREATE TABLE sources (
    id TEXT PRIMARY KEY, kind TEXT NOT NULL, location TEXT NOT NULL UNIQUE,
    added_by TEXT NOT NULL, added_at REAL NOT NULL, last_fetch REAL,
    status TEXT NOT NULL DEFAULT 'new', item_count INTEGER NOT NULL DEFAULT 0,
    last_error TEXT, etag TEXT, last_modified TEXT);
INSERT INTO sources (id, kind, location, added_by, added_at)
    VALUES ('u-1', 'url', 'https://example.org/a', 'cli', 1.0);
"""


def columns(path: Path, table: str) -> set[str]:
    with sqlite3.connect(path) as db:
        return {row[1] for row in db.execute(f"PRAGMA table_info({table})")}


def steps(path: Path, schema: str) -> int:
    with sqlite3.connect(path) as db:
        return applied(db, schema)


def test_a_first_release_catalogue_keeps_its_rows_and_gains_every_column(
        tmp_path: Path) -> None:
    path = tmp_path / "catalogue.sqlite3"
    with sqlite3.connect(path) as db:
        db.executescript(FIRST_RELEASE)
    assert "summary_only" not in columns(path, "articles") and steps(path, "catalogue") == 0

    catalogue = Catalogue(path)
    old = catalogue.get("old")
    assert old is not None and old.text.startswith("Nvidia said") and old.outlet == "Wire"
    assert "outlet" in columns(path, "articles") and "source" not in columns(path, "articles")
    assert {"summary_only", "duplicate_of", "text_hash", "entry_key"} <= columns(
        path, "articles")
    assert steps(path, "catalogue") == len(CATALOGUE_STEPS)
    assert catalogue.upsert(Article(id="new", title="New", text="DeepSeek released R2.",
                                    language="en")) == "added"
    assert Registry(path).get("u-1").location == "https://example.org/a"
    assert steps(path, "registry") == 1


def test_steps_run_once_when_two_processes_open_an_old_file_together(tmp_path: Path) -> None:
    path = tmp_path / "catalogue.sqlite3"
    with sqlite3.connect(path) as db:
        db.executescript(FIRST_RELEASE)
    ran: list[int] = []
    errors: list[BaseException] = []

    def open_it() -> None:
        try:
            with sqlite3.connect(path, timeout=30) as db:
                ran.append(migrate(db, "catalogue", CATALOGUE_STEPS))
        except BaseException as exc:
            errors.append(exc)

    threads = [threading.Thread(target=open_it) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors and sorted(ran) == [0, 0, 0, len(CATALOGUE_STEPS)]
    with sqlite3.connect(path) as db:
        assert db.execute("SELECT COUNT(*) FROM _migrations").fetchone()[0] == \
            len(CATALOGUE_STEPS)


def test_a_failing_step_leaves_the_file_as_it_was(tmp_path: Path) -> None:
    path = tmp_path / "x.sqlite3"
    with sqlite3.connect(path) as db, pytest.raises(sqlite3.OperationalError):
        migrate(db, "x", ["CREATE TABLE t (a INTEGER)", "ALTER TABLE missing ADD COLUMN b"])
    assert columns(path, "t") == set() and steps(path, "x") == 0


@pytest.mark.asyncio
async def test_bot_storage_from_before_the_scheme_keeps_its_settings(tmp_path: Path) -> None:
    path = tmp_path / "bot.sqlite3"
    with sqlite3.connect(path) as db:
        db.executescript("""
            CREATE TABLE guilds (guild_id INTEGER PRIMARY KEY, moderator_role INTEGER,
                                 cooldown REAL NOT NULL DEFAULT 10);
            INSERT INTO guilds VALUES (7, 42, 3.5);""")
    storage = Storage(path)
    await storage.setup()
    config = await storage.guild(7)
    assert (config.moderator_role, config.cooldown) == (42, 3.5)
    assert steps(path, "storage") == len(storage_steps)
    assert await storage.record_answer(7, 1, 2, "who?", [], abstained=True) == 1
