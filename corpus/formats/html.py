"""HTML pages: trafilatura keeps the article and drops menus, ads and footers."""

from __future__ import annotations

import re
from typing import Any

from corpus.errors import LoadError
from corpus.fields import build_article
from corpus.models import Article

_HTML_LANG = re.compile(r"<html[^>]*\blang=[\"']?([A-Za-z_-]+)", re.I)


def extract(html: str, origin: str, url: str = "") -> tuple[dict[str, Any], str]:
    """Main text and metadata of a page; paragraphs come back separated by blank lines."""
    import trafilatura  # deferred: it imports lxml and friends

    doc = trafilatura.bare_extraction(
        html, url=url or None, with_metadata=True, include_comments=False, include_tables=False
    )
    text = (getattr(doc, "text", None) or "") if doc is not None else ""
    if not text.strip():
        raise LoadError(origin, "no article text found in the page")
    lang = _HTML_LANG.search(html[:5000])
    fields: dict[str, Any] = {
        "title": getattr(doc, "title", None) or "",
        "outlet": getattr(doc, "sitename", None) or "",
        "published": getattr(doc, "date", None) or None,
        "language": getattr(doc, "language", None) or (lang.group(1) if lang else ""),
        "url": url or getattr(doc, "url", None) or "",
    }
    return fields, re.sub(r"\n+", "\n\n", text)


def load(text: str, origin: str, path_key: str) -> list[Article | LoadError]:
    fields, body = extract(text, origin)
    try:
        return [build_article(fields, body, origin, path_key=path_key)]
    except LoadError as exc:
        if exc.field != "published":
            raise
        fields["published"] = None  # a page's odd date string is no reason to drop it
        return [build_article(fields, body, origin, path_key=path_key)]
