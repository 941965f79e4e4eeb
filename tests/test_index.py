"""Incremental builds, atomic publishing, and surviving crashes and damage."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import numpy as np
import pytest

from bot.desk import Desk
from corpus.models import Article
from index.embedder import Embedder
from index.filters import Filters
from index.ranking import ArticleNotIndexed
from index.store import IndexCorrupt

ARTICLES = {
    "kr": ("Séoul suspend DeepSeek", "fr",
           "Le 17 février, le gouvernement sud-coréen a suspendu les nouveaux téléchargements "
           "de l’application DeepSeek. Le Service national de renseignement avait averti des "
           "risques pour la vie privée.\n\nLe président par intérim a aussi annoncé l’achat de "
           "10 000 GPU pour rattraper son retard."),
    "tw": ("Taiwan bars DeepSeek", "en",
           "Taiwan's Ministry of Digital Affairs barred government agencies from using DeepSeek, "
           "citing information security risks. Critical infrastructure operators are covered "
           "too."),
    "de": ("Berlin meldet DeepSeek", "de",
           "Die Berliner Datenschutzbeauftragte hat DeepSeek bei Apple und Google gemeldet. Die "
           "App übermittle Daten unrechtmäßig nach China."),
}


def article(aid: str, text: str | None = None) -> Article:
    title, lang, body = ARTICLES[aid]
    return Article(id=aid, title=title, language=lang, text=text or body,
                   url=f"https://example.org/{aid}")


class CountingEmbedder:
    """The real embedder, counting passages; optionally raising part-way like a crash."""

    def __init__(self, real: Embedder, fail_after: int | None = None) -> None:
        self.real, self.fail_after, self.embedded = real, fail_after, 0
        self.id, self.dim, self.name = real.id, real.dim, real.name
        self.recipe, self.passage_prefix = real.recipe, real.passage_prefix
        self.batch_size = real.batch_size

    def queries(self, texts: Sequence[str]) -> np.ndarray:
        return self.real.queries(texts)

    def passages(self, texts: Sequence[str], progress=None) -> np.ndarray:
        def count(n: int) -> None:
            self.embedded += n
            if self.fail_after is not None and self.embedded >= self.fail_after:
                raise RuntimeError("simulated crash inside the embedder")
            if progress:
                progress(n)

        return self.real._encode(texts, self.real._passage_prompt, count)


def seeded(desk: Desk) -> None:
    for aid in ARTICLES:
        desk.catalogue.upsert(article(aid))


def test_only_changed_articles_are_reembedded(desk: Desk, embedder: Embedder,
                                              tmp_path: Path) -> None:
    counting = CountingEmbedder(embedder)
    desk._embedder = counting
    desk.tuned(vector_cache=tmp_path / "own-vectors.sqlite3")  # counts what it computes
    seeded(desk)
    first = desk.reindex()
    total = first.passages_total
    embedded = first.passages_embedded + first.sentences_embedded  # passages, then sentences
    assert first.changed and first.passages_embedded == total and counting.embedded == embedded
    assert desk.reindex().changed is False and counting.embedded == embedded

    counting.embedded = 0
    desk.catalogue.upsert(article("tw", "Taiwan's Ministry of Digital Affairs now also bars "
                                        "schools from using DeepSeek on their networks."))
    second = desk.reindex()
    tw_passages = [p for p in desk.retriever().version.passages if p.article_id == "tw"]
    assert second.articles_embedded == 1 and second.articles_reused == 2
    assert second.passages_embedded == len(tw_passages)
    assert counting.embedded == len(tw_passages) + sum(len(p.sentences) for p in tw_passages)
    assert second.passages_total == total - 1 + len(tw_passages) or second.passages_total > 0

    desk.catalogue.delete(["de"])
    counting.embedded = 0
    third = desk.reindex()
    assert third.articles_removed == 1 and counting.embedded == 0
    version = desk.retriever().version
    assert "de" not in version.articles and all(p.article_id != "de" for p in version.passages)
    # vectors reused from the previous version are the ones the real model gives
    kr_rows = [i for i, p in enumerate(version.passages) if p.article_id == "kr"]
    kr = version.texts(["kr"])["kr"]
    from index.passage_text import passage_input

    fresh = embedder.passages([passage_input(kr, version.passages[i]) for i in kr_rows])
    np.testing.assert_allclose(version.vectors[kr_rows], fresh, atol=1e-5)


def test_a_reindex_killed_part_way_leaves_the_previous_index_serving(
    desk: Desk, embedder: Embedder
) -> None:
    seeded(desk)
    desk.reindex()
    before = desk.store.current_name()
    answer = desk.ask("what did Korea do about DeepSeek")
    assert answer.citations[0].article_id == "kr"

    for aid in ("tw", "de"):  # these change, so the next build must embed them; kr does not
        desk.catalogue.upsert(article(aid, ARTICLES[aid][2] + " Mise à jour."))
    desk._embedder = CountingEmbedder(embedder, fail_after=2)
    with pytest.raises(RuntimeError, match="simulated crash"):
        desk.reindex()
    assert desk.store.current_name() == before
    assert not list(desk.store.root.glob(".building-*"))
    # the running retriever and a fresh process both still answer from the old version;
    # not from tw's old text, which the catalogue (what a member opens) no longer holds
    taiwan = "Taiwan DeepSeek government agencies"
    assert desk.ask("what did Korea do about DeepSeek").citations[0].article_id == "kr"
    fresh = Desk(desk.settings, embedder=embedder)
    assert fresh.retriever().version.name == before
    assert fresh.ask("what did Korea do about DeepSeek").citations[0].article_id == "kr"
    assert all(c.article_id != "tw" for c in fresh.ask(taiwan).citations)

    desk._embedder = embedder  # the next build succeeds and is swapped in
    stats = desk.reindex()
    assert stats.changed and desk.retriever().version.name == stats.version != before
    assert desk.ask(taiwan).citations[0].article_id == "tw"


def segments(desk: Desk, version: str) -> set[str]:
    """The segments a version names."""
    return {ref.name for ref in desk.store.manifest(version).segments or []}


def test_damaged_current_version_falls_back_or_says_how_to_rebuild(desk: Desk) -> None:
    seeded(desk)
    desk.reindex()
    first = desk.store.current_name()
    desk.catalogue.upsert(article("tw", "Taiwan bars DeepSeek from every public agency now."))
    desk.reindex()
    second = desk.store.current_name()
    assert first and second and second != first
    older, newer = segments(desk, first), segments(desk, second)
    added = desk.store.root / (newer - older).pop() / "vectors.npy"  # what the second wrote
    added.write_bytes(added.read_bytes()[:-100])  # a torn write
    assert desk.store.load().name == first  # the previous intact version serves
    (desk.store.root / older.pop() / "passages.npy").write_text("garbage", "utf-8")
    with pytest.raises(IndexCorrupt, match="newsdesk index --full"):
        desk.store.load()
    stats = desk.reindex()  # a damaged index is rebuilt from the catalogue
    assert stats.changed and desk.store.load().name == stats.version


def test_empty_catalogue_builds_an_empty_index(desk: Desk, tmp_path: Path) -> None:
    stats = desk.reindex()
    assert stats.changed and stats.passages_total == 0
    assert desk.ask("anything at all?").abstained


def test_a_damaged_pointer_serves_the_newest_intact_version_and_is_repaired(
    desk: Desk, embedder: Embedder
) -> None:
    """Point 6: CURRENT deleted, zero-filled, not UTF-8 or naming a missing version: the newest
    intact version answers, nothing is re-embedded, and the next index run fixes CURRENT."""
    counting = CountingEmbedder(embedder)
    seeded(desk)
    desk.reindex()
    for extra in (" Mise à jour.", " Deuxième mise à jour."):
        desk.catalogue.upsert(article("kr", ARTICLES["kr"][2] + extra))
        desk.reindex()
    newest = desk.store.current_name()
    assert newest is not None and len(desk.store.versions()) == 3
    pointer = desk.store.root / "CURRENT"
    damage = {"deleted": pointer.unlink, "zero-filled": lambda: pointer.write_bytes(b"\0" * 9),
              "not UTF-8": lambda: pointer.write_bytes(b"v-00\xff003\n"),
              "names a missing version": lambda: pointer.write_text("v-000099\n", "utf-8")}
    for how, harm in damage.items():
        harm()
        fresh = Desk(desk.settings, embedder=counting)  # a new process meets the damage
        assert fresh.store.load().name == newest, how
        assert fresh.ask("what did Korea do about DeepSeek").citations[0].article_id == "kr"
        assert fresh.stats().index_version == newest
        stats = fresh.reindex()
        assert (stats.changed, stats.version, counting.embedded) == (False, newest, 0), how
        assert pointer.read_text("utf-8") == f"{newest}\n", how


def test_leftovers_of_killed_builds_are_removed_at_the_next_publish(desk: Desk) -> None:
    """Point 11: a killed build leaves a `.building-*` folder and a `.CURRENT.<pid>` file; the
    next publish, holding the build lock, removes them however young they are."""
    seeded(desk)
    desk.reindex()
    root = desk.store.root
    (root / ".building-x1y2z3").mkdir()
    (root / ".building-x1y2z3" / "vectors.npy").write_bytes(b"half a file")
    (root / ".CURRENT.99999").write_text("v-000002\n", "utf-8")
    desk.catalogue.upsert(article("tw", "Taiwan bars DeepSeek from every public agency now."))
    stats = desk.reindex()
    assert stats.changed
    assert sorted(p.name for p in root.iterdir() if p.name.startswith(".")) == [".lock"]
    assert desk.store.current_name() == stats.version


def test_sentence_weighting_in_one_product_scores_each_passage_by_its_best_sentence(
        sample_desk: Desk) -> None:
    """Issue 13: the blend is computed for every candidate at once; each passage still gets
    (passage + best sentence) / 2, its best sentence never below the passage, whatever other
    rows share the product."""
    from index.ranking import blend_best_sentence

    version = sample_desk.retriever().version
    query = sample_desk.embedder.queries(["what did Korea do about DeepSeek"])[0]
    rows = np.arange(len(version.passages))
    scores = (version.vectors @ query).astype(np.float32)
    blended = blend_best_sentence(version, rows, scores, query, 1.0)
    expected = [(s + max(float(np.max(version.sentences_of(int(r)) @ query)), s)) / 2
                for r, s in zip(rows, scores.tolist(), strict=True)]
    np.testing.assert_allclose(blended, expected, atol=1e-6)
    assert all(b >= s - 1e-7 for b, s in zip(blended, scores, strict=True))
    few = rows[::7]  # a different set of neighbours in the product: the same scores
    assert np.array_equal(blend_best_sentence(version, few, scores[few], query, 1.0),
                          blended[few])


def test_more_like_this_finds_the_same_story_in_any_language(sample_desk: Desk) -> None:
    """Issue 11: the next best articles on the story of the given ones, none of those or of
    the ones already shown, filters applied."""
    more = sample_desk.more_like(["en-nvidia-h20-export-curbs"], k=1)
    assert [ref.id for ref in more] == ["en-nvidia-h20-resumes"]
    assert more[0].outlet == "Capital Markets Dispatch" and more[0].title
    # a Spanish story about a Nobel prize finds the German one about the other Nobel prize
    assert sample_desk.more_like(["es-nobel-quimica-alphafold"], k=1)[0].id == \
        "de-nobelpreis-physik-hinton"
    bans = [ref.id for ref in sample_desk.more_like(["en-taiwan-deepseek-ban"], k=3)]
    assert len(bans) == 3 and all("deepseek" in i for i in bans)
    assert "en-taiwan-deepseek-ban" not in bans
    further = [ref.id for ref in sample_desk.more_like(["en-taiwan-deepseek-ban"], exclude=bans,
                                                       k=3)]
    assert further and not set(further) & {*bans, "en-taiwan-deepseek-ban"}
    assert all("deepseek" in i for i in further)
    german = sample_desk.more_like(["en-taiwan-deepseek-ban"], filters=Filters(language="de"))
    assert german[0].id == "de-berlin-deepseek-appstores"
    assert all(ref.language == "de" for ref in german)


def test_more_like_an_answer_leaves_out_what_it_cites(sample_desk: Desk) -> None:
    answer = sample_desk.ask("what did Korea do about DeepSeek")
    cited = [c.article_id for c in answer.citations]
    more = [ref.id for ref in sample_desk.more_like(cited, k=5)]
    assert more and not set(more) & set(cited) and len(set(more)) == len(more)
    assert all("deepseek" in i for i in more[:3])
    with pytest.raises(ArticleNotIndexed, match="no article 'nope' in the index"):
        sample_desk.more_like(["nope"])
