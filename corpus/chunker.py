"""Split an article's text into sentences and passages that keep exact offsets.

Offsets always index the stored `Article.text`, so any passage or sentence
can be quoted verbatim as `text[start:end]`.
"""

from __future__ import annotations

import re

from corpus.models import Article, Passage, Span

_BLOCK = re.compile(r"[^\n]+(?:\n(?!\s*\n)[^\n]+)*")  # a paragraph: lines without a blank line
_LINE = re.compile(r"[^\n]+")
_BOUNDARY = re.compile(r"[.!?…]+[\"'»”’)\]]*(?=\s)|[。！？]+[\"'」』”’)]*")
_NEXT_CHAR = re.compile(r"\s*(\S)")
_LONGEST_TOKEN = 40  # no abbreviation or run of initials is longer
_INITIALS = re.compile(r"^(?:[A-Za-z]\.)+$|^[A-Z][a-z]?\.$|^\d{1,2}\.$")
_ABBREVIATIONS = {
    "mr.", "mrs.", "ms.", "dr.", "prof.", "st.", "jr.", "sr.", "vs.", "etc.", "e.g.", "i.e.",
    "z.b.", "bzw.", "ca.", "nr.", "mme.", "mlle.", "sra.", "dra.", "no.", "approx.",
}

MAX_PASSAGE_CHARS = 700
MIN_PASSAGE_CHARS = 220


def _is_abbreviation(text: str, line_start: int, end: int) -> bool:
    # looking back no further than the longest abbreviation keeps a line without spaces linear
    space = text.rfind(" ", max(line_start, end - _LONGEST_TOKEN), end)
    if space < 0 and end - line_start > _LONGEST_TOKEN:
        return False
    word_start = space + 1 if space >= 0 else line_start
    token = text[word_start:end].lstrip("(\"'«“")
    return bool(_INITIALS.match(token)) or token.lower() in _ABBREVIATIONS


def _trimmed(text: str, start: int, end: int) -> Span | None:
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    return Span(start=start, end=end) if end > start else None


def split_sentences(text: str, start: int = 0, end: int | None = None) -> list[Span]:
    """Sentences of text[start:end]; a line break always ends a sentence."""
    end = len(text) if end is None else end
    spans: list[Span] = []
    for line in _LINE.finditer(text, start, end):
        pos = line.start()
        for match in _BOUNDARY.finditer(text, line.start(), line.end()):
            cut = match.end()
            if match.group().startswith(".") and _is_abbreviation(text, line.start(), cut):
                continue
            after = _NEXT_CHAR.match(text, cut, line.end())  # not a slice to the line's end:
            if after and after.group(1).islower():  # a 2 MB line would make that quadratic
                continue  # "… 3.5 p.m. yesterday": not a sentence start
            span = _trimmed(text, pos, cut)
            if span:
                spans.append(span)
            pos = cut
        span = _trimmed(text, pos, line.end())
        if span:
            spans.append(span)
    return spans


def paragraphs(text: str) -> list[Span]:
    return [s for m in _BLOCK.finditer(text) if (s := _trimmed(text, m.start(), m.end()))]


def chunk(article: Article) -> list[Passage]:
    """Passages of whole sentences, up to MAX_PASSAGE_CHARS; short paragraphs merge forward."""
    text = article.text
    groups: list[list[Span]] = []
    current: list[Span] = []

    def size(sentences: list[Span]) -> int:
        return sentences[-1].end - sentences[0].start if sentences else 0

    for para in paragraphs(text):
        for sentence in split_sentences(text, para.start, para.end):
            if current and size([*current, sentence]) > MAX_PASSAGE_CHARS:
                groups.append(current)
                current = []
            current.append(sentence)
        if size(current) >= MIN_PASSAGE_CHARS:
            groups.append(current)
            current = []
    if current:
        if groups and size(current) < MIN_PASSAGE_CHARS // 2 and (
            current[-1].end - groups[-1][0].start <= MAX_PASSAGE_CHARS * 1.3
        ):
            groups[-1].extend(current)
        else:
            groups.append(current)
    return [
        Passage(article_id=article.id, ordinal=i, start=g[0].start, end=g[-1].end, sentences=g)
        for i, g in enumerate(groups)
    ]
