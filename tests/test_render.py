"""Rendering stays inside every Discord limit and keeps quotes verbatim."""

from __future__ import annotations

import re
from datetime import date

import discord

from bot.answer import Answer, Citation, Statement
from bot.discord.render import (
    COMPACT_MAX,
    DESCRIPTION_MAX,
    EMBED_TOTAL_MAX,
    FIELD_NAME_MAX,
    FIELD_VALUE_MAX,
    FIELDS_MAX,
    render,
    render_sources,
)

QUOTE = re.compile(r"“(.*?)”", re.S)


def unescape(text: str) -> str:
    return re.sub(r"\\(.)", r"\1", text.replace("**", "").replace("\n> ", "\n"))


def citation(n: int, text: str, hl: tuple[int, int], **extra: object) -> Citation:
    values: dict = dict(n=n, article_id=f"a{n}", title="T" * 400, outlet="Outlet *bold* " * 20,
                        url="https://example.org/" + "x" * 300 + "(1)",
                        published=date(2025, 1, 1), language="en", excerpt=text, start=0,
                        end=len(text), highlight_start=hl[0], highlight_end=hl[1],
                        rank=1.0 - n / 100)
    return Citation(**(values | extra))


def check_limits(embed: discord.Embed) -> None:
    assert len(embed) <= EMBED_TOTAL_MAX
    assert len(embed.description or "") <= DESCRIPTION_MAX
    assert len(embed.fields) <= FIELDS_MAX
    for field in embed.fields:
        assert len(field.name) <= FIELD_NAME_MAX and len(field.value) <= FIELD_VALUE_MAX


SENTENCE = "Nvidia said *the* H20 [needs] a licence_for @everyone > China. "
TEXT = (SENTENCE * 80).strip()  # 5,000 characters of markdown-laden sentences
MIDDLE = TEXT.index("Nvidia", 2500)
HIGHLIGHT = (MIDDLE, MIDDLE + len(SENTENCE) - 1)


def longest_answer() -> Answer:
    citations = [citation(n, TEXT, HIGHLIGHT) for n in range(1, 31)]
    return Answer(question="q" * 3000, text=("An answer sentence. [1] " * 400),
                  citations=citations, abstained=False,
                  statements=[Statement(text="An answer sentence." * 100, citations=[1])] * 30)


def test_the_longest_compact_answer_stays_compact_and_verbatim() -> None:
    embed = render(longest_answer(), footer="f" * 3000)
    check_limits(embed)
    assert embed.title is None and len(embed.description) <= COMPACT_MAX
    quotes = QUOTE.findall(embed.description)
    assert quotes
    for quote in quotes:
        assert unescape(quote) in TEXT
        assert unescape(quote).count("Nvidia said") <= 2  # one or two sentences, no more
    assert "**Nvidia said" in embed.description  # the answering sentence stays bold
    assert "more under Sources" in embed.description  # the rest sits behind the button


def test_the_source_line_links_the_title_and_marks_feed_summaries() -> None:
    text = "OpenAI released o3. It reasons longer."
    c = citation(1, text, (0, 19), title="o3 [preview] is out", outlet="The Wire",
                 url="https://example.org/o3", summary_only=True)
    answer = Answer(question="what did OpenAI release?", text="OpenAI released o3. [1]",
                    citations=[c], abstained=False, language="fr",
                    statements=[Statement(text="OpenAI released o3.", citations=[1])])
    lines = render(answer).description.splitlines()
    assert lines[0] == "OpenAI released o3. [1]"
    assert lines[2] == (r"[1] [o3 \[preview\] is out](https://example.org/o3) — The Wire · "
                        "2025-01-01 · en · résumé du flux")
    assert lines[3] == "> “**OpenAI released o3.** It reasons longer.”"


def test_every_sources_page_stays_within_every_limit_and_verbatim() -> None:
    pages = render_sources(longest_answer())
    assert len(pages) > 1  # thirty long excerpts do not fit one embed
    fields = [f for page in pages for f in page.fields]
    assert [f.name[:5] for f in fields] == [f"[{n}] T"[:5] for n in range(1, 31)]
    for page in pages:
        check_limits(page)
        for field in page.fields:
            for quote in QUOTE.findall(field.value):
                assert unescape(quote) in TEXT
    assert "**Nvidia said" in fields[0].value


def test_one_endless_sentence_is_cut_at_a_word_outside_the_quotes() -> None:
    text = "word " * 3000 + "end."
    answer = Answer(question="q", text="x [1]", citations=[citation(1, text, (0, len(text)))],
                    abstained=False)
    for embed in (render(answer), *render_sources(answer)):
        check_limits(embed)
        body = embed.description if not embed.fields else embed.fields[0].value
        [quote] = QUOTE.findall(body)
        assert unescape(quote) in text and body.rstrip().endswith("…")


def test_i_dont_know_says_what_was_searched_and_points_to_the_closest_articles() -> None:
    from bot.answer import abstain, nothing_found
    from index.filters import Searched
    from index.ranking import ArticleRef

    answer = abstain("When will GPT-5 be released?", "en")
    answer.searched = Searched(articles=1234, outlets=5, since=date(2024, 2, 1))
    answer.text = nothing_found(answer.searched, "en")
    answer.closest = [ArticleRef(id="a1", title="OpenAI [teases] its next model",
                                 outlet="The Wire", url="https://example.org/a1",
                                 published=date(2024, 5, 1), language="en")]
    embed = render(answer)
    check_limits(embed)
    lines = embed.description.splitlines()
    assert lines[0].startswith("I don't know")
    assert lines[2] == "Closest articles (not an answer):"
    assert lines[3] == (r"• [OpenAI \[teases\] its next model](https://example.org/a1) — "
                        "The Wire · 2024-05-01 · en")
    assert not QUOTE.findall(embed.description)  # pointed to, never quoted as an answer
    assert embed.colour == discord.Colour.light_grey()


def test_a_reindex_status_says_its_rate_and_time_left() -> None:
    from bot.discord.cogs.moderation import reindex_status
    from index.builder import BuildProgress

    scanning = BuildProgress(phase="scan", articles_scanned=3, articles_total=40, elapsed=2)
    assert reindex_status(scanning) == "Reindexing… 3/40 articles scanned, 2 s elapsed"
    embedding = BuildProgress(phase="embed", passages_embedded=100, passages_to_embed=100,
                              sentences_embedded=100, sentences_to_embed=400, elapsed=20)
    assert reindex_status(embedding) == (
        "Reindexing… 100/100 passages, 100/400 sentences embedded (10.0/s), 20 s elapsed, "
        "about 30 s left")
