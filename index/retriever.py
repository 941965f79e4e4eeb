"""A question in, ranked passages out — at most `per_article` from any one article."""

from __future__ import annotations

import re

import numpy as np
from pydantic import BaseModel

from corpus.models import Article, Passage
from index.embedder import Embedder
from index.store import IndexVersion

CONTEXT_WEIGHT = 0.6
RECENCY_WEIGHT = 0.03  # at most this much rank score for being the newest candidate
RECENCY_POOL = 20
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


class Hit(BaseModel):
    article: Article
    passage: Passage
    score: float  # relevance: what the abstention threshold compares
    rank_score: float  # relevance plus lexical evidence: what the order follows
    sentence_scores: list[float]
    aspect: int | None = None  # which side of a comparison question it answers

    @property
    def text(self) -> str:
        return self.article.text[self.passage.start:self.passage.end]


class Retriever:
    """Searches whichever index version it holds; `swap` replaces it atomically."""

    def __init__(self, embedder: Embedder, version: IndexVersion, per_article: int = 2,
                 lexical_weight: float = 0.0, sentence_weight: float = 0.0,
                 offset_scale: float = 1.0) -> None:
        self.embedder = embedder
        self.version = version
        self.per_article = per_article
        self.lexical_weight = lexical_weight
        self.sentence_weight = sentence_weight
        self.offset_scale = offset_scale

    def swap(self, version: IndexVersion) -> None:
        self.version = version  # one reference assignment: readers see old or new, never half

    def search(self, question: str, k: int = 5, per_language: int = 40,
               context: list[str] | None = None) -> list[Hit]:
        """Ranked hits; a comparison question gets the best hits for each side first."""
        parts = comparison_parts(question)
        if not parts:
            return self._search(question, k, per_language, context)
        sides = [self._search(p, k, per_language, context) for p in parts]
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
                context: list[str] | None) -> list[Hit]:
        """`context`: earlier questions of the conversation; they steer, the question leads."""
        version = self.version
        vectors = self.embedder.queries([question, *(context or [])])
        query = vectors[0]
        if len(vectors) > 1:
            query = query + CONTEXT_WEIGHT * vectors[1:].mean(axis=0)
            query = query / np.linalg.norm(query)
            question = " ".join([*(context or []), question])
        candidates = version.search(query, question, per_language, self.lexical_weight,
                                    self.sentence_weight, self.offset_scale)
        if wants_recent(question):
            candidates = self._newest_first(version, candidates)
        per_article: dict[str, int] = {}
        hits: list[Hit] = []
        for row, rank_score, score in candidates:
            p = version.passages[row]
            if per_article.get(p.article_id, 0) >= self.per_article:
                continue
            per_article[p.article_id] = per_article.get(p.article_id, 0) + 1
            sentence_scores = (version.sentences_of(row) @ query).tolist()
            hits.append(Hit(article=version.articles[p.article_id], passage=p, score=score,
                            rank_score=rank_score, sentence_scores=sentence_scores))
            if len(hits) == k:
                break
        return hits

    @staticmethod
    def _newest_first(version: IndexVersion,
                      candidates: list[tuple[int, float, float]]) -> list[tuple[int, float, float]]:
        """Among the leading candidates, add up to RECENCY_WEIGHT for a later date."""
        pool = candidates[:RECENCY_POOL]
        days = [version.articles[version.passages[row].article_id].published for row, _, _ in pool]
        known = [d.toordinal() for d in days if d is not None]
        if len(set(known)) < 2:
            return candidates
        lo, hi = min(known), max(known)
        boosted = [(row, rank + (RECENCY_WEIGHT * (d.toordinal() - lo) / (hi - lo) if d else 0.0),
                    score) for (row, rank, score), d in zip(pool, days, strict=True)]
        boosted.sort(key=lambda x: -x[1])
        return boosted + candidates[RECENCY_POOL:]
