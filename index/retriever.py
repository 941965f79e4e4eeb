"""A question in, ranked passages out — at most `per_article` from any one article."""

from __future__ import annotations

import re

import numpy as np
from pydantic import BaseModel

from corpus.models import Article, Passage
from index.embedder import Embedder
from index.language_bias import LanguageNull
from index.store import IndexVersion

RECENCY_WEIGHT = 0.03  # at most this much rank score for being the newest candidate
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


class SentenceScore(BaseModel):
    """One sentence of an article, scored against the question alone (not its thread)."""

    passage: int  # ordinal of the passage that holds it
    start: int
    end: int
    score: float  # question · sentence
    passage_score: float  # question · its passage
    centrality: float = 0.0  # sentence · the article's mean sentence: how generic it is


class Hit(BaseModel):
    article: Article
    passage: Passage
    score: float  # the dense score corrected for the language's bias
    rank_score: float  # score plus lexical evidence and recency: what the order follows
    relevance: float = 0.0  # rise above chance in margins, the same in every language pair:
    # what the abstention threshold compares
    significance: float = 0.0  # rise above chance in standard deviations of unrelated text
    sentence_scores: list[float]
    aspect: int | None = None  # which side of a comparison question it answers
    article_sentences: list[SentenceScore] = []  # every sentence, for the leading articles

    @property
    def text(self) -> str:
        return self.article.text[self.passage.start:self.passage.end]


class Retriever:
    """Searches whichever index version it holds; `swap` replaces it atomically."""

    def __init__(self, embedder: Embedder, version: IndexVersion, per_article: int = 2,
                 lexical_weight: float = 0.0, sentence_weight: float = 0.0,
                 offset_scale: float = 1.0, null: LanguageNull | None = None) -> None:
        self.embedder = embedder
        self.null = null
        self.version = version
        self.per_article = per_article
        self.lexical_weight = lexical_weight
        self.sentence_weight = sentence_weight
        self.offset_scale = offset_scale

    def swap(self, version: IndexVersion) -> None:
        self.version = version  # one reference assignment: readers see old or new, never half

    def search(self, question: str, k: int = 5, per_language: int = 40,
               context: list[str] | None = None, language: str = "") -> list[Hit]:
        """Ranked hits; a comparison question gets the best hits for each side first.

        `language`: the question's, for language-fair relevance."""
        parts = comparison_parts(question)
        if not parts:
            return self._search(question, k, per_language, context, language)
        sides = [self._search(p, k, per_language, context, language) for p in parts]
        merged: list[Hit] = []
        seen: set[tuple[str, int]] = set()
        for rank in range(k):
            for aspect, hits in enumerate(sides):
                if rank < len(hits):
                    hit = hits[rank]
                    key = (hit.article.id, hit.passage.ordinal)
                    if key not in seen:
                        seen.add(key)
                        merged.append(hit.model_copy(update={"aspect": aspect}))
        return merged[:k]

    def _search(self, question: str, k: int, per_language: int,
                context: list[str] | None, language: str = "") -> list[Hit]:
        """`context`: earlier questions of the conversation, read with the new one."""
        version = self.version
        if context:
            # the thread resolves "it" and "the prize": search with it; the answering
            # sentence is then scored against the new question alone
            asked = question
            question = " ".join([*context, question])
            query, alone = self.embedder.queries([question, asked])
        else:
            query = alone = self.embedder.queries([question])[0]
        candidates = version.search(query, question, per_language, self.lexical_weight,
                                    self.sentence_weight, self.offset_scale)
        if wants_recent(question):
            candidates = self._newest_first(version, candidates)
        spread = self.null.spread(query) if self.null is not None else {}
        nulls = {lang: mean for lang, (mean, _) in spread.items()}
        per_article: dict[str, int] = {}
        hits: list[Hit] = []
        for row, rank_score, score, raw in candidates:
            p = version.passages[row]
            if per_article.get(p.article_id, 0) >= self.per_article:
                continue
            article = version.articles[p.article_id]
            relevance = self.null.relevance(raw, nulls, language, article.language) \
                if self.null is not None else score
            significance = self.null.significance(raw, spread, article.language) \
                if self.null is not None else 0.0
            sentence_scores = (version.sentences_of(row) @ query).tolist()
            scored = self._article_sentences(version, p.article_id, alone) \
                if not per_article.get(p.article_id) and len(per_article) < SCORED_ARTICLES \
                else []
            per_article[p.article_id] = per_article.get(p.article_id, 0) + 1
            hits.append(Hit(article=article, passage=p, score=score, rank_score=rank_score,
                            relevance=relevance, significance=significance,
                            sentence_scores=sentence_scores,
                            article_sentences=scored))
            if len(hits) == k:
                break
        return hits

    @staticmethod
    def _article_sentences(version: IndexVersion, article_id: str,
                           query: np.ndarray) -> list[SentenceScore]:
        rows = version.rows_of(article_id)
        if not rows:
            return []
        vectors = np.vstack([version.sentences_of(row) for row in rows])
        centroid = vectors.mean(axis=0)
        centrality = vectors @ (centroid / (np.linalg.norm(centroid) or 1.0))
        scores = vectors @ query
        out: list[SentenceScore] = []
        for row in rows:
            passage = version.passages[row]
            passage_score = float(version.vectors[row] @ query)
            for s in passage.sentences:
                i = len(out)
                out.append(SentenceScore(passage=passage.ordinal, start=s.start, end=s.end,
                                         score=float(scores[i]), passage_score=passage_score,
                                         centrality=float(centrality[i])))
        return out

    @staticmethod
    def _newest_first(version: IndexVersion,
                      candidates: list[tuple[int, float, float, float]]
                      ) -> list[tuple[int, float, float, float]]:
        """Among the leading candidates, add up to RECENCY_WEIGHT for a later date."""
        pool = candidates[:RECENCY_POOL]
        days = [version.articles[version.passages[row].article_id].published
                for row, *_ in pool]
        known = [d.toordinal() for d in days if d is not None]
        if len(set(known)) < 2:
            return candidates
        lo, hi = min(known), max(known)
        boosted = [(row, rank + (RECENCY_WEIGHT * (d.toordinal() - lo) / (hi - lo) if d else 0.0),
                    score, raw) for (row, rank, score, raw), d in zip(pool, days, strict=True)]
        boosted.sort(key=lambda x: -x[1])
        return boosted + candidates[RECENCY_POOL:]
