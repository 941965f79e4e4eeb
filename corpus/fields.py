"""Turning loose fields (front matter, JSON records, page metadata) into an Article.

Every loader funnels through `build_article`, so ids, dates and languages are
validated the same way whatever the file format.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date, datetime
from typing import Any

from corpus.errors import LoadError
from corpus.ids import clean_id, id_from_path, id_from_url
from corpus.language import detect_language, normalise_language
from corpus.models import Article
from corpus.textnorm import clean_text, looks_binary, valid_unicode

MIN_TEXT_CHARS = 20


def parse_published(value: Any, origin: str) -> date | None:
    if value in (None, ""):
        return None
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    text = str(value).strip()
    try:
        return datetime.fromisoformat(text.replace("Z", "+00:00")).date()
    except ValueError:
        pass
    try:
        return date.fromisoformat(text[:10])
    except ValueError:
        raise LoadError(origin, f"published {text!r} is not an ISO date (YYYY-MM-DD)",
                        field="published") from None


def _text_field(fields: Mapping[str, Any], key: str, origin: str) -> str:
    value = fields.get(key)
    if value is None:
        return ""
    if not isinstance(value, str | int | float | date):
        raise LoadError(origin, f"{key} must be text, not {type(value).__name__}")
    return valid_unicode(str(value)).strip()


def build_article(
    fields: Mapping[str, Any],
    text: str,
    origin: str,
    *,
    path_key: str | None = None,
    default_title: str = "",
) -> Article:
    """Validate fields and text; `path_key` names the file when no id or URL is given."""
    text = clean_text(text)
    if looks_binary(text):
        raise LoadError(origin, "this looks like a binary file, not text")
    if len(text) < MIN_TEXT_CHARS:
        raise LoadError(origin, "no article text (empty or too short)")
    url = _text_field(fields, "url", origin)
    raw_id = _text_field(fields, "id", origin)
    if raw_id:
        article_id = clean_id(raw_id)
        if not article_id:
            raise LoadError(origin, f"id {raw_id!r} has no usable characters")
    elif url:
        article_id = id_from_url(url)
    elif path_key:
        article_id = id_from_path(path_key)
    else:
        raise LoadError(origin, "the record has neither an id nor a url")
    language = normalise_language(fields.get("language")) or detect_language(text)
    return Article(
        id=article_id,
        title=_text_field(fields, "title", origin) or default_title,
        outlet=_text_field(fields, "outlet", origin) or _text_field(fields, "source", origin),
        url=url,
        published=parse_published(fields.get("published"), origin),
        language=language,
        text=text,
        origin=origin,
    )
