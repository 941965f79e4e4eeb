"""Every scoring step between the nearest passages and an ordered list of candidates.

The store finds the passages of each language nearest to a question; from there a passage is
a `Candidate`, and two of its numbers decide what happens to it:
- `relevance`: how far it rises above what unrelated text of its language scores, in margins
  of a true match, alike in every pair of languages: what abstention compares;
- `rank`: what the order follows: the similarity less the language's bias, plus lexical
  evidence (BM25, off by default) and, for "still" and "latest" questions, recency.
They used to be computed in three modules and compared in a fourth; here they have one home
and their own names, so `ask --json` prints numbers a reader can set against `min_relevance`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

import numpy as np
from pydantic import BaseModel

from corpus.errors import NewsdeskError
from corpus.models import Article, Passage
from index.language_bias import LanguageNull
from index.store import ArticleInfo, IndexVersion

RECENCY_WEIGHT = 0.03  # at most this much rank for being the newest candidate
RECENCY_POOL = 20
SCORED_ARTICLES = 5  # the leading articles get every sentence scored, for the answer to pick
_RECENT = re.compile(
    r"\b(latest|still|now|yet|anymore|any more|again|currently|current|recent|recently|"
    r"today|newest|encore|toujours|désormais|maintenant|dernière?s?|actuellement|noch|jetzt|"
    r"wieder|aktuell|neueste[nrs]?|inzwischen|todavía|aún|ahora|otra vez|último|última|"
    r"actualmente)\b|아직|다시|현재|최근|지금|仍然|现在|最新|まだ|現在|最新", re.I)

_ENTITY = r"[A-Z][\w-]+(?: [A-Z][\w-]+)*"
_PAIR = re.compile(rf"\b({_ENTITY})\s*(?:,|\s(?:and|et|und|y|e|&|vs\.?|versus))\s+({_ENTITY})")
_EACH = re.compile(r"\s*\b(each|both|respectively|chacun|chacune|respectivement|jeweils|beide|"
                   r"cada uno|cada una|ambos)\b", re.I)
_COMPARE = re.compile(r"\b(each|both|respectively|compare[ds]?|comparison|versus|vs\.?|differ|"
                      r"difference|chacun|chacune|respectivement|compar\w*|jeweils|beide|"
                      r"vergleich\w*|unterschied\w*|cada uno|cada una|ambos|diferencia)\b|각각",
                      re.I)


def comparison_parts(question: str) -> list[str]:
    """"What did Taiwan and Texas each do?" → one question per named side, else [].

    Only with a comparison cue: "the venture of SoftBank and OpenAI" is one thing.
    """
    match = _PAIR.search(question)
    if not match or not _COMPARE.search(question):
        return []
    rest = _EACH.sub("", question[:match.start()] + "{}" + question[match.end():])
    return [rest.replace("{}", side) for side in (match.group(1), match.group(2))]


def wants_recent(question: str) -> bool:
    """"Is it still banned?", "latest on…": the newest article of a story should lead."""
    return bool(_RECENT.search(question))


class ArticleNotIndexed(NewsdeskError):
    pass


class SentenceScore(BaseModel):
    """One sentence of an article, scored against the question alone (not its thread)."""

    passage: int  # ordinal of the passage that holds it
    start: int
    end: int
    score: float  # question · sentence
    passage_score: float  # question · its passage
    centrality: float = 0.0  # sentence · the article's mean sentence: how generic it is


class ArticleRef(BaseModel):
    """An article pointed to, not quoted: the "closest articles" of an "I don't know" and
    "more like this"."""

    id: str
    title: str
    outlet: str
    url: str
    published: date | None
    language: str

    @classmethod
    def of(cls, article: Article | ArticleInfo) -> ArticleRef:
        return cls(id=article.id, title=article.title, outlet=article.outlet, url=article.url,
                   published=article.published, language=article.language)


class Candidate(BaseModel):
    """A passage that may answer, with every number the ranking gave it."""

    article: Article
    passage: Passage
    similarity: float  # question · passage blended with its best sentence, before correction
    debiased: float  # the similarity less its language's bias (index/language_bias.py)
    rank: float  # debiased plus lexical evidence and recency: what the order follows
    relevance: float = 0.0  # rise above chance in margins of a true match, alike in every
    # pair of languages: what the abstention bar compares
    significance: float = 0.0  # rise above chance in standard deviations of unrelated text
    sentence_scores: list[float]
    aspect: int | None = None  # which side of a comparison question it answers
    article_sentences: list[SentenceScore] = []  # every sentence, for the leading articles

    @property
    def text(self) -> str:
        return self.article.text[self.passage.start:self.passage.end]

    def clears(self, min_relevance: float, min_significance: float) -> bool:
        """Close enough to the question to be cited, by both bars."""
        return self.relevance >= min_relevance and self.significance >= min_significance


@dataclass(frozen=True)
class Weights:
    """How much each kind of evidence counts (from the index settings)."""

    per_article: int = 2  # passages of one article at most
    lexical: float = 0.0  # BM25, scaled to [0, lexical] for each question
    sentence: float = 0.0  # a passage's best sentence next to the passage itself
    offset_scale: float = 1.0  # how strongly a language's bias is subtracted


@dataclass
class _Pool:
    """Scored rows before they become candidates: parallel arrays, best first once sorted."""

    rows: np.ndarray
    similarity: np.ndarray
    debiased: np.ndarray
    rank: np.ndarray

    def ordered(self) -> _Pool:
        order = np.argsort(-self.rank, kind="stable")  # ties keep the search order
        return _Pool(self.rows[order], self.similarity[order], self.debiased[order],
                     self.rank[order])


def sentence_rows(version: IndexVersion, rows: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(indexes of every sentence of `rows`, row after row; how many each row has)."""
    starts = version.sentence_start[rows]
    counts = version.sentence_start[rows + 1] - starts
    before = np.cumsum(counts) - counts
    return np.repeat(starts - before, counts) + np.arange(int(counts.sum())), counts


def blend_best_sentence(version: IndexVersion, rows: np.ndarray, scores: np.ndarray,
                        query: np.ndarray, weight: float) -> np.ndarray:
    """(passage + weight · best sentence) / (1 + weight) for many passages in one product.

    A passage's best sentence never counts for less than the passage itself. The products
    are summed in float64 and rounded once, so a sentence scores the same whichever other
    rows share the product (float32 BLAS sums differ in the last bit with the row count)."""
    sentences, counts = sentence_rows(version, rows)
    best = scores.copy()
    if len(sentences):
        vectors = version.sentence_vectors[sentences].astype(np.float64)
        scored = (vectors @ query.astype(np.float64)).astype(np.float32)
        held = counts > 0
        first = (np.cumsum(counts) - counts)[held]
        best[held] = np.maximum(np.maximum.reduceat(scored, first), scores[held])
    return (scores + weight * best) / (1 + weight)


def nearest(version: IndexVersion, query: np.ndarray, per_language: int, weights: Weights,
            allowed: np.ndarray | None = None) -> _Pool:
    """The nearest passages of every language, blended with their best sentence, each less
    its language's bias; in search order (language after language, nearest first)."""
    shift = {lang: weights.offset_scale * d for lang, d in version.offsets.for_query(query).items()}
    found = [(lang, *version.search_group(lang, query, per_language, allowed))
             for lang in version.languages]
    rows = np.concatenate([r for _, r, _ in found]) if found else np.zeros(0, np.int64)
    scores = np.concatenate([s for _, _, s in found]) if found else np.zeros(0, np.float32)
    if weights.sentence and len(rows):  # one product for every language's candidates
        scores = blend_best_sentence(version, rows, scores, query, weights.sentence)
    offsets = np.concatenate([np.full(len(r), shift.get(lang, 0.0)) for lang, r, _ in found]) \
        if found else np.zeros(0)
    similarity = scores.astype(np.float64)
    debiased = similarity - offsets
    return _Pool(rows, similarity, debiased, debiased.copy())


def _lexical(version: IndexVersion, pool: _Pool, query: np.ndarray, question: str,
             per_language: int, weights: Weights, allowed: np.ndarray | None) -> _Pool:
    """Adds BM25 evidence to the rank, and the best lexical matches the dense search missed."""
    if not weights.lexical or not len(version.passages):
        return pool
    lexical = version.lexical.scores(question)
    if allowed is not None:
        lexical = np.where(allowed, lexical, 0).astype(np.float32)
    if lexical.max() <= 0:
        return pool
    lexical = lexical / lexical.max()
    known = set(pool.rows.tolist())
    extra = [int(r) for r in np.argsort(-lexical)[:per_language]
             if lexical[r] > 0 and int(r) not in known]
    shift = {lang: weights.offset_scale * d for lang, d in version.offsets.for_query(query).items()}
    raw = np.array([float(version.vectors[r] @ query) for r in extra])
    offsets = np.array([shift.get(version.row_language[r], 0.0) for r in extra])
    rows = np.concatenate([pool.rows, np.array(extra, np.int64)])
    similarity = np.concatenate([pool.similarity, raw])
    debiased = np.concatenate([pool.debiased, raw - offsets])
    rank = debiased + weights.lexical * lexical[rows].astype(np.float64)
    return _Pool(rows, similarity, debiased, rank)


def _newest_first(version: IndexVersion, pool: _Pool) -> _Pool:
    """Among the leading candidates, add up to RECENCY_WEIGHT of rank for a later date."""
    head = slice(0, RECENCY_POOL)
    days = [version.article_of(row).published for row in pool.rows[head].tolist()]
    known = [d.toordinal() for d in days if d is not None]
    if len(set(known)) < 2:
        return pool
    lo, hi = min(known), max(known)
    boost = np.array([RECENCY_WEIGHT * (d.toordinal() - lo) / (hi - lo) if d else 0.0
                      for d in days])
    rank = pool.rank.copy()
    rank[head] = rank[head] + boost
    order = np.argsort(-rank[head], kind="stable")
    order = np.concatenate([order, np.arange(len(order), len(rank))])
    return _Pool(pool.rows[order], pool.similarity[order], pool.debiased[order], rank[order])


def article_sentences(version: IndexVersion, article_id: str,
                      query: np.ndarray) -> list[SentenceScore]:
    """Every sentence of one article scored against the question, for the answer to pick."""
    rows = version.rows_of(article_id)
    if not rows:
        return []
    vectors = np.vstack([version.sentences_of(row) for row in rows])
    centroid = vectors.mean(axis=0)
    centrality = vectors @ (centroid / (np.linalg.norm(centroid) or 1.0))
    scores = vectors @ query
    out: list[SentenceScore] = []
    table = version.passages
    for row in rows:
        ordinal = int(table.table[row, 1])
        passage_score = float(version.vectors[row] @ query)
        for start, end in table.sentence_spans(row).tolist():
            i = len(out)
            out.append(SentenceScore(passage=ordinal, start=start, end=end,
                                     score=float(scores[i]), passage_score=passage_score,
                                     centrality=float(centrality[i])))
    return out


def rank(version: IndexVersion, query: np.ndarray, alone: np.ndarray, question: str, *,
         k: int, per_language: int, weights: Weights, null: LanguageNull | None,
         language: str = "", allowed: np.ndarray | None = None) -> list[Candidate]:
    """The `k` best candidates for one question, at most `weights.per_article` per article.

    `query` is the question read with its thread (what finds passages), `alone` the question
    by itself (what scores the answering sentence); `language` is the question's, for
    language-fair relevance; `allowed` masks the rows a filter admits."""
    pool = nearest(version, query, per_language, weights, allowed)
    pool = _lexical(version, pool, query, question, per_language, weights, allowed).ordered()
    if wants_recent(question):
        pool = _newest_first(version, pool)
    spread = null.spread(query) if null is not None else {}
    nulls = {lang: mean for lang, (mean, _) in spread.items()}
    per_article: dict[str, int] = {}
    out: list[Candidate] = []
    texts = _Texts(version, pool.rows, k)
    for row, similarity, debiased, ranked in zip(pool.rows.tolist(), pool.similarity.tolist(),
                                                 pool.debiased.tolist(), pool.rank.tolist(),
                                                 strict=True):
        article_id = version.passages.article_id(row)
        if per_article.get(article_id, 0) >= weights.per_article:
            continue
        article = texts.get(article_id)
        if article is None:
            continue  # its text moved on in the catalogue, or its record is damaged (said once)
        relevance = null.relevance(similarity, nulls, language, article.language) \
            if null is not None else debiased
        significance = null.significance(similarity, spread, article.language) \
            if null is not None else 0.0
        scored = article_sentences(version, article_id, alone) \
            if not per_article.get(article_id) and len(per_article) < SCORED_ARTICLES \
            else []
        per_article[article_id] = per_article.get(article_id, 0) + 1
        out.append(Candidate(article=article, passage=version.passages[row],
                             similarity=similarity, debiased=debiased, rank=ranked,
                             relevance=relevance, significance=significance,
                             sentence_scores=(version.sentences_of(row) @ query).tolist(),
                             article_sentences=scored))
        if len(out) == k:
            break
    return out


class _Texts:
    """The full articles of a pool's rows, read from the version a batch at a time, in pool
    order: the first batch holds the `k` candidates' articles but for a damaged record or
    the per-article limit, so one read almost always serves a question. Each further batch
    is twice the last: when many hits cannot be quoted (a catalogue far ahead of its index)
    a question costs a few reads, not one per candidate."""

    def __init__(self, version: IndexVersion, rows: np.ndarray, k: int) -> None:
        self.version = version
        self.order = list(dict.fromkeys(version.passages.article_id(r) for r in rows.tolist()))
        self.batch = max(k, 1)
        self.read: dict[str, Article] = {}
        self.asked: set[str] = set()

    def get(self, article_id: str) -> Article | None:
        if article_id not in self.asked:
            at = self.order.index(article_id)
            batch = [a for a in self.order[at:] if a not in self.asked][:self.batch]
            self.asked.update(batch)
            self.read.update(self.version.quotable(batch))
            self.batch *= 2
        return self.read.get(article_id)


def interleave(sides: list[list[Candidate]], k: int) -> list[Candidate]:
    """A comparison question's candidates: the best of each side in turn, each marked with
    the side it answers."""
    merged: list[Candidate] = []
    seen: set[tuple[str, int]] = set()
    for position in range(k):
        for aspect, candidates in enumerate(sides):
            if position < len(candidates):
                candidate = candidates[position]
                key = (candidate.article.id, candidate.passage.ordinal)
                if key not in seen:
                    seen.add(key)
                    merged.append(candidate.model_copy(update={"aspect": aspect}))
    return merged[:k]


def similar(version: IndexVersion, article_ids: list[str], *, k: int, per_language: int,
            weights: Weights, null: LanguageNull | None, min_significance: float,
            allowed: np.ndarray) -> list[ArticleRef]:
    """The articles nearest to the given ones ("more like this"), one reference each.

    The query is the mean of the given articles' passage vectors; the order follows the
    similarity less each language's bias, so a story told in German is found for one told
    in Spanish; an article must stand out from unrelated text of its language by
    `min_significance` standard deviations, as a cited one must. `allowed` masks the rows
    that may be returned (the filters, less the articles already shown)."""
    rows = [row for article_id in article_ids for row in version.rows_of(article_id)]
    if not rows:
        return []
    centroid = version.vectors[rows].mean(axis=0)
    query = (centroid / (np.linalg.norm(centroid) or 1.0)).astype(np.float32)
    pool = nearest(version, query, per_language, weights, allowed).ordered()
    spread = null.spread(query) if null is not None else {}
    out: list[ArticleRef] = []
    seen: set[str] = set()
    for row, similarity in zip(pool.rows.tolist(), pool.similarity.tolist(), strict=True):
        article = version.article_of(row)
        if article.id in seen:
            continue
        seen.add(article.id)
        if null is not None and \
                null.significance(similarity, spread, article.language) < min_significance:
            continue
        out.append(ArticleRef.of(article))
        if len(out) == k:
            break
    return out
