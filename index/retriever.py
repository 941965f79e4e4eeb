"""A question in, ranked passages out — at most `per_article` from any one article."""

from __future__ import annotations

import numpy as np
from pydantic import BaseModel

from corpus.models import Article, Passage
from index.embedder import Embedder
from index.store import IndexVersion


class Hit(BaseModel):
    article: Article
    passage: Passage
    score: float
    sentence_scores: list[float]

    @property
    def text(self) -> str:
        return self.article.text[self.passage.start:self.passage.end]


class Retriever:
    """Searches whichever index version it holds; `swap` replaces it atomically."""

    def __init__(self, embedder: Embedder, version: IndexVersion, per_article: int = 2) -> None:
        self.embedder = embedder
        self.version = version
        self.per_article = per_article

    def swap(self, version: IndexVersion) -> None:
        self.version = version  # one reference assignment: readers see old or new, never half

    def search(self, question: str, k: int = 5, candidates: int = 50) -> list[Hit]:
        version = self.version
        query = self.embedder.queries([question])[0]
        per_article: dict[str, int] = {}
        picked: list[tuple[int, float]] = []
        for row, score in version.search(query, candidates):
            aid = version.passages[row].article_id
            if per_article.get(aid, 0) >= self.per_article:
                continue
            per_article[aid] = per_article.get(aid, 0) + 1
            picked.append((row, score))
            if len(picked) == k:
                break
        return self._with_sentences(version, query, picked)

    def _with_sentences(self, version: IndexVersion, query: np.ndarray,
                        picked: list[tuple[int, float]]) -> list[Hit]:
        """Score every sentence of the picked passages, to choose excerpts and bold text."""
        texts: list[str] = []
        for row, _ in picked:
            p = version.passages[row]
            text = version.articles[p.article_id].text
            texts.extend(text[s.start:s.end] for s in p.sentences)
        vectors = self.embedder.passages(texts) if texts else np.zeros((0, 1), np.float32)
        scores = (vectors @ query).tolist() if texts else []
        hits: list[Hit] = []
        cursor = 0
        for row, score in picked:
            p = version.passages[row]
            n = len(p.sentences)
            hits.append(Hit(article=version.articles[p.article_id], passage=p, score=score,
                            sentence_scores=scores[cursor:cursor + n]))
            cursor += n
        return hits
