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
    lines = render(answer).description.splitlines()  # the statement is the bold quote
    assert lines[0] == (r"[1] [o3 \[preview\] is out](https://example.org/o3) — The Wire · "
                        "2025-01-01 · en · résumé du flux")
    assert lines[1] == "> “**OpenAI released o3.** It reasons longer.”"


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


KOREA = ("Séoul a réagi vite. Le 17 février, le gouvernement sud-coréen a suspendu les "
         "nouveaux téléchargements de DeepSeek. L’application reste utilisable.")
LEAD = KOREA[KOREA.index("Le 17"):KOREA.index("DeepSeek.") + len("DeepSeek.")]


def korea(short: str = "") -> Answer:
    s = KOREA.index(LEAD)
    c = citation(1, KOREA, (s, s + len(LEAD)), title="La Corée du Sud suspend DeepSeek",
                 url="https://example.org/kr", outlet="Test Wire",
                 **({"answer_start": s + 3, "answer_end": s + 13} if short else {}))
    return Answer(question="when did Korea suspend DeepSeek?", text=f"{LEAD} [1]",
                  citations=[c], abstained=False, short=short,
                  statements=[Statement(text=LEAD, citations=[1])])


def test_the_answering_sentence_is_shown_once_in_its_quote_under_the_short_answer() -> None:
    """Issue 19: not as a statement and again, bold, in the quote."""
    for short in ("", "17 février"):
        embed = render(korea(short), "Sources are quoted verbatim")
        text = embed.description or ""
        plain = unescape(text).replace("__", "")
        assert plain.count("gouvernement sud-coréen a suspendu") == 1, text
        lines = text.splitlines()
        if short:
            assert lines[0] == "**17 février** [1]" and lines[1] == ""
            lines = lines[2:]
        assert lines[0].startswith("[1] [La Corée du Sud suspend DeepSeek]"), text
        assert lines[1].startswith("> ") and "**Le __17 février__" in lines[1] if short \
            else "**Le 17 février" in lines[1], text
        assert embed.footer.text == "Sources are quoted verbatim"


def test_a_statement_no_quote_shows_stays_above_the_sources() -> None:
    answer = korea()
    answer.statements.insert(0, Statement(text="A sentence the writer wrote.", citations=[1]))
    text = render(answer).description or ""
    assert text.startswith("A sentence the writer wrote. [1]\n\n[1] ")
    assert unescape(text).count("gouvernement sud-coréen a suspendu") == 1


def test_i_dont_know_carries_no_footer_about_quotes() -> None:
    declined = Answer(question="who won the 2023 physics Nobel?", text="I don't know.",
                      citations=[], abstained=True)
    assert render(declined, "Sources are quoted verbatim").footer.text is None
