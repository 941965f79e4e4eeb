"""A digest of stories as text: for a terminal, for a newsletter (Markdown), for a program
(one JSON object per line)."""

from __future__ import annotations

import json
import re

from bot.stories import Story, StoryArticle

_LINE_BREAKS = {"\u2028": "\\u2028", "\u2029": "\\u2029", "\x85": "\\u0085"}
_MARKDOWN = re.compile(r"([\\`*_{}\[\]()#+!|<>])")


def story_json(story: Story) -> str:
    """One line whatever the text holds (JSON leaves U+2028 raw; line readers split on it)."""
    text = json.dumps(story.model_dump(mode="json"), ensure_ascii=False)
    for char, escaped in _LINE_BREAKS.items():
        text = text.replace(char, escaped)
    return text


def _meta(article: StoryArticle) -> str:
    return " · ".join(x for x in (article.outlet, article.language,
                                  str(article.published or "")) if x)


def _coverage(story: Story) -> str:
    outlets = f"{len(story.outlets)} outlet{'s' if len(story.outlets) != 1 else ''}"
    return " · ".join(x for x in (outlets, ", ".join(story.languages),
                                  f"newest {story.newest}" if story.newest else "") if x)


def story_text(story: Story, n: int) -> str:
    """For a terminal: the headline, the sentence in quotes, then every article."""
    lines = [f"{n}. {story.headline}", f"   {_coverage(story)}"]
    if story.sentence is not None:
        lines.append(f"   “{' '.join(story.sentence.text.split())}”")
    for article in story.articles:
        lines.append(f"   - {article.title or article.article_id} ({_meta(article)})")
        if article.url:
            lines.append(f"     {article.url}")
    return "\n".join(lines)


def _escaped(text: str) -> str:
    """Text that Markdown shows as written: a title's [brackets] or *stars* are no markup."""
    return _MARKDOWN.sub(r"\\\1", " ".join(text.split()))


def _linked(text: str, url: str) -> str:
    return f"[{_escaped(text)}](<{url}>)" if url else _escaped(text)


def story_markdown(story: Story) -> str:
    """For a newsletter: the headline as a heading, the sentence quoted and linked to the
    article it is taken from, then each article linked with its outlet."""
    lines = [f"### {_escaped(story.headline)}", ""]
    if story.sentence is not None:
        source = next((a for a in story.articles
                       if a.article_id == story.sentence.article_id), None)
        quote = f"> {_escaped(story.sentence.text)}"
        if source is not None:
            quote += f" — {_linked(source.outlet or source.title, source.url)}"
        lines += [quote, ""]
    lines.append(f"*{_escaped(_coverage(story))}*")
    lines.append("")
    lines += [f"- {_linked(a.title or a.article_id, a.url)} ({_escaped(_meta(a))})"
              for a in story.articles]
    return "\n".join(lines)
