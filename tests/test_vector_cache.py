"""The embedding cache: no text embedded twice, and a killed `newsdesk index` resumes."""

from __future__ import annotations

import hashlib
import os
import shutil
import signal
import sqlite3
import subprocess
import sys
import time
from collections.abc import Sequence
from pathlib import Path

import numpy as np
import pytest
from conftest import make_settings
from discord_fixtures import write_articles

from bot.desk import SAMPLE_DIR, Desk
from corpus.chunker import chunk
from corpus.models import Article
from index.embedder import Embedder
from index.passage_text import passage_input
from index.vector_cache import Holding, VectorCache, encode, text_key


@pytest.fixture(autouse=True)
def _own_cache(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """These tests count what is computed: each starts from an empty cache of its own, not
    the run's shared one (conftest)."""
    monkeypatch.setenv("NEWSDESK_VECTOR_CACHE", str(tmp_path / "own-vectors.sqlite3"))

NEWSDESK = str(Path(sys.executable).parent / "newsdesk")


class HashEncoder:
    """Plumbing only: a deterministic vector per text, and a record of every text embedded."""

    id, recipe, passage_prefix, batch_size, dim = "hash", "fp32", "passage: ", 3, 8

    def __init__(self) -> None:
        self.seen: list[str] = []

    def passages(self, texts: Sequence[str], progress=None) -> np.ndarray:
        self.seen += texts
        rows = [np.frombuffer(hashlib.sha256(t.encode()).digest()[:8], np.uint8) for t in texts]
        return np.array(rows, np.float32)


def test_each_distinct_text_is_computed_once_across_calls(tmp_path: Path) -> None:
    cache = VectorCache(tmp_path / "v.sqlite3")
    encoder = HashEncoder()
    texts = ["alpha", "beta", "alpha", "gamma", "delta", "beta", "epsilon"]
    done: list[int] = []
    first, computed = encode(encoder, cache, texts, progress=done.append)
    assert computed == 5 and sorted(encoder.seen) == sorted(set(texts))
    assert sum(done) == len(texts)  # progress counts every text, duplicates included
    np.testing.assert_array_equal(first[0], first[2])  # duplicates share the vector

    again, computed = encode(encoder, cache, [*texts, "zeta"])
    assert computed == 1 and encoder.seen[-1] == "zeta" and len(encoder.seen) == 6
    np.testing.assert_array_equal(again[:len(texts)], first)
    assert cache.rows() == cache.computed() == 6

    other = HashEncoder()
    other.recipe = "int8"  # another encoder's vectors are not this one's
    _, computed = encode(other, cache, ["alpha"])
    assert computed == 1 and cache.rows() == 7
    assert text_key("query: ", "alpha") != text_key("passage: ", "alpha")


def test_batches_already_committed_survive_a_crash_mid_run(tmp_path: Path) -> None:
    class Crashing(HashEncoder):
        def passages(self, texts: Sequence[str], progress=None) -> np.ndarray:
            if len(self.seen) >= 6:
                raise RuntimeError("simulated crash")
            return super().passages(texts, progress)

    cache = VectorCache(tmp_path / "v.sqlite3")
    texts = [f"text {i}" for i in range(10)]
    with pytest.raises(RuntimeError):
        encode(Crashing(), cache, texts)
    assert cache.rows() == 6  # two batches of three were committed before the crash
    committed = {t for t in texts if cache.get("hash", "fp32", [text_key("passage: ", t)])}
    resumed = HashEncoder()
    _, computed = encode(resumed, cache, texts)
    assert computed == 4 and set(resumed.seen) == set(texts) - committed
    assert cache.computed() == cache.rows() == len(texts)


def _distinct_texts(articles: list[Article], prefix: str) -> set[bytes]:
    keys = set()
    for article in articles:
        for p in chunk(article):
            keys.add(text_key(prefix, passage_input(article, p)))
            keys.update(text_key(prefix, article.text[s.start:s.end]) for s in p.sentences)
    return keys


def test_full_reindex_and_a_lost_index_embed_nothing_again(desk: Desk, embedder: Embedder,
                                                           tmp_path: Path) -> None:
    folder = tmp_path / "few"
    folder.mkdir()
    for path in sorted(SAMPLE_DIR.glob("*.md"))[:3]:
        shutil.copy(path, folder)
    desk.ingest([folder])
    first = desk.reindex()
    assert first.vectors_computed > 0 and first.vectors_cached == \
        first.passages_embedded + first.sentences_embedded - first.vectors_computed
    before = embedder.computed

    full = desk.reindex(full=True)
    assert full.changed and full.vectors_computed == 0 and embedder.computed == before
    shutil.rmtree(desk.store.root)  # the index is gone; the vectors are not
    rebuilt = desk.reindex()
    assert rebuilt.vectors_computed == 0 and embedder.computed == before
    version = desk.retriever().version
    assert set(version.articles) == {a.id for a in desk.catalogue.articles()}
    # cached vectors are the model's own
    row = 0
    article = version.texts([version.passages[row].article_id])[version.passages[row].article_id]
    fresh = embedder.passages([passage_input(article, version.passages[row])])
    np.testing.assert_allclose(version.vectors[row], fresh[0], atol=1e-5)

    cache = VectorCache(desk.settings.vector_cache_path)
    distinct = _distinct_texts(list(desk.catalogue.articles()), embedder.passage_prefix)
    assert cache.rows() == cache.computed() == len(distinct)


def _index(home: Path, **env: str) -> subprocess.Popen[str]:
    return subprocess.Popen([NEWSDESK, "index"], stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True,
                            env={**os.environ, "NEWSDESK_HOME": str(home), **env})


def _rows(path: Path) -> int:
    if not path.is_file():
        return 0
    cache = VectorCache(path)
    try:
        return cache.rows()
    finally:
        cache.close()


def _kill_when(process: subprocess.Popen[str], path: Path, rows: int) -> int:
    """SIGKILL once the cache holds `rows` vectors, wherever the run then is (encoding the
    next batch, committing, pausing); the vectors the cache holds after the kill."""
    deadline = time.monotonic() + 300
    while time.monotonic() < deadline and process.poll() is None:
        if _rows(path) >= rows:
            process.send_signal(signal.SIGKILL)
            process.wait()
            return _rows(path)
        time.sleep(0.05)
    out, err = process.communicate()
    raise AssertionError(f"the index run ended before it could be killed: {out}{err}")


@pytest.mark.slow
def test_index_killed_twice_resumes_and_computes_no_vector_twice(settings, tmp_path) -> None:
    folder = tmp_path / "news"
    folder.mkdir()
    for path in sorted(SAMPLE_DIR.glob("*.md"))[:4]:
        shutil.copy(path, folder)
    desk = Desk(settings)
    desk.ingest([folder])
    articles = list(desk.catalogue.articles())
    home, cache_path = settings.home, settings.vector_cache_path
    env = {"NEWSDESK_BATCH_SIZE": "4", "NEWSDESK_TEST_BATCH_PAUSE": "0.3"}

    first = _kill_when(_index(home, **env), cache_path, 8)
    assert first >= 8 and desk.store.current_name() is None  # killed before publishing
    second = _kill_when(_index(home, **env), cache_path, first + 8)
    assert second >= first + 8 and desk.store.current_name() is None

    done = _index(home)
    out, err = done.communicate(timeout=600)
    assert done.returncode == 0, err
    version = desk.store.load()
    assert set(version.articles) == {a.id for a in articles}
    assert len(version.passages) == sum(len(chunk(a)) for a in articles)

    cache = VectorCache(cache_path)
    prefix = Embedder(settings).passage_prefix
    distinct = _distinct_texts(articles, prefix)
    # every distinct text embedded exactly once over three processes, two of them killed
    assert cache.rows() == len(distinct) and cache.computed() == len(distinct)
    # what the killed runs committed was reused, not computed again
    assert f"computed {len(distinct) - second} vectors" in out, out


def _age(path: Path, days: int) -> None:
    """Time passing, on the real file: every row last used `days` days earlier."""
    with sqlite3.connect(path) as db:
        db.execute("UPDATE dates SET used = used - ?", (days,))


def _keys(desk: Desk, ids: set[str], prefix: str) -> set[bytes]:
    return _distinct_texts([a for a in desk.catalogue.articles() if a.id in ids], prefix)


def _held(path: Path, model: str, recipe: str) -> set[bytes]:
    with sqlite3.connect(path) as db:
        return {k for (k,) in db.execute(
            "SELECT key FROM vectors WHERE model = ? AND recipe = ?", (model, recipe))}


def test_prune_keeps_what_any_home_sharing_the_cache_used_in_the_window(
        settings, embedder: Embedder, tmp_path: Path) -> None:
    """Two data homes share one cache file. Home A prunes: the vectors of the article it
    removed go, its served articles' vectors stay although no build looked them up, and
    home B's stay although A's catalogue does not use them: B used them this month."""
    path = settings.vector_cache_path
    homes = {}
    for name, ids in (("a", ("a-kept", "a-removed")), ("b", ("b-own",))):
        desk = Desk(make_settings(tmp_path / name), embedder=embedder)
        write_articles(tmp_path / f"{name}-news", {
            aid: ("en", f"Article {aid}", "2025-01-15",
                  f"{aid} is about a chip maker in {name}. It hired {len(aid)} engineers. "
                  f"Its rival in {aid} did not.\n\nA second paragraph on {aid} follows.")
            for aid in ids})
        assert not desk.ingest([tmp_path / f"{name}-news"]).errors
        desk.reindex()
        homes[name] = desk
    a, b = homes["a"], homes["b"]
    assert a.settings.vector_cache_path == b.settings.vector_cache_path == path
    prefix, model, recipe = embedder.passage_prefix, embedder.id, embedder.recipe
    kept, removed = _keys(a, {"a-kept"}, prefix), _keys(a, {"a-removed"}, prefix)
    others = _keys(b, {"b-own"}, prefix)
    assert _held(path, model, recipe) == kept | removed | others

    _age(path, 40)
    assert b.reindex(full=True).vectors_computed == 0  # B uses its vectors today
    a.catalogue.delete(["a-removed"])
    assert a.reindex().articles_removed == 1  # incremental: looks up no vector of a-kept

    # what a user runs, in a process of its own (the shared cache through the environment)
    done = subprocess.run([NEWSDESK, "index", "--prune-cache"], capture_output=True,
                          text=True, timeout=600,
                          env={**os.environ, "NEWSDESK_HOME": str(a.settings.home)})
    assert done.returncode == 0, done.stderr
    assert f"kept the {len(kept)} vectors this catalogue uses, removed {len(removed - kept)} "\
        f"unused for 30 days or more; {len(kept | others)} left" in done.stdout, done.stdout
    assert _held(path, model, recipe) == kept | others
    assert a.reindex(full=True).vectors_computed == 0
    assert b.reindex(full=True).vectors_computed == 0

    # the same day, even "unused today" spares whatever anyone used today (the shared
    # cache of a test run: every other test's corpus was used today)
    assert a.prune_cache(0).removed == 0 and _held(path, model, recipe) == kept | others

    bad = subprocess.run([NEWSDESK, "index", "--prune-cache", "-3"], capture_output=True,
                         text=True, timeout=600,
                         env={**os.environ, "NEWSDESK_HOME": str(a.settings.home)})
    assert bad.returncode == 1 and bad.stderr.strip().splitlines() == [
        "error: --prune-cache takes a number of days, 0 or more (not -3)"]


def _first_layout(path: Path, rows: list[tuple[bytes, np.ndarray]]) -> None:
    """A cache as newsdesk wrote them before pruning: WITHOUT ROWID, no `used`."""
    with sqlite3.connect(path) as db:
        db.executescript("""
            CREATE TABLE vectors (model TEXT NOT NULL, recipe TEXT NOT NULL, key BLOB NOT NULL,
                vector BLOB NOT NULL, PRIMARY KEY (model, recipe, key)) WITHOUT ROWID;
            CREATE TABLE counters (name TEXT PRIMARY KEY, value INTEGER NOT NULL);""")
        db.execute("INSERT INTO counters VALUES ('computed', ?)", (len(rows),))
        db.executemany("INSERT INTO vectors VALUES ('hash', 'fp32', ?, ?)",
                       [(k, v.astype(np.float32).tobytes()) for k, v in rows])


def test_a_cache_from_before_pruning_is_migrated_with_every_row_kept(tmp_path: Path) -> None:
    path = tmp_path / "old.sqlite3"
    _first_layout(path, [(text_key("passage: ", t), np.ones(8)) for t in ("alpha", "beta")])
    cache = VectorCache(path)
    assert cache.prune(0) == 0  # ages unknown: dated today, the guess that keeps them
    assert cache.holdings() == [Holding("hash", "fp32", rows=2, stale=0)]
    encoder = HashEncoder()
    _, computed = encode(encoder, cache, ["alpha", "beta", "gamma"])
    assert computed == 1 and encoder.seen == ["gamma"] and cache.computed() == cache.rows() == 3
    cache.close()
    _age(path, 31)
    cache = VectorCache(path)  # reopened: migrated once, not again
    assert cache.holdings() == [Holding("hash", "fp32", rows=3, stale=3)]
    encode(encoder, cache, ["beta"])  # a lookup is a use
    assert cache.holdings() == [Holding("hash", "fp32", rows=3, stale=2)]
    assert cache.prune(30) == 2 and cache.rows() == 1


def test_a_prune_gives_the_space_back(tmp_path: Path) -> None:
    cache = VectorCache(tmp_path / "v.sqlite3")
    keys = [i.to_bytes(32, "big") for i in range(3000)]
    cache.put("e5", "fp32", keys, np.ones((3000, 384)))
    full = cache.size()
    cache.close()
    with sqlite3.connect(tmp_path / "v.sqlite3") as db:
        db.execute("UPDATE dates SET used = used - 31 WHERE id % 3 != 0")  # 2/3 unused
    cache = VectorCache(tmp_path / "v.sqlite3")
    assert cache.prune(30) == 2000 and cache.rows() == 1000
    assert cache.size() < full * 0.4, (cache.size(), full)


def test_the_first_layout_is_rewritten_once_at_half_the_size(tmp_path: Path) -> None:
    """WITHOUT ROWID gave each 384-d row an overflow page of its own (4.8 KB a row)."""
    path = tmp_path / "old.sqlite3"
    rows = [(i.to_bytes(32, "big"), np.full(384, i, np.float32)) for i in range(2000)]
    _first_layout(path, rows)
    before = path.stat().st_size
    cache = VectorCache(path)
    assert cache.size() < before / 2 and cache.rows() == cache.computed() == 2000
    found = cache.get("hash", "fp32", [rows[7][0], rows[1999][0]])
    np.testing.assert_array_equal(found[rows[1999][0]], rows[1999][1])
    cache.close()
    with sqlite3.connect(path) as db:
        [sql] = db.execute("SELECT sql FROM sqlite_master WHERE name = 'vectors'").fetchone()
        assert "WITHOUT ROWID" not in sql.upper()
        assert db.execute("PRAGMA auto_vacuum").fetchone()[0] == 2  # prunes give space back


def test_an_index_with_nothing_to_publish_clears_what_a_killed_publish_left(
        desk: Desk, tmp_path: Path) -> None:
    """A kill after CURRENT switched, in the clean-up, left a temp folder no later build
    removed: the next `index` had nothing to publish (benchmarks/bench_kill.py, seed 13)."""
    folder = tmp_path / "two"
    folder.mkdir()
    for path in sorted(SAMPLE_DIR.glob("*.md"))[:2]:
        shutil.copy(path, folder)
    desk.ingest([folder])
    name = desk.reindex().version
    root = desk.store.root
    (root / ".building-k1lled").mkdir()  # a segment half-written by the killed run before
    (root / ".building-k1lled" / "vectors.npy").write_bytes(b"\0" * 4096)
    (root / f".CURRENT.{os.getpid() + 1}").write_text(f"{name}\n")
    orphan = root / "s-000099"  # renamed into place, its version never written
    orphan.mkdir()
    (orphan / "held.json").write_text("{}")

    stats = desk.reindex()
    assert not stats.changed and stats.version == name
    assert desk.store.leftovers() == [] and not orphan.exists()
    assert desk.store.current_name() == name and desk.store.verify(name)
    assert desk.store.segment_names() == [r.name for r in desk.store.manifest(name).segments]
