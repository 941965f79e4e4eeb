"""Rendering stays inside every Discord limit and keeps quotes verbatim."""

from __future__ import annotations

import re
from datetime import date

import discord

from bot.answer import Answer, Citation
from bot.discord.render import (
    DESCRIPTION_MAX,
    EMBED_TOTAL_MAX,
    FIELD_NAME_MAX,
    FIELD_VALUE_MAX,
    FIELDS_MAX,
    render,
)

QUOTE = re.compile(r"“(.*?)”", re.S)


def unescape(text: str) -> str:
    return re.sub(r"\\(.)", r"\1", text.replace("**", "").replace("\n> ", "\n"))


def citation(n: int, text: str, hl: tuple[int, int]) -> Citation:
    return Citation(n=n, article_id=f"a{n}", title="T" * 400, source="Outlet *bold* " * 20,
                    url="https://example.org/" + "x" * 300 + "(1)", published=date(2025, 1, 1),
                    language="en", excerpt=text, start=0, end=len(text),
                    highlight_start=hl[0], highlight_end=hl[1], score=1.0 - n / 100)


def check_limits(embed: discord.Embed) -> None:
    assert len(embed) <= EMBED_TOTAL_MAX
    assert len(embed.description or "") <= DESCRIPTION_MAX
    assert len(embed.fields) <= FIELDS_MAX
    for field in embed.fields:
        assert len(field.name) <= FIELD_NAME_MAX and len(field.value) <= FIELD_VALUE_MAX


def test_the_longest_answer_stays_within_every_limit_and_verbatim() -> None:
    sentence = "Nvidia said *the* H20 [needs] a licence_for @everyone > China. "
    text = (sentence * 80).strip()  # 5,000 characters of markdown-laden sentences
    middle = text.index("Nvidia", 2500)
    hl = (middle, middle + len(sentence) - 1)
    citations = [citation(n, text, hl) for n in range(1, 31)]
    answer = Answer(question="q" * 3000, text=("An answer sentence. [1] " * 400),
                    citations=citations, abstained=False)
    embed = render(answer, footer="f" * 3000)
    check_limits(embed)
    assert embed.fields and all(f.name.startswith(f"[{i + 1}]") for i, f in
                                enumerate(embed.fields))
    for field in embed.fields:
        for quote in QUOTE.findall(field.value):
            assert unescape(quote) in text
    first = embed.fields[0].value
    assert "**Nvidia said" in first  # the supporting sentence stays bold when it fits
    assert "…" in first.split("“")[0] or first.split("”")[-1].strip().startswith("…")


def test_one_endless_sentence_is_cut_at_a_word_outside_the_quotes() -> None:
    text = "word " * 3000 + "end."
    answer = Answer(question="q", text="x [1]", citations=[citation(1, text, (0, len(text)))],
                    abstained=False)
    embed = render(answer)
    check_limits(embed)
    [quote] = QUOTE.findall(embed.fields[0].value)
    assert unescape(quote) in text and embed.fields[0].value.rstrip().endswith("…")
