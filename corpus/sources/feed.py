"""RSS 0.9x/1.0/2.0 and Atom feeds, parsed with feedparser from bytes we fetched ourselves."""

from __future__ import annotations

import hashlib
import re
from datetime import date
from typing import Any

from pydantic import BaseModel

from corpus.canonical import canonical_url
from corpus.errors import LoadError

MAX_ITEMS = 200
# "<!ENTITY" in every encoding an XML parser detects on its own (UTF-8 and its ASCII
# kin, UTF-16 and UTF-32 of either byte order), so no encoding hides a declaration
_ENTITY = re.compile(b"|".join(re.escape("<!ENTITY".encode(e)) for e in (
    "utf-8", "utf-16-le", "utf-16-be", "utf-32-le", "utf-32-be")), re.I)
_FEED_START = re.compile(
    rb"^\s*(<\?xml[^>]*>\s*)?(<!--.*?-->\s*|<!DOCTYPE[^>\[]*>\s*)*<(rss|feed|rdf:RDF)\b", re.S)


class FeedItem(BaseModel):
    url: str
    title: str = ""
    summary: str = ""
    published: date | None = None
    key: str  # changes when the publisher changes the item

    def fallback(self, feed_title: str) -> dict[str, Any]:
        return {"title": self.title, "published": self.published, "outlet": feed_title}


class ParsedFeed(BaseModel):
    title: str
    items: list[FeedItem]


def looks_like_feed(content_type: str, body: bytes) -> bool:
    kind = content_type.split(";")[0].strip().lower()
    if kind in ("application/rss+xml", "application/atom+xml", "application/rdf+xml"):
        return True
    return bool(_FEED_START.match(body[:2048]))


def _text(html: str) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html or "")).strip()


def parse_feed(body: bytes, url: str) -> ParsedFeed:
    if _ENTITY.search(body):  # the whole body: a 70 KB comment must not hide one
        # entity declarations are how billion-laughs bombs work; real feeds never need them
        raise LoadError(url, "the feed declares XML entities; refused")
    import feedparser

    parsed = feedparser.parse(body, sanitize_html=True, resolve_relative_uris=False)
    reason = getattr(parsed, "bozo_exception", None)
    detail = f" ({reason.__class__.__name__})" if reason else ""
    if not parsed.entries:
        if reason is None and parsed.get("version"):
            return ParsedFeed(title=_text(parsed.feed.get("title", "")) or url, items=[])
        raise LoadError(url, f"not a readable RSS or Atom feed{detail}")
    items = []
    for entry in parsed.entries[:MAX_ITEMS]:
        link = entry.get("link") or ""
        if not link.startswith(("http://", "https://")):
            continue
        when = entry.get("published_parsed") or entry.get("updated_parsed")
        published = date(*when[:3]) if when else None
        summary = _text(entry.get("summary", ""))
        stamp = f"{entry.get('updated', '')}|{entry.get('title', '')}|{summary}"
        items.append(FeedItem(
            url=canonical_url(link), title=_text(entry.get("title", "")), summary=summary,
            published=published, key=hashlib.sha1(stamp.encode("utf-8")).hexdigest()[:16],
        ))
    if not items:  # e.g. malformed XML from which the lenient parser salvaged no link
        raise LoadError(url, f"not a readable RSS or Atom feed: no item links to a page{detail}")
    return ParsedFeed(title=_text(parsed.feed.get("title", "")) or url, items=items)
