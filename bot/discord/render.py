"""An Answer as Discord embeds, always inside Discord's limits.

Two views of one answer. `render` is what the channel sees: the reader's short answer
with its [n] when there is one, then one line per cited article — `[n] [Title](url) —
Outlet · date · language` — and its one or two supporting sentences, the answering one
in bold (the short answer underlined in it). A statement is shown above the sources only
when no quote shows it, so the answering sentence is read once.
`render_sources` is what the **Sources** button shows the one member who asks: each
citation's whole excerpt, paged when it does not fit one embed.

Excerpts are shown in quotation marks and stay verbatim substrings of the article:
they are shortened only at sentence (or, for one very long sentence, word)
boundaries, and the ellipsis goes outside the quotation marks. Markdown in article
text is escaped, so what a reader sees between the marks is exactly the stored text.
"""

from __future__ import annotations

import re

import discord

from bot.answer import Answer, Citation
from bot.messages import say
from corpus.chunker import split_sentences
from index.ranking import ArticleRef

CONTENT_MAX = 2000
TITLE_MAX = 256
DESCRIPTION_MAX = 4096
FIELD_NAME_MAX = 256
FIELD_VALUE_MAX = 1024
FIELDS_MAX = 25
EMBED_TOTAL_MAX = 6000
EMBEDS_MAX = 10

COMPACT_MAX = 2400  # the channel's answer: a few lines, not a wall
STATEMENTS_MAX = 900
QUOTE_SENTENCES = 2  # the answering sentence and at most one neighbour
URL_MAX = 500
ELLIPSIS = "…"
COLOUR = discord.Colour.from_rgb(46, 117, 182)
_BRACKET = re.compile(r"(?<!\\)([\[\]])")  # a bracket not yet escaped ends a link's text


def escape(text: str) -> str:
    return discord.utils.escape_markdown(text, as_needed=False)


def clip(text: str, limit: int) -> str:
    """Plain (non-quoted) text cut at a word boundary."""
    if len(text) <= limit:
        return text
    cut = text[: limit - 1]
    space = cut.rfind(" ")
    return (cut[:space] if space > limit // 2 else cut).rstrip() + ELLIPSIS


def _underlined(text: str, s: int, e: int, c: Citation) -> str:
    """text[s:e], escaped, with the reader's answer underlined inside it."""
    if c.answer_start is None or c.answer_end is None:
        return escape(text[s:e])
    a = max(s, c.answer_start - c.start)
    b = min(e, c.answer_end - c.start)
    if b <= a or not text[a:b].strip():
        return escape(text[s:e])
    return f"{escape(text[s:a])}__{escape(text[a:b])}__{escape(text[b:e])}"


def _quote(c: Citation, budget: int, max_sentences: int = 0) -> str:
    """“…excerpt…” with the highlighted sentence in bold, within `budget` characters and,
    when `max_sentences` is set, that many whole sentences at most."""
    text = c.excerpt
    hl_start, hl_end = c.highlight_start - c.start, c.highlight_end - c.start
    spans = [(s.start, s.end) for s in split_sentences(text)] or [(0, len(text))]
    core = next((i for i, (a, b) in enumerate(spans) if a <= hl_start < b), 0)
    lo = hi = core

    def build(a: int, b: int) -> str:
        start, end = spans[a][0], spans[b][1]
        pieces = []
        for s, e, bold in ((start, max(start, hl_start), False),
                           (max(start, hl_start), min(end, hl_end), True),
                           (min(end, hl_end), end, False)):
            if e > s:
                chunk = _underlined(text, s, e, c) if bold else escape(text[s:e])
                pieces.append(f"**{chunk}**" if bold and chunk.strip() else chunk)
        body = "".join(pieces).replace("\n", "\n> ")
        before = f"{ELLIPSIS} " if start > 0 or c.start > 0 else ""
        after = f" {ELLIPSIS}" if end < len(text) else ""
        return f"> {before}“{body}”{after}"

    best = build(lo, hi)
    if len(best) > budget:  # one sentence is too long: keep its first words, verbatim
        s, e = spans[core]
        words = text[s:e]
        while words and len(build_plain := f"> “{escape(words)}” {ELLIPSIS}") > budget:
            words = words[: words.rfind(" ")] if " " in words else words[: len(words) // 2]
        return build_plain if words else f"> {ELLIPSIS}"
    grown = True
    while grown and (not max_sentences or hi - lo + 1 < max_sentences):
        grown = False
        for a, b in ((lo, hi + 1), (lo - 1, hi)):
            if a >= 0 and b < len(spans):
                candidate = build(a, b)
                if len(candidate) <= budget:
                    best, lo, hi, grown = candidate, a, b, True
                    break
    return best


def _link(url: str) -> str | None:
    """A URL Discord makes clickable in `[text](url)`, or None."""
    url = url.replace("(", "%28").replace(")", "%29").replace(" ", "%20")
    return url if url.startswith(("http://", "https://")) and len(url) <= URL_MAX else None


def source_line(c: Citation, language: str = "") -> str:
    """`[n] [Title](url) — Outlet · date · language`; a feed's summary says it is one."""
    title = _BRACKET.sub(r"\\\1", escape(clip(c.title or c.article_id, 120)))
    url = _link(c.url)
    head = f"[{title}]({url})" if url else f"**{title}**"
    meta = [clip(escape(c.outlet), 60), str(c.published or ""), c.language]
    if c.summary_only:
        meta.append(say("summary_only", language))
    return f"[{c.n}] {head} — " + " · ".join(x for x in meta if x)


def ref_line(ref: ArticleRef) -> str:
    """An article pointed to, not quoted: `[Title](url) — Outlet · date · language`."""
    title = _BRACKET.sub(r"\\\1", escape(clip(ref.title or ref.id, 120)))
    url = _link(ref.url)
    head = f"[{title}]({url})" if url else f"**{title}**"
    meta = [clip(escape(ref.outlet), 60), str(ref.published or ""), ref.language]
    return f"{head} — " + " · ".join(x for x in meta if x)


def _declined(answer: Answer) -> str:
    """"I don't know", what was searched, and the closest articles, never as an answer."""
    lines = [escape(answer.text)]
    if answer.closest:
        lines += ["", say("closest", answer.language)]
        lines += [f"• {ref_line(ref)}" for ref in answer.closest]
    return clip("\n".join(lines), COMPACT_MAX)


def _statements(answer: Answer, limit: int, quoted: set[int]) -> str:
    """The answer's lines above its sources, less those a source's quote shows in bold
    (`quoted`: their indexes): a sentence is read once. The reader's short answer leads."""
    if not answer.statements:
        return clip(escape(answer.text), limit)
    lines = [f"{escape(st.text)} " + "".join(f"[{n}]" for n in st.citations)
             for i, st in enumerate(answer.statements) if i not in quoted]
    if answer.short:  # the reader's short answer first, verbatim from [1]
        first = answer.statements[0]
        short = f"**{escape(answer.short)}**"
        if 0 in quoted:
            lines.insert(0, f"{short} " + "".join(f"[{n}]" for n in first.citations))
        else:
            lines[0] = f"{short} — {lines[0]}"
    return clip("\n".join(lines), limit)


def _shown_in_quote(answer: Answer) -> set[int]:
    """Statements that are, word for word, the sentence their one source's quote bolds."""
    by_n = {c.n: c for c in answer.citations}
    return {i for i, st in enumerate(answer.statements)
            if len(st.citations) == 1 and st.citations[0] in by_n
            and by_n[st.citations[0]].highlight.strip() == st.text.strip()}


def render(answer: Answer, footer: str = "") -> discord.Embed:
    """The compact answer: the short answer and the statements no quote shows, then each
    source's line and supporting sentences, the answering one in bold. The footer (what
    quotes are) goes under an answer, never under an "I don't know", which quotes nothing."""
    if answer.abstained or not answer.citations:
        return discord.Embed(colour=discord.Colour.light_grey(), description=_declined(answer))
    quoted = _shown_in_quote(answer)
    body, unbolded = _compact(answer, quoted)
    if unbolded:  # a quote too short to hold its sentence: that statement stays above
        body, _ = _compact(answer, {i for i in quoted
                                    if answer.statements[i].citations[0] not in unbolded})
    embed = discord.Embed(colour=COLOUR, description=body)
    if footer:
        embed.set_footer(text=clip(footer, 200))
    return embed


def _compact(answer: Answer, quoted: set[int]) -> tuple[str, set[int]]:
    """The body, and the citations whose quote lost its bold sentence to the budget."""
    statements = _statements(answer, STATEMENTS_MAX, quoted)
    body = statements
    citations = answer.citations
    unbolded: set[int] = set()
    for i, c in enumerate(citations):
        line = source_line(c, answer.language)
        remaining = COMPACT_MAX - len(body) - 40  # head-room for the "more" note
        share = max(remaining // (len(citations) - i),
                    min(remaining, len(line) + 300)) - len(line) - 3
        if share < 60:  # rather fewer sources than stubs; the Sources button has all
            body += "\n\n" + say("more_sources", answer.language, count=len(citations) - i)
            unbolded |= {x.n for x in citations[i:]}
            break
        quote = _quote(c, share, QUOTE_SENTENCES)
        if "**" not in quote:
            unbolded.add(c.n)
        body += f"\n\n{line}\n{quote}"
    return body.removeprefix("\n\n"), unbolded


def _field(c: Citation, language: str) -> tuple[str, str]:
    """One citation's whole excerpt (what fits a field), under its linked source line."""
    name = clip(f"[{c.n}] {c.title or c.article_id}", FIELD_NAME_MAX)
    meta = " · ".join(x for x in (clip(escape(c.outlet), 80), str(c.published or ""),
                                  c.language,
                                  say("summary_only", language) if c.summary_only else "")
                      if x)
    url = _link(c.url)
    head = f"[{meta or 'article'}]({url})" if url else meta
    return name, f"{head}\n{_quote(c, FIELD_VALUE_MAX - len(head) - 1)}"


def render_sources(answer: Answer) -> list[discord.Embed]:
    """The longer verbatim context of every citation, one embed per page."""
    pages: list[discord.Embed] = []
    page = discord.Embed(colour=COLOUR)
    for c in answer.citations:
        name, value = _field(c, answer.language)
        if len(page.fields) >= FIELDS_MAX or \
                len(page) + len(name) + len(value) > EMBED_TOTAL_MAX - 100:
            pages.append(page)
            page = discord.Embed(colour=COLOUR)
        page.add_field(name=name, value=value, inline=False)
    pages.append(page)
    for i, embed in enumerate(pages, 1):
        if len(pages) > 1:
            embed.set_footer(text=f"{i}/{len(pages)}")
    return pages
