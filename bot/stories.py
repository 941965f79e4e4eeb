"""Stories: the articles that report one event, across outlets and languages.

A digest lists events, not articles: LG's EXAONE 3.5 told by a Seoul daily and by an
English wire is one line, not two. Three signals decide that two articles
report one event, each covering what the others miss:

- a near copy (MinHash of the text, corpus/dedupe.py) is never indexed: the catalogue links
  it to the article it copies, and it joins that article's story;
- translations and rewrites share no words, but their e5 vectors are close (the vector of
  the article's first passage, as the index already holds it: nothing is embedded again);
- close vectors alone also join different events of one topic (Taiwan's, Texas's and
  Australia's DeepSeek bans, a week apart), so the articles must also be published within a
  few days of each other and name the same actors: most names of each title are found in
  the other's title or first passage (bot/cues.py reads names across spellings and
  languages: "Italy" is "italiano", "Royaume-Uni" is "Reino Unido").

The bar and the window are calibrated on the bundled corpus's labelled stories
(`eval/calibrate_stories.py`, labels in `eval/story_labels.json`), never on XQuAD.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from functools import cache
from typing import Protocol

import numpy as np
from pydantic import BaseModel

from bot import cues
from bot.scorer import Question, Sentence, SentenceScorer
from corpus.models import Article, Span
from index.filters import Filters, admitted
from index.store import IndexVersion


class StoryArticle(BaseModel):
    """One article of a story, as a digest links it."""

    article_id: str
    title: str
    outlet: str
    language: str
    url: str
    published: date | None


class StorySentence(BaseModel):
    """The sentence that says what happened: `text` is article.text[start:end], verbatim."""

    article_id: str
    start: int
    end: int
    text: str


class Story(BaseModel):
    """`key` is the id of the story's earliest article: it stays the same as later articles
    join, so a face can tell a story it has shown from a new one."""

    key: str
    headline: str
    sentence: StorySentence | None
    articles: list[StoryArticle]  # earliest first
    outlets: list[str]
    languages: list[str]
    newest: date | None


@dataclass(frozen=True)
class Rule:
    """When two articles report one event (see the module docstring for why each part)."""

    similarity: float  # cosine of the article vectors, at least
    days: int  # published at most this many days apart
    names: float = 0.0  # share of both titles' names the other article holds, at least


@dataclass(frozen=True)
class Item:
    """What grouping reads of one indexed article."""

    id: str
    published: date | None
    language: str
    vector: np.ndarray  # unit length
    names: frozenset[str]  # names of its title (cues.question_names; see lead_names)
    head: cues.Text  # its title and first passage, read for name look-ups


_ELISION = re.compile(r"^(?:l|d|qu|dell|nell|all)['’]")


def lead_names(title: str, lead: str, language: str) -> frozenset[str]:
    """The names a title says (a lead sentence's when there is no title), the first word
    included (a title's "Australia bans…" opens with its actor) and a French or Italian
    elision dropped ("l’italie" is "italie"). The title, not the lead: a lead's scene-setting
    words ("Cumbre", "Sommet") are capitalised in one language and not in the next."""
    found = cues.question_names(f"· {title or lead}", language)
    return frozenset(n for n in (_ELISION.sub("", n) for n in found) if n)


def item(article_id: str, published: date | None, vector: np.ndarray, title: str,
         lead: str, passage: str, language: str) -> Item:
    """`lead`: the article's first sentence; `passage`: its first passage."""
    return Item(article_id, published, language, vector, lead_names(title, lead, language),
                cues.read(f"{title}\n{passage}"))


def article_vector(vector: np.ndarray) -> np.ndarray:
    """An article's first passage vector (its title and lead, as the index embedded them),
    unit length. Measured against the mean of all its passages on the labelled sample
    (eval/calibrate_stories.py): both group it as labelled, the first passage over a wider
    range of bars (0.83-0.88 against 0.85-0.88), since later paragraphs of two DeepSeek
    bans tell the same background."""
    v = np.asarray(vector, np.float32).reshape(-1)
    return v / (np.linalg.norm(v) or 1.0)


def name_agreement(a: Item, b: Item) -> float | None:
    """The share of both titles' names found in the other article's title and first
    passage: Taiwan's ban and Australia's both name DeepSeek, but not each other's country.
    None where names cannot be compared: a text not in Latin letters (a Korean text spells
    DeepSeek 딥시크) or two titles without names."""
    if not (a.head.latin and b.head.latin) or not (a.names or b.names):
        return None
    held = sum(1 for n in a.names if cues.found(n, b.head)) + \
        sum(1 for n in b.names if cues.found(n, a.head))
    return held / (len(a.names) + len(b.names))


def group(items: Sequence[Item], rule: Rule) -> list[list[str]]:
    """Connected groups of linked articles (single link: a story grows through its
    translations), each earliest first; articles without a date stand alone."""
    parent = list(range(len(items)))

    def root(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    pairs = list(_pairs(items, rule.days))
    nearest = _nearest(items, pairs)
    for i, j, similarity in pairs:
        if similarity >= rule.similarity and _linked(items, i, j, rule, nearest):
            parent[root(i)] = root(j)
    groups: dict[int, list[int]] = {}
    for i in range(len(items)):
        groups.setdefault(root(i), []).append(i)
    return [[items[i].id for i in sorted(members, key=lambda i: _order(items[i]))]
            for members in groups.values()]


def _linked(items: Sequence[Item], i: int, j: int, rule: Rule,
            nearest: dict[tuple[int, str], int]) -> bool:
    """Close enough already; and the names agree, or, where names cannot be compared (see
    `name_agreement`), each is the other's nearest article of the other's language within
    the window: a Korean article has at most one English telling of its event to pick."""
    agreement = name_agreement(items[i], items[j])
    if agreement is not None:
        return agreement >= rule.names
    return nearest[i, items[j].language] == j and nearest[j, items[i].language] == i


def _nearest(items: Sequence[Item], pairs: list[tuple[int, int, float]]
             ) -> dict[tuple[int, str], int]:
    """(article, language) → its nearest article of that language within the window."""
    best: dict[tuple[int, str], tuple[float, int]] = {}
    for i, j, similarity in pairs:
        for x, y in ((i, j), (j, i)):
            key = (x, items[y].language)
            if similarity > best.get(key, (-2.0, -1))[0]:
                best[key] = (similarity, y)
    return {key: y for key, (_, y) in best.items()}


def _order(item: Item) -> tuple[date, str]:
    return item.published or date.min, item.id


def _pairs(items: Sequence[Item], days: int) -> Iterable[tuple[int, int, float]]:
    """Pairs published within `days` of each other with their cosine: a sliding window over
    the dates, so a year of articles is not compared all with all."""
    dated = sorted((i for i, it in enumerate(items) if it.published is not None),
                   key=lambda i: items[i].published or date.min)
    if not dated:
        return
    matrix = np.stack([items[i].vector for i in dated])
    ordinals = np.array([(items[i].published or date.min).toordinal() for i in dated])
    for at in range(len(dated)):
        end = int(np.searchsorted(ordinals, ordinals[at] + days, side="right"))
        if end <= at + 1:
            continue
        sims = matrix[at + 1:end] @ matrix[at]
        for offset, similarity in enumerate(sims.tolist()):
            yield dated[at], dated[at + 1 + offset], float(similarity)


class Copies(Protocol):
    """What a digest reads besides the index: the catalogue's copies of indexed articles."""

    def copies(self) -> dict[str, list[Article]]: ...


def stories(version: IndexVersion, catalogue: Copies | None, rule: Rule,
            filters: Filters | None = None, headline_language: str | None = None,
            embed: Callable[[list[str]], np.ndarray] | None = None) -> list[Story]:
    """The stories with an article the filters admit, most covered first (outlets, then
    articles, then the newest). A story is grouped from every article published up to
    `rule.days` before `filters.since`, so it keeps its key and its earlier articles.

    `headline_language`: the headline is the title of an article in it when the story has
    one (default: the filtered language), else the earliest article's. `embed`: headlines
    → query vectors, for the scorer to pick the sentence that says what happened (without
    it, the lead sentence)."""
    filters = filters or Filters()
    admitted(version, filters)  # an outlet or language the index never held: FilterError
    wanted = _window(version, filters.since, rule.days)
    texts = version.texts(wanted)
    items = [it for aid in wanted if aid in texts
             if (it := _item(version, texts[aid])) is not None]
    copies = catalogue.copies() if catalogue is not None else {}
    language = headline_language or filters.language
    told = []
    for ids in group(items, rule):
        members = [texts[aid] for aid in ids] + [c for aid in ids for c in copies.get(aid, [])]
        if any(filters.admits(a) for a in members):
            told.append(sorted(members, key=_published))
    leads = [_lead(version, members, language) for members in told]
    queries = embed([a.title for a in leads]) if embed is not None and leads else None
    out = [_story(version, members, lead, None if queries is None else queries[n])
           for n, (members, lead) in enumerate(zip(told, leads, strict=True))]
    return sorted(out, key=lambda s: (-len(s.outlets), -len(s.articles),
                                      -(s.newest or date.min).toordinal(), s.key))


def _window(version: IndexVersion, since: date | None, days: int) -> list[str]:
    if since is None:
        return list(version.article_ids)
    start = since.toordinal() - days
    return [aid for aid, info in version.articles.items()
            if info.published is not None and info.published.toordinal() >= start]


def _published(article: Article) -> tuple[date, str]:
    return article.published or date.min, article.id


def _first_row(version: IndexVersion, article_id: str) -> int | None:
    rows = version.rows_of(article_id)
    return min(rows, key=lambda r: version.passages[r].ordinal) if rows else None


def _item(version: IndexVersion, article: Article) -> Item | None:
    first = _first_row(version, article.id)
    if first is None:
        return None
    at = version.passages[first]
    lead = article.text[at.sentences[0].start:at.sentences[0].end] if at.sentences else ""
    return item(article.id, article.published,
                article_vector(np.asarray(version.vectors[[first]])[0]), article.title, lead,
                article.text[at.start:at.end], article.language)


def candidates(version: IndexVersion, article: Article, query: np.ndarray,
               first_passage: bool = True) -> tuple[list[Span], list[Sentence]]:
    """The sentences the scorer chooses among, with what it reads of each: their likeness
    to the headline asked as a question, and to the article as a whole."""
    rows = sorted(version.rows_of(article.id), key=lambda r: version.passages[r].ordinal)
    every = np.vstack([np.asarray(version.sentences_of(r), np.float32) for r in rows])
    central = every.mean(axis=0)
    spans = [s for r in rows[:1 if first_passage else None] for s in version.passages[r].sentences]
    vectors = every[:len(spans)]
    return spans, [Sentence(text=article.text[s.start:s.end], score=float(v @ query),
                            passage_score=0.0, position=i, same_language=True,
                            centrality=float(v @ central))
                   for i, (s, v) in enumerate(zip(spans, vectors, strict=True))]


def what_happened(version: IndexVersion, article: Article,
                  query: np.ndarray | None) -> StorySentence | None:
    """The sentence of the article's first passage that the sentence scorer (bot/scorer.py)
    picks with the headline as the question; the lead sentence without a query. Measured on
    the bundled corpus (eval/calibrate_stories.py --sentences, judged by hand in
    eval/story_labels.json): right in 45 of 50 articles, against 43 for the lead sentence
    (scene-setting leads: "La Silicon Valley n’avait pas vu venir le choc.") and 43 for the
    scorer over the whole article (which quotes background from later paragraphs)."""
    first = _first_row(version, article.id)
    if first is None:
        return None
    if query is None or not article.title:
        spans, best = version.passages[first].sentences, 0
    else:
        spans, sentences = candidates(version, article, query)
        best = _scorer().best(Question.read(article.title, article.language), sentences) \
            if sentences else 0
    if not spans:
        return None
    span = spans[best]
    return StorySentence(article_id=article.id, start=span.start, end=span.end,
                         text=article.text[span.start:span.end])


@cache
def _scorer() -> SentenceScorer:
    return SentenceScorer.load()


def _lead(version: IndexVersion, members: list[Article], language: str | None) -> Article:
    """The article a story is headlined and quoted from: the first in `language`, else the
    earliest; an article the index cannot quote (changed since, a copy) gives way to one
    it can."""
    quotable = version.quotable([a.id for a in members if a.id in version.articles])
    preferred = [a for a in members if language and a.language == language] + members
    return next((quotable[a.id] for a in preferred if a.id in quotable), preferred[0])


def _story(version: IndexVersion, members: list[Article], lead: Article,
           query: np.ndarray | None) -> Story:
    dates = [a.published for a in members if a.published is not None]
    quoted = lead.id in version.articles
    return Story(
        key=members[0].id,
        headline=lead.title or members[0].title,
        sentence=what_happened(version, lead, query) if quoted else None,
        articles=[StoryArticle(article_id=a.id, title=a.title, outlet=a.outlet,
                               language=a.language, url=a.url, published=a.published)
                  for a in members],
        outlets=sorted({a.outlet for a in members if a.outlet}, key=str.casefold),
        languages=sorted({a.language for a in members if a.language}),
        newest=max(dates) if dates else None)
