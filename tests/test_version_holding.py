"""What a loaded version holds: passages as memory-mapped arrays, no article text; the text
of an answer's hits read by id from the segment, the very text its offsets were computed on."""

from __future__ import annotations

import logging

import numpy as np
import pytest

from bot.desk import Desk
from index.store import ArticleInfo, IndexStore, Passages, Records
from tests.test_index import ARTICLES, article, seeded

QUESTION = "Which agencies did Taiwan bar from using DeepSeek?"


def test_a_version_holds_arrays_and_reads_only_the_hits_texts(
        sample_desk: Desk, monkeypatch: pytest.MonkeyPatch) -> None:
    version = IndexStore(sample_desk.store.root).load()
    assert all(type(a) is ArticleInfo and not hasattr(a, "text")
               for a in version.articles.values())
    assert isinstance(version.passages, Passages)
    assert isinstance(version.passages.table, np.memmap)  # one segment, served as written
    assert isinstance(version.passages.spans, np.memmap)
    assert isinstance(version.vectors, np.memmap)

    made: list[int] = []
    read: list[int] = []
    getitem, records_read = Passages.__getitem__, Records.read
    monkeypatch.setattr(Passages, "__getitem__",
                        lambda self, row: made.append(1) or getitem(self, row))
    monkeypatch.setattr(Records, "read",
                        lambda self, at: read.extend(at) or records_read(self, list(at)))
    retriever = sample_desk.retriever()
    for question in ("what did Korea do about DeepSeek", "when did the AI Act enter into force?"):
        made.clear()
        read.clear()
        candidates = retriever.search(question, k=8)
        assert candidates
        assert len(read) <= 8  # one read, of the candidates' articles only
        assert len(made) == len(candidates)  # a record per candidate, none per searched row
        for c in candidates:
            assert c.article.content_hash == version.articles[c.article.id].content_hash
            assert c.text == c.article.text[c.passage.start:c.passage.end]


def test_a_quote_slices_what_a_member_opens_when_the_catalogue_moved_on(desk: Desk) -> None:
    """An article re-fetched with a new text before the next `newsdesk index`: answers still
    quote the indexed text, and `Desk.article` (what `newsdesk show` opens) shows that text
    until the index holds the new one."""
    seeded(desk)
    desk.reindex()
    old_text = ARTICLES["tw"][2]
    new_text = ("Taiwan's cabinet later extended the DeepSeek ban to public schools and "
                "universities, and to every contractor working on state networks.")
    desk.catalogue.upsert(article("tw", new_text))
    assert desk.pending() == 1 and desk.catalogue.get("tw").text == new_text

    def quotes_are_slices_of_what_opens(expected: str) -> None:
        answer = desk.ask(QUESTION)
        cited = [c for c in answer.citations if c.article_id == "tw"]
        assert cited, answer.text
        for c in answer.citations:
            opened = desk.article(c.article_id).text
            assert opened[c.start:c.end] == c.excerpt
        assert desk.article("tw").text == expected
        assert all(expected[c.start:c.end] == c.excerpt for c in cited)

    quotes_are_slices_of_what_opens(old_text)  # the index's text, not the catalogue's
    desk.reindex()
    assert desk.pending() == 0
    quotes_are_slices_of_what_opens(new_text)


def test_a_stored_text_that_no_longer_hashes_is_never_quoted(
        desk: Desk, caplog: pytest.LogCaptureFixture) -> None:
    """A record damaged after the version was loaded (its checksum is only checked at load):
    the hash recorded beside the offsets catches it, one log line says so, no quote is cut
    from it."""
    seeded(desk)
    desk.reindex()
    version = desk.retriever().version
    assert desk.ask(QUESTION).citations[0].article_id == "tw"
    (segment,) = version.segments
    stored = segment.records.path
    assert stored is not None
    data = stored.read_bytes()
    stored.write_bytes(data.replace(b"Ministry of Digital", b"Ministry of Digitax"))  # same size
    with caplog.at_level(logging.WARNING, logger="newsdesk"):
        assert version.texts(["tw", "kr"]).keys() == {"kr"}
        answer = desk.ask(QUESTION)
    assert [r for r in caplog.records if "does not match its hash" in r.message]
    assert all(c.article_id != "tw" for c in answer.citations)
