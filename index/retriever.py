"""A question in, ranked passages out — at most `per_article` from any one article."""

from __future__ import annotations

import numpy as np
from pydantic import BaseModel

from corpus.models import Article, Passage
from index.embedder import Embedder
from index.store import IndexVersion

CONTEXT_WEIGHT = 0.6


class Hit(BaseModel):
    article: Article
    passage: Passage
    score: float  # relevance: what the abstention threshold compares
    rank_score: float  # relevance plus lexical evidence: what the order follows
    sentence_scores: list[float]

    @property
    def text(self) -> str:
        return self.article.text[self.passage.start:self.passage.end]


class Retriever:
    """Searches whichever index version it holds; `swap` replaces it atomically."""

    def __init__(self, embedder: Embedder, version: IndexVersion, per_article: int = 2,
                 lexical_weight: float = 0.0) -> None:
        self.embedder = embedder
        self.version = version
        self.per_article = per_article
        self.lexical_weight = lexical_weight

    def swap(self, version: IndexVersion) -> None:
        self.version = version  # one reference assignment: readers see old or new, never half

    def search(self, question: str, k: int = 5, per_language: int = 40,
               context: list[str] | None = None) -> list[Hit]:
        """`context`: earlier questions of the conversation; they steer, the question leads."""
        version = self.version
        vectors = self.embedder.queries([question, *(context or [])])
        query = vectors[0]
        if len(vectors) > 1:
            query = query + CONTEXT_WEIGHT * vectors[1:].mean(axis=0)
            query = query / np.linalg.norm(query)
            question = " ".join([*(context or []), question])
        per_article: dict[str, int] = {}
        hits: list[Hit] = []
        for row, rank_score, score in version.search(query, question, per_language,
                                                     self.lexical_weight):
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
