"""The segmented index: a publish writes only what changed, searches see one version, tiers
merge, and versions from before segments still load."""

from __future__ import annotations

import logging
import shutil
from pathlib import Path

import numpy as np
import pytest

import index.store as store_module
from bot.desk import Desk
from corpus.models import Article
from index.embedder import Embedder
from index.passage_text import passage_input
from index.provision import file_sha256
from index.store import FILES, SEGMENT_FILES, IndexStore, IndexVersion, Manifest
from tests.test_index import ARTICLES, CountingEmbedder, article, seeded


def segment_files(store: IndexStore) -> dict[str, tuple[int, int]]:
    """Every file of every segment on disk → (inode, mtime): what a rewrite would change."""
    found = {}
    for name in store.segment_names():
        for path in (store.root / name).iterdir():
            if not path.name.startswith("."):
                info = path.stat()
                found[f"{name}/{path.name}"] = (info.st_ino, info.st_mtime_ns)
    return found


def exact(version: IndexVersion, language: str, query: np.ndarray, k: int,
          allowed: np.ndarray | None = None) -> list[int]:
    """Brute force over the version's served rows: what the merged search must return."""
    rows = np.array([r for r, lang in enumerate(version.row_language) if lang == language
                     and (allowed is None or allowed[r])], np.int64)
    scores = np.asarray(version.vectors[rows]) @ query
    return rows[np.argsort(-scores, kind="stable")[:k]].tolist()


def assert_search_is_exact(version: IndexVersion, query: np.ndarray) -> None:
    allowed = np.arange(len(version.passages)) % 2 == 0
    for language in version.languages:
        for mask in (None, allowed):
            rows, scores = version.search_group(language, query, 5, mask)
            assert rows.tolist() == exact(version, language, query, 5, mask), language
            np.testing.assert_allclose(scores, np.asarray(version.vectors[rows]) @ query,
                                       atol=1e-5)


def test_a_change_writes_one_segment_and_tombstones_the_old_rows(
        desk: Desk, embedder: Embedder) -> None:
    seeded(desk)
    desk.reindex()
    store = desk.store
    before = segment_files(store)
    old_tw = desk.retriever().version.passages[desk.retriever().version.rows_of("tw")[0]]
    new_text = "Taiwan's Ministry of Digital Affairs now also bars schools from DeepSeek."
    desk.catalogue.upsert(article("tw", new_text))
    desk.reindex()

    manifest = store.manifest(store.current_name() or "")
    assert manifest.segments is not None and len(manifest.segments) == 2
    first, added = manifest.segments
    assert manifest.tombstones == {first.name: ["tw"]}
    after = segment_files(store)
    assert {k: v for k, v in after.items() if k.startswith(first.name)} == before  # untouched
    added_articles = [a.id for a in store.stored_articles(manifest.version)
                      if (store.root / added.name / "articles.jsonl").read_text().count(a.id)]
    assert "tw" in added_articles and (store.root / added.name / "faiss-0.index").exists()
    assert {ref.name for ref in manifest.segments} == set(store.segment_names())

    version = desk.retriever().version
    assert version.name == manifest.version and len(version.passages) == manifest.passages
    tw_rows = version.rows_of("tw")
    assert tw_rows and all(version.passages[r].end <= len(new_text) for r in tw_rows)
    assert version.texts(["tw"])["tw"].text == new_text
    # the old text as a question: its own (tombstoned) rows are never found
    query = embedder.queries([ARTICLES["tw"][2][old_tw.start:old_tw.end]])[0]
    assert_search_is_exact(version, query)
    assert desk.ask("Taiwan DeepSeek schools").citations[0].article_id == "tw"


def test_removing_an_article_only_tombstones_and_a_noop_writes_nothing(
        desk: Desk, embedder: Embedder) -> None:
    seeded(desk)
    desk.reindex()
    before = segment_files(desk.store)
    desk.catalogue.delete(["de"])
    stats = desk.reindex()
    manifest = desk.store.manifest(stats.version or "")
    assert segment_files(desk.store) == before  # no segment written, none rewritten
    assert manifest.segments is not None and len(manifest.segments) == 1
    assert manifest.tombstones == {manifest.segments[0].name: ["de"]}
    version = desk.store.load()
    assert "de" not in version.languages and "de" not in version.articles
    assert_search_is_exact(version, embedder.queries(["DeepSeek Datenschutz"])[0])

    versions = desk.store.versions()
    again = desk.reindex()
    assert not again.changed and desk.store.versions() == versions


def test_segments_are_hashed_once_then_checked_by_their_stamp(
        desk: Desk, monkeypatch: pytest.MonkeyPatch) -> None:
    seeded(desk)
    desk.reindex()
    hashed: list[str] = []

    def counting(path: Path) -> str:
        hashed.append(path.name)
        return file_sha256(path)

    monkeypatch.setattr(store_module, "file_sha256", counting)
    IndexStore(desk.store.root).load()  # the first load hashes every file once
    assert sorted(hashed) == sorted([*SEGMENT_FILES, "languages.npz", "faiss-0.index",
                                    "faiss-1.index", "faiss-2.index"])
    hashed.clear()
    IndexStore(desk.store.root).load()  # a later one: the stamps stand for the hashing
    assert hashed == []
    name = desk.store.segment_names()[0]
    (desk.store.root / name / "passages.npy").touch()  # a file changed since: hashed again
    IndexStore(desk.store.root).load()
    assert hashed == ["passages.npy"]


def korean(aid: str, n: int) -> Article:
    """A new article on the Korean story: one small segment's worth of rows."""
    return article("kr").model_copy(update={"id": aid, "text": ARTICLES["kr"][2] + f" ({n})"})


def test_small_segments_merge_by_tier_dropping_tombstoned_rows(
        desk: Desk, embedder: Embedder, monkeypatch: pytest.MonkeyPatch,
        caplog: pytest.LogCaptureFixture) -> None:
    """Each publish adds two articles and rewrites one of the previous publish, so every
    small segment keeps a live article and a tombstoned one until a merge drops the latter."""
    monkeypatch.setattr(store_module, "MERGE_FACTOR", 3)
    seeded(desk)
    desk.reindex()
    with caplog.at_level(logging.INFO, logger="newsdesk"):
        for n in range(1, 5):
            for aid in (f"kr{n}a", f"kr{n}b"):
                desk.catalogue.upsert(korean(aid, n))
            if n > 1:
                desk.catalogue.upsert(korean(f"kr{n - 1}a", 100 + n))  # supersedes one
            desk.reindex()
            manifest = desk.store.manifest(desk.store.current_name() or "")
            assert manifest.segments is not None
            tiers = [store_module._tier(ref.passages) for ref in manifest.segments]
            assert all(tiers.count(t) < 3 for t in tiers), tiers
    merges = [r.message for r in caplog.records if r.message.startswith("merged ")]
    assert merges, "no merge happened"
    version = desk.retriever().version
    assert manifest.passages == len(version.passages)
    assert len(manifest.segments) < 5  # without merges: the first and one per publish
    merged = [s for s in version.segments if s.name not in manifest.tombstones]
    stored = sum(len(s.passages) for s in version.segments)
    dead = sum(1 for s in version.segments for p in s.passages
               if p.article_id in manifest.tombstones.get(s.name, []))
    assert stored == len(version.passages) + dead
    assert dead < 3 * len(version.rows_of("kr1a"))  # three superseded texts, some dropped
    assert any(len(s.passages) > 2 * len(version.rows_of("kr1a")) for s in merged)
    for aid, n in [("kr1a", 102), ("kr3a", 104), ("kr4a", 4), ("kr4b", 4), ("kr2b", 2)]:
        text = version.texts([aid])[aid]
        assert text.text.endswith(f" ({n})"), aid
        rows = version.rows_of(aid)
        # a merge carries each row's own vectors over: those the model gives its text
        np.testing.assert_allclose(
            version.vectors[rows],
            embedder.passages([passage_input(text, version.passages[r]) for r in rows]),
            atol=1e-5)
        sentences = [text.text[x.start:x.end] for r in rows for x in version.passages[r].sentences]
        np.testing.assert_allclose(np.vstack([version.sentences_of(r) for r in rows]),
                                   embedder.passages(sentences), atol=1e-5)
    assert_search_is_exact(version, embedder.queries(["Korea DeepSeek downloads"])[0])
    # segments no kept version names are gone from disk
    kept = {ref.name for v in desk.store.versions()
            for ref in desk.store.manifest(v).segments or []}
    assert set(desk.store.segment_names()) == kept


def write_legacy(store: IndexStore, version: IndexVersion) -> str:
    """The served version rewritten as a version from before segments (all in one folder)."""
    segment = store.root / version.segments[0].name
    folder = store.root / "v-000009"
    folder.mkdir()
    for file in FILES:
        if file == "passages.jsonl":  # records, as passages were stored before arrays
            (folder / file).write_text("".join(p.model_dump_json() + "\n"
                                               for p in version.passages), "utf-8")
            continue
        source = store.root / version.name / file if file == "languages.npz" else segment / file
        shutil.copy(source, folder / file)
    manifest = Manifest(**{**version.manifest.model_dump(), "version": folder.name,
                           "segments": None, "tombstones": {},
                           "files": {f: file_sha256(folder / f) for f in FILES}})
    (folder / "manifest.json").write_text(manifest.model_dump_json(), "utf-8")
    store.point_to(folder.name)
    return folder.name


def test_a_version_from_before_segments_loads_and_is_rewritten_once(
        desk: Desk, embedder: Embedder, caplog: pytest.LogCaptureFixture) -> None:
    seeded(desk)
    desk.reindex()
    store = desk.store
    served = store.load()
    legacy = write_legacy(store, served)
    for name in store.segment_names():
        shutil.rmtree(store.root / name)  # nothing of the segmented layout is left
    old = IndexStore(store.root).load()
    assert old.name == legacy and list(old.passages) == list(served.passages)
    query = embedder.queries(["what did Korea do about DeepSeek"])[0]
    assert_search_is_exact(old, query)

    counting = CountingEmbedder(embedder)
    fresh = Desk(desk.settings, embedder=counting)
    with caplog.at_level(logging.WARNING, logger="newsdesk"):
        stats = fresh.reindex()
    assert stats.changed and counting.embedded == 0  # rewritten, not re-embedded
    assert [r.message for r in caplog.records if "predates segments" in r.message]
    manifest = store.manifest(stats.version or "")
    assert manifest.segments is not None and len(manifest.segments) == 1
    assert list(store.load().passages) == list(served.passages)
    assert not fresh.reindex().changed  # once


def test_an_incremental_build_and_a_noop_load_nothing_of_the_served_version(
        desk: Desk, monkeypatch: pytest.MonkeyPatch) -> None:
    """What keeps a publish after a few new articles at the cost of those articles: the
    served version's rows are neither read nor rewritten."""
    from index.builder import build

    seeded(desk)
    desk.reindex()
    before = segment_files(desk.store)
    desk.catalogue.upsert(article("tw", "Taiwan bars DeepSeek from every public agency now."))
    monkeypatch.setattr(IndexStore, "load", lambda self: pytest.fail("the version was loaded"))
    monkeypatch.setattr(IndexStore, "segment", lambda *a: pytest.fail("a segment was loaded"))
    for changed in (True, False):
        stats = build(desk.catalogue, desk.store, desk.embedder, desk.settings.models_dir)
        assert stats.changed is changed and stats.articles_embedded == int(changed)
    assert {k: v for k, v in segment_files(desk.store).items() if k in before} == before
    monkeypatch.undo()
    version = desk.store.load()
    assert version.texts(["tw"])["tw"].text.endswith("every public agency now.")
    assert len(version.passages) == stats.passages_total
