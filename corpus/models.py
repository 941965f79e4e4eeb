"""Records that cross package boundaries."""

from __future__ import annotations

import hashlib
from datetime import date

from pydantic import AliasChoices, BaseModel, Field, computed_field


class Article(BaseModel):
    """One article as stored: `text` is the reference every excerpt slices."""

    id: str
    title: str = ""
    outlet: str = Field("", validation_alias=AliasChoices("outlet", "source"),
                        description="who published it; read as `source` from older files")
    url: str = ""
    published: date | None = None
    language: str = ""
    text: str
    origin: str = Field("", description="where it came from: a file path, a feed, a URL")
    summary_only: bool = Field(False, description="the text is a feed's summary, not the page")

    @computed_field  # type: ignore[prop-decorator]
    @property
    def content_hash(self) -> str:
        """Changes whenever anything an index or a citation shows changes."""
        h = hashlib.sha256()
        for part in (self.title, self.outlet, self.url, str(self.published or ""),
                     self.language, self.text):
            h.update(part.encode("utf-8"))
            h.update(b"\x00")
        return h.hexdigest()[:32]


class Span(BaseModel):
    """A [start, end) range of characters in an article's text."""

    start: int
    end: int


class Passage(BaseModel):
    """A few consecutive sentences of one article, located by offsets."""

    article_id: str
    ordinal: int
    start: int
    end: int
    sentences: list[Span]

    @property
    def key(self) -> str:
        return f"{self.article_id}#{self.ordinal}"
