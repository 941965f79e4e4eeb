"""Single article pages: fetched safely, main text extracted with trafilatura."""

from __future__ import annotations

import re
from typing import Any

from corpus.canonical import canonical_url, declared_canonical
from corpus.errors import LoadError
from corpus.fetcher import Fetched
from corpus.fields import build_article
from corpus.formats.html import extract
from corpus.models import Article
from corpus.textnorm import looks_binary

_CHARSET = re.compile(r"charset=[\"']?([\w.:-]+)", re.I)
_META_CHARSET = re.compile(rb"<meta[^>]+charset=[\"']?([\w.:-]+)", re.I)


def decode_page(fetched: Fetched) -> str:
    """Bytes to text using the declared charset; binary bodies are refused."""
    body = fetched.body
    if not body.strip():
        raise LoadError(fetched.url, "the page is empty")
    if b"\x00" in body[:4096]:
        raise LoadError(fetched.url, "the page is binary data, not HTML")
    declared = _CHARSET.search(fetched.content_type or "")
    meta = _META_CHARSET.search(body[:4096])
    charset = (declared.group(1) if declared else meta.group(1).decode() if meta else "utf-8")
    try:
        text = body.decode(charset, errors="replace")
    except LookupError:
        text = body.decode("utf-8", errors="replace")
    if looks_binary(text):
        raise LoadError(fetched.url, "the page is binary data, not HTML")
    return text


def page_article(fetched: Fetched, article_id: str,
                 fallback: dict[str, Any] | None = None) -> Article:
    """The article on a fetched page, shown under the page's canonical URL.

    The id stays the one derived from the link we followed, so the next poll
    finds it again; `fallback` holds what the feed said (title, date, …) and
    the page's own metadata wins where it has some.
    """
    html = decode_page(fetched)
    url = canonical_url(declared_canonical(html, fetched.url) or fetched.url)
    fields, body = extract(html, fetched.url, url=url)
    merged = {**(fallback or {}), **{k: v for k, v in fields.items() if v}}
    merged["url"] = url
    merged["id"] = article_id
    try:
        return build_article(merged, body, fetched.url)
    except LoadError as exc:
        if exc.field != "published":
            raise
        merged["published"] = (fallback or {}).get("published")
        return build_article(merged, body, fetched.url)
