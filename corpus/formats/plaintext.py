"""Plain text: the first short line is taken as the title."""

from __future__ import annotations

from corpus.errors import LoadError
from corpus.fields import build_article
from corpus.models import Article


def load(text: str, origin: str, path_key: str) -> list[Article | LoadError]:
    first = next((line.strip() for line in text.splitlines() if line.strip()), "")
    title = first if len(first) <= 200 else ""
    return [build_article({}, text, origin, path_key=path_key, default_title=title)]
