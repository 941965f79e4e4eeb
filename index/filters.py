"""Which articles a question may be answered from: since a day, from one outlet, in one language.

A filter narrows the search itself (FAISS searches only the rows it admits), not the list of
results, so a narrow filter still finds its best articles however far down the unfiltered
ranking they would sit.
"""

from __future__ import annotations

import calendar
import difflib
import re
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from weakref import WeakKeyDictionary

import numpy as np
from pydantic import BaseModel, ConfigDict

from corpus.errors import NewsdeskError
from corpus.language import normalise_language
from corpus.models import Article
from index.store import ArticleInfo, IndexVersion

_SPAN = re.compile(r"^(\d{1,5})\s*([hdwmy])$", re.I)
_MONTH = re.compile(r"^(\d{4})-(\d{1,2})$")
_SINCE_HELP = ("give a span back from now like 7d, 4w, 6m, 1y or 12h, a month like 2025-01 "
               "or a day like 2025-01-15")
_SHOWN = 8  # outlets or languages named in an error


class FilterError(NewsdeskError):
    pass


def _months_back(today: date, months: int) -> date:
    """The same day `months` earlier, or that month's last day (31 March less one: 28 or 29
    February); ValueError before the year 1."""
    year, month = divmod(today.year * 12 + today.month - 1 - months, 12)
    last = calendar.monthrange(year, month + 1)[1] if year >= 1 else 0
    return date(year, month + 1, min(today.day, last))


def parse_since(text: str, today: date | None = None) -> date:
    """"12h", "7d", "4w", "6m", "1y" back from today; "2025-01" (its first day);
    "2025-01-15". Articles carry a day, not a time: "12h" admits the day it was 12 hours
    ago, whole."""
    raw = text.strip()
    today = today or date.today()
    try:
        if match := _SPAN.match(raw):
            count, unit = int(match.group(1)), match.group(2).lower()
            if unit == "h":
                now = datetime.combine(today, datetime.now().time())
                return (now - timedelta(hours=count)).date()
            if unit in "dw":
                return today - timedelta(days=count * (7 if unit == "w" else 1))
            return _months_back(today, count * (12 if unit == "y" else 1))
        if match := _MONTH.match(raw):
            return date(int(match.group(1)), int(match.group(2)), 1)
        return date.fromisoformat(raw)
    except (ValueError, OverflowError):
        shown = raw if len(raw) <= 40 else raw[:39] + "…"
        raise FilterError(f"cannot read the date {shown!r}: {_SINCE_HELP}") from None


class Filters(BaseModel):
    """What a question is restricted to; an empty Filters restricts nothing."""

    model_config = ConfigDict(frozen=True)

    since: date | None = None  # published on or after this day (undated articles are left out)
    outlet: str | None = None  # the outlet's name as articles carry it, in any case
    language: str | None = None  # ISO 639-1 code of the article
    # only these articles (e.g. a story's, for "Ask about this"); ids the index does not
    # hold admit nothing, they are no typo a member made
    articles: frozenset[str] | None = None

    @classmethod
    def read(cls, since: str | date | None = None, outlet: str | None = None,
             language: str | None = None, today: date | None = None) -> Filters:
        """From what a member or a command line typed; FilterError says what is wrong."""
        if isinstance(since, str):
            since = parse_since(since, today) if since.strip() else None
        code = None
        if language is not None and language.strip():
            code = normalise_language(language)
            if not code:
                raise FilterError(f"{language.strip()[:40]!r} is not a language code; give "
                                  "one like en, fr or de")
        return cls(since=since, outlet=(outlet or "").strip() or None, language=code)

    @property
    def active(self) -> bool:
        return bool(self.since or self.outlet or self.language or self.articles is not None)

    def admits(self, article: Article | ArticleInfo) -> bool:
        if self.since and (article.published is None or article.published < self.since):
            return False
        if self.outlet and article.outlet.casefold() != self.outlet.casefold():
            return False
        if self.articles is not None and article.id not in self.articles:
            return False
        return not self.language or article.language == self.language


class Searched(BaseModel):
    """What a question was searched in: the faces say it when nothing answers."""

    articles: int
    outlets: int
    since: date | None = None
    outlet: str | None = None
    language: str | None = None


def _named(values: set[str]) -> str:
    shown = sorted(values)[:_SHOWN]
    more = f" and {len(values) - _SHOWN} more" if len(values) > _SHOWN else ""
    return ", ".join(shown) + more


@dataclass(frozen=True)
class _Columns:
    """A version's articles as arrays (in `article_ids` order), read once per version: a
    filtered question at a million passages would otherwise loop over every article."""

    published: np.ndarray  # day ordinal; -1 when undated
    outlet: np.ndarray  # as written (object array)
    folded: np.ndarray  # casefolded outlet
    language: np.ndarray
    outlets: dict[str, str]  # every outlet, casefolded → as written (the last article's)
    languages: frozenset[str]
    ids: np.ndarray  # article ids (object array)

    @classmethod
    def of(cls, version: IndexVersion) -> _Columns:
        infos = [version.articles[i] for i in version.article_ids]
        outlets = [a.outlet for a in infos]
        languages = [a.language for a in infos]
        return cls(
            published=np.array([a.published.toordinal() if a.published else -1 for a in infos],
                               np.int64),
            outlet=np.array(outlets, object), folded=np.array([o.casefold() for o in outlets],
                                                               object),
            language=np.array(languages, object),
            outlets={o.casefold(): o for o in outlets if o},
            languages=frozenset(x for x in languages if x),
            ids=np.array(list(version.article_ids), object))

    def admitted(self, filters: Filters) -> np.ndarray:
        keep = np.ones(len(self.published), bool)
        if filters.since:
            keep &= self.published >= filters.since.toordinal()
        if filters.outlet:
            keep &= self.folded == filters.outlet.casefold()
        if filters.language:
            keep &= self.language == filters.language
        if filters.articles is not None:
            keep &= np.isin(self.ids, list(filters.articles))
        return keep


_COLUMNS: WeakKeyDictionary[IndexVersion, _Columns] = WeakKeyDictionary()


def _columns(version: IndexVersion) -> _Columns:
    columns = _COLUMNS.get(version)
    if columns is None:
        columns = _COLUMNS[version] = _Columns.of(version)
    return columns


def _check_known(version: IndexVersion, filters: Filters) -> None:
    """An outlet or a language the index has never held is a typo, not an empty answer."""
    columns = _columns(version)
    if filters.outlet:
        outlets = columns.outlets
        if filters.outlet.casefold() not in outlets:
            near = difflib.get_close_matches(filters.outlet.casefold(), outlets, n=1)
            guess = f"; did you mean {outlets[near[0]]!r}?" if near else ""
            raise FilterError(f"no outlet called {filters.outlet[:60]!r} in the index{guess} "
                              f"(outlets: {_named(set(outlets.values())) or 'none'})")
    if filters.language:
        languages = set(columns.languages)
        if filters.language not in languages:
            raise FilterError(f"no articles in the language {filters.language!r}; "
                              f"languages: {_named(languages) or 'none'}")


def admitted(version: IndexVersion, filters: Filters | None) -> np.ndarray | None:
    """A mask of the passage rows the filters admit; None when nothing is filtered."""
    if filters is None or not filters.active:
        return None
    _check_known(version, filters)
    return _columns(version).admitted(filters)[version.row_article]


def searched(version: IndexVersion, filters: Filters | None,
             left: frozenset[str] = frozenset()) -> Searched:
    """`left`: articles the version holds that left the catalogue since; not counted."""
    filters = filters or Filters()
    columns = _columns(version)
    keep = columns.admitted(filters)
    if left:
        keep &= np.array([aid not in left for aid in version.article_ids], bool)
    outlets = {o for o in set(columns.outlet[keep].tolist()) if o}
    return Searched(articles=int(keep.sum()), outlets=len(outlets),
                    since=filters.since, outlet=filters.outlet, language=filters.language)
