"""The embedding cache: no text embedded twice, and a killed `newsdesk index` resumes."""

from __future__ import annotations

import hashlib
import os
import shutil
import signal
import subprocess
import sys
import time
from collections.abc import Sequence
from pathlib import Path

import numpy as np
import pytest

from bot.desk import SAMPLE_DIR, Desk
from corpus.chunker import chunk
from corpus.models import Article
from index.embedder import Embedder
from index.passage_text import passage_input
from index.vector_cache import VectorCache, encode, text_key


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
