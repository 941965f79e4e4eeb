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


def test_no_quote_of_a_text_the_catalogue_has_moved_on_from(
        desk: Desk, caplog: pytest.LogCaptureFixture) -> None:
    """An article re-fetched with a new text before the next `newsdesk index`: the index
    still holds the old text's rows, but what a member opens (`newsdesk article`, the
    catalogue) is the new one, so the old text is not quoted until the reindex."""
    seeded(desk)
    desk.reindex()

    def every_quote_slices_what_opens(question: str = QUESTION) -> list[str]:
        answer = desk.ask(question)
        for c in answer.citations:
            assert desk.article(c.article_id).text[c.start:c.end] == c.excerpt
        return [c.article_id for c in answer.citations]

    assert every_quote_slices_what_opens()[0] == "tw"
    korea = "Did South Korea suspend DeepSeek downloads?"
    assert every_quote_slices_what_opens(korea)[0] == "kr"
    new_text = ("Taiwan's cabinet later extended the DeepSeek ban to public schools and "
                "universities, and to every contractor working on state networks.")
    desk.catalogue.upsert(article("tw", new_text))
    assert desk.pending() == 1
    version = desk.retriever().version
    assert version.texts(["tw"])["tw"].text == ARTICLES["tw"][2]  # the index's text is kept
    with caplog.at_level(logging.INFO, logger="newsdesk"):
        assert "tw" not in every_quote_slices_what_opens()
    assert [r for r in caplog.records if "changed or left the catalogue" in r.message
            and "“Taiwan bars DeepSeek”" in r.message]  # by title, not its id (issue 19)
    desk.catalogue.delete(["kr"])  # gone from the catalogue, still in the index: not quoted
    assert "kr" not in every_quote_slices_what_opens(korea)

    desk.reindex()
    assert desk.pending() == 0
    cited = every_quote_slices_what_opens()
    assert cited[0] == "tw" and desk.article("tw").text == new_text


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
