"""An Answer as a Discord embed, always inside Discord's limits.

Excerpts are shown in quotation marks and must stay verbatim substrings of
the article: they are shortened only at sentence (or, for one very long
sentence, word) boundaries, and the ellipsis goes outside the quotation
marks. Markdown in article text is escaped, so what a reader sees between
the marks is exactly the stored text.
"""

from __future__ import annotations

import discord

from bot.answer import Answer, Citation
from corpus.chunker import split_sentences

CONTENT_MAX = 2000
TITLE_MAX = 256
DESCRIPTION_MAX = 4096
FIELD_NAME_MAX = 256
FIELD_VALUE_MAX = 1024
FIELDS_MAX = 25
EMBED_TOTAL_MAX = 6000
EMBEDS_MAX = 10

ELLIPSIS = "…"
COLOUR = discord.Colour.from_rgb(46, 117, 182)
ABSTAIN_HINT = "Moderators can add news sources with `/sources`."


def escape(text: str) -> str:
    return discord.utils.escape_markdown(text, as_needed=False)


def clip(text: str, limit: int) -> str:
    """Plain (non-quoted) text cut at a word boundary."""
    if len(text) <= limit:
        return text
    cut = text[: limit - 1]
    space = cut.rfind(" ")
    return (cut[:space] if space > limit // 2 else cut).rstrip() + ELLIPSIS


def _quote(c: Citation, budget: int) -> str:
    """“…excerpt…” with the highlighted sentence in bold, within `budget` characters."""
    text = c.excerpt
    hl_start, hl_end = c.highlight_start - c.start, c.highlight_end - c.start
    spans = [(s.start, s.end) for s in split_sentences(text)] or [(0, len(text))]
    core = next((i for i, (a, b) in enumerate(spans) if a <= hl_start < b), 0)
    lo = hi = core

    def build(a: int, b: int, cut_words: bool = False) -> str:
        start, end = spans[a][0], spans[b][1]
        pieces = []
        for s, e, bold in ((start, max(start, hl_start), False),
                           (max(start, hl_start), min(end, hl_end), True),
                           (min(end, hl_end), end, False)):
            if e > s:
                chunk = escape(text[s:e])
                pieces.append(f"**{chunk}**" if bold and chunk.strip() else chunk)
        body = "".join(pieces).replace("\n", "\n> ")
        before = f"{ELLIPSIS} " if start > 0 else ""
        after = f" {ELLIPSIS}" if end < len(text) or cut_words else ""
        return f"> {before}“{body}”{after}"

    best = build(lo, hi)
    if len(best) > budget:  # one sentence is too long: keep its first words, verbatim
        s, e = spans[core]
        words = text[s:e]
        while words and len(build_plain := f"> “{escape(words)}” {ELLIPSIS}") > budget:
            words = words[: words.rfind(" ")] if " " in words else words[: len(words) // 2]
        return build_plain if words else f"> {ELLIPSIS}"
    grown = True
    while grown:
        grown = False
        for a, b in ((lo, hi + 1), (lo - 1, hi)):
            if a >= 0 and b < len(spans):
                candidate = build(a, b)
                if len(candidate) <= budget:
                    best, lo, hi, grown = candidate, a, b, True
                    break
    return best


def _field(c: Citation, budget: int) -> tuple[str, str] | None:
    """Name and value of one source within `budget` characters; None if it cannot fit."""
    name = clip(f"[{c.n}] {c.title or c.article_id}", min(FIELD_NAME_MAX, max(budget // 3, 40)))
    meta = " · ".join(x for x in (clip(escape(c.source), 80), str(c.published or ""),
                                  c.language) if x)
    url = c.url.replace("(", "%28").replace(")", "%29").replace(" ", "%20")
    head = f"[{meta or 'source'}]({url})" if url.startswith(("http://", "https://")) and \
        len(url) <= 300 else meta
    value_budget = min(FIELD_VALUE_MAX, budget - len(name)) - len(head) - 1
    if value_budget < 40:
        return None
    return name, f"{head}\n{_quote(c, value_budget)}"


def render(answer: Answer, title: str = "", footer: str = "") -> discord.Embed:
    """The whole answer as one embed: description with [n] markers, one field per source."""
    title = clip(title, TITLE_MAX)
    footer = clip(footer, 200)
    if answer.abstained or not answer.citations:
        embed = discord.Embed(title=title or None, colour=discord.Colour.light_grey(),
                              description=f"{escape(answer.text)}\n\n{ABSTAIN_HINT}")
    else:
        embed = discord.Embed(title=title or None, colour=COLOUR,
                              description=clip(escape(answer.text), 1500))
    if footer:
        embed.set_footer(text=footer)
    citations = answer.citations[:FIELDS_MAX]
    remaining = EMBED_TOTAL_MAX - len(embed) - 20  # head-room for the "more sources" note
    for i, c in enumerate(citations):
        share = remaining // (len(citations) - i)
        field = _field(c, max(share, min(remaining, 300)))  # rather fewer sources than stubs
        if field is None:
            embed.description = (embed.description or "") + \
                f"\n\n(+{len(answer.citations) - i} more sources not shown)"
            break
        embed.add_field(name=field[0], value=field[1], inline=False)
        remaining -= len(field[0]) + len(field[1])
    return embed
