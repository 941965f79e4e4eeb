"""Fetching web sources (feeds and article URLs) into the catalogue.

Each source is fetched on its own: whatever a hostile or broken server does
ends that source's fetch with the error recorded on the source, and every
other source goes on. Nothing already stored is lost on failure.
"""

from __future__ import annotations

import logging
from collections.abc import Callable

from pydantic import BaseModel, Field

from corpus.canonical import canonical_url
from corpus.catalogue import Catalogue, Change, StoredWeb, WebMeta
from corpus.errors import CatalogueError, LoadError, NewsdeskError
from corpus.fetcher import Fetched, Fetcher
from corpus.fields import build_article
from corpus.ids import id_from_url
from corpus.models import Article
from corpus.registry import Kind, Registry, Source
from corpus.sources.feed import FeedItem, looks_like_feed, parse_feed
from corpus.sources.page import page_article

log = logging.getLogger("newsdesk." + __name__)
MIN_SUMMARY_CHARS = 80


class SourceOutcome(BaseModel):
    source_id: str
    location: str
    status: str = "ok"  # ok | not modified | partial | error
    items: int = 0
    added: int = 0
    updated: int = 0
    unchanged: int = 0
    duplicates: int = 0
    summaries: int = 0
    errors: list[str] = Field(default_factory=list)

    @property
    def changed(self) -> bool:
        return bool(self.added or self.updated)


def detect_kind(fetcher: Fetcher, url: str) -> tuple[Kind, Fetched]:
    """A feed or an article page, told apart by content type and content."""
    fetched = fetcher.get(url)
    return ("feed" if looks_like_feed(fetched.content_type, fetched.body) else "url"), fetched


def _store(catalogue: Catalogue, article: Article, source_id: str, web: WebMeta,
           outcome: SourceOutcome) -> Change:
    web.duplicate_of = catalogue.find_duplicate(article)
    change = catalogue.upsert(article, source_id=source_id, web=web)
    if web.duplicate_of and change != "unchanged":
        outcome.duplicates += 1
    setattr(outcome, change, getattr(outcome, change) + 1)
    return change


def _get_page(fetcher: Fetcher, url: str, state: StoredWeb | None) -> Fetched:
    """An article page, asked for only if it changed since the validators stored with it."""
    return fetcher.get(url, robots=True, etag=state.etag if state else None,
                       last_modified=state.last_modified if state else None)


def _summary_article(item: FeedItem, article_id: str, feed_title: str, reason: str) -> Article:
    if len(item.summary) < MIN_SUMMARY_CHARS:
        raise LoadError(item.url, f"{reason}, and the feed gives no usable summary")
    article = build_article({**item.fallback(feed_title), "id": article_id, "url": item.url},
                            item.summary, item.url)
    return article.model_copy(update={"summary_only": True})


def _fetch_feed(source: Source, fetcher: Fetcher, catalogue: Catalogue, registry: Registry,
                outcome: SourceOutcome, progress: Callable[[str], None] | None) -> None:
    fetched = fetcher.get(source.location, etag=source.etag, last_modified=source.last_modified)
    if fetched.not_modified:
        outcome.status = "not modified"
        registry.record(source.id, status="not modified")
        return
    feed = parse_feed(fetched.body, source.location)
    outcome.items = len(feed.items)
    for item in feed.items:
        try:
            _fetch_item(item, feed.title, source, fetcher, catalogue, outcome)
        except CatalogueError:
            raise  # not this item's fault: the whole fetch stops and says why
        except NewsdeskError as exc:
            outcome.errors.append(str(exc))
        except Exception as exc:  # a bug met on one item costs that item, not the feed
            log.exception("unexpected failure on %s", item.url)
            outcome.errors.append(f"{item.url}: unexpected {exc.__class__.__name__}")
        if progress:
            progress(item.url)
    outcome.status = "partial" if outcome.errors else "ok"
    registry.record(source.id, status=outcome.status, item_count=len(feed.items),
                    error="; ".join(outcome.errors[:2]) or None, etag=fetched.etag,
                    last_modified=fetched.last_modified)


def _fetch_item(item: FeedItem, feed_title: str, source: Source, fetcher: Fetcher,
                catalogue: Catalogue, outcome: SourceOutcome) -> None:
    """One feed item: its page when it changed, else the feed's summary in its place."""
    article_id = id_from_url(item.url)
    state = catalogue.web_state(article_id)
    if state is not None and state.entry_key == item.key:
        catalogue.add_listing(source.id, article_id)
        outcome.unchanged += 1
        return
    web = WebMeta(entry_key=item.key)
    try:
        page = _get_page(fetcher, item.url, state)
        if page.not_modified and state is not None:
            catalogue.update_web(article_id, web, source.id)
            outcome.unchanged += 1
            return
        web.etag, web.last_modified = page.etag, page.last_modified
        article = page_article(page, article_id, item.fallback(feed_title))
    except NewsdeskError as exc:
        article = _summary_article(item, article_id, feed_title, str(exc))
        outcome.summaries += 1
    _store(catalogue, article, source.id, web, outcome)


def _fetch_page(source: Source, fetcher: Fetcher, catalogue: Catalogue, registry: Registry,
                outcome: SourceOutcome) -> None:
    url = canonical_url(source.location)
    article_id = id_from_url(url)
    state = catalogue.web_state(article_id)
    page = _get_page(fetcher, source.location, state)
    outcome.items = 1
    if page.not_modified and state is not None:
        catalogue.add_listing(source.id, article_id)
        outcome.status = "not modified"
        outcome.unchanged = 1
        registry.record(source.id, status="not modified", item_count=1)
        return
    article = page_article(page, article_id)
    _store(catalogue, article, source.id,
           WebMeta(etag=page.etag, last_modified=page.last_modified), outcome)
    registry.record(source.id, status="ok", item_count=1)


def fetch_source(source: Source, fetcher: Fetcher, catalogue: Catalogue, registry: Registry,
                 progress: Callable[[str], None] | None = None) -> SourceOutcome:
    """Fetch one feed or URL source; failures are recorded on it, never raised."""
    outcome = SourceOutcome(source_id=source.id, location=source.location)
    try:
        if source.kind == "feed":
            _fetch_feed(source, fetcher, catalogue, registry, outcome, progress)
        elif source.kind == "url":
            _fetch_page(source, fetcher, catalogue, registry, outcome)
    except NewsdeskError as exc:
        outcome.status = "error"
        outcome.errors.append(str(exc))
        registry.record(source.id, status="error", error=str(exc))
    except Exception as exc:  # a hostile server must never stop the other sources
        log.exception("unexpected failure fetching %s", source.location)
        outcome.status = "error"
        outcome.errors.append(f"unexpected {exc.__class__.__name__}")
        registry.record(source.id, status="error", error=f"unexpected {exc.__class__.__name__}")
    return outcome
