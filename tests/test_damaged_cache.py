"""Issue 21, point 5: a damaged vector cache is derived data; indexing sets it aside, says
so in one line, computes what it needs and goes on (the bot's reindex included)."""

from __future__ import annotations

import json
import logging
import os
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import make_settings
from fakes import FakeEmbedder

from bot.desk import Desk
from index.vector_cache import VectorCache

NEWSDESK = str(Path(sys.executable).parent / "newsdesk")


def _article(aid: str, words: str) -> dict[str, str]:
    return {"id": aid, "title": f"{aid} news", "outlet": "Wire", "language": "en",
            "url": f"https://example.org/{aid}", "published": "2025-02-01",
            "text": f"{words}. The committee met on Tuesday to discuss {words}. "
                    f"Officials said {words} would continue next year."}


def _desk(home: Path, models: Path) -> Desk:
    settings = make_settings(home, vector_cache=home / "vectors.sqlite3").model_copy(
        update={"model_cache": models})
    return Desk(settings, embedder=FakeEmbedder())


def _garbage(path: Path) -> None:
    path.write_bytes(b"this is not a database" * 400)
    for suffix in ("-wal", "-shm"):
        path.with_name(path.name + suffix).unlink(missing_ok=True)


def _rot_pages(path: Path) -> None:
    """The header reads, the pages behind it do not: found only when the cache is read."""
    cache = VectorCache(path)
    cache._db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    cache.close()
    data = path.read_bytes()
    path.write_bytes(data[:100] + bytes(b ^ 0xA5 for b in data[100:]))


@pytest.mark.parametrize("damage", [_garbage, _rot_pages])
def test_a_damaged_cache_is_set_aside_and_a_new_article_is_indexed(
        damage, tmp_path: Path, fake_models: Path, caplog: pytest.LogCaptureFixture) -> None:
    home = tmp_path / "home"
    desk = _desk(home, fake_models)
    (tmp_path / "a.json").write_text(json.dumps(_article("first", "solar farms")))
    desk.ingest([tmp_path / "a.json"])
    desk.reindex()
    cache = desk.settings.vector_cache_path
    damage(cache)
    (tmp_path / "b.json").write_text(json.dumps(_article("second", "chip exports")))
    desk.ingest([tmp_path / "b.json"])
    with caplog.at_level(logging.WARNING, logger="newsdesk"):
        stats = desk.reindex()
    assert stats.changed and set(desk.store.load().articles) == {"first", "second"}
    [line] = [r.getMessage() for r in caplog.records if "vector cache" in r.getMessage()]
    assert "damaged" in line and "moved to" in line and "\n" not in line
    assert len(list(home.glob("vectors.sqlite3.damaged-*"))) == 1  # kept, never deleted
    assert VectorCache(cache).rows() > 0  # the new cache holds what was computed


def test_newsdesk_index_goes_on_past_a_damaged_cache(tmp_path: Path) -> None:
    home = tmp_path / "home"
    env = {**os.environ, "NEWSDESK_HOME": str(home),
           "NEWSDESK_VECTOR_CACHE": str(home / "vectors.sqlite3")}
    (tmp_path / "a.json").write_text(json.dumps(_article("first", "solar farms")))
    (tmp_path / "b.json").write_text(json.dumps(_article("second", "chip exports")))

    def run(*args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run([NEWSDESK, *args], capture_output=True, text=True, timeout=600,
                              env=env)

    assert run("ingest", str(tmp_path / "a.json")).returncode == 0
    assert run("index").returncode == 0
    _garbage(home / "vectors.sqlite3")
    assert run("ingest", str(tmp_path / "b.json")).returncode == 0
    indexed = run("index")
    assert indexed.returncode == 0, indexed.stderr
    assert "2 articles" in indexed.stdout
    said = [line for line in indexed.stderr.splitlines() if "vector cache" in line]
    assert len(said) == 1 and "moved to" in said[0], indexed.stderr
    asked = run("ask", "--json", "what about chip exports?")
    assert asked.returncode == 0
    assert json.loads(asked.stdout)["citations"][0]["article_id"] == "second"
