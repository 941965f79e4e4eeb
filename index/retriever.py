"""A question in, ranked candidates out: embeds the question, holds the served index version.

How candidates score and in which order they come is index/ranking.py's; this module only
decides what to embed (a follow-up is read with its thread) and which version to search.
"""

from __future__ import annotations

import numpy as np

from index import ranking
from index.embedder import Embedder
from index.filters import Filters, Searched, admitted, searched
from index.language_bias import LanguageNull
from index.ranking import ArticleNotIndexed, ArticleRef, Candidate, Weights
from index.store import IndexVersion


class Retriever:
    """Searches whichever index version it holds; `swap` replaces it atomically."""

    def __init__(self, embedder: Embedder, version: IndexVersion, per_article: int = 2,
                 lexical_weight: float = 0.0, sentence_weight: float = 0.0,
                 offset_scale: float = 1.0, null: LanguageNull | None = None) -> None:
        self.embedder = embedder
        self.null = null
        self.version = version
        self.weights = Weights(per_article=per_article, lexical=lexical_weight,
                               sentence=sentence_weight, offset_scale=offset_scale)

    def swap(self, version: IndexVersion) -> None:
        self.version = version  # one reference assignment: readers see old or new, never half

    def search(self, question: str, k: int = 5, per_language: int = 40,
               context: list[str] | None = None, language: str = "",
               filters: Filters | None = None) -> list[Candidate]:
        """Ranked candidates; a comparison question gets the best of each side first.

        `language`: the question's, for language-fair relevance; `filters`: which articles
        may answer (FilterError for an outlet or language the index does not hold)."""
        version = self.version
        allowed = admitted(version, filters)
        parts = ranking.comparison_parts(question)
        if not parts:
            return self._search(version, question, k, per_language, context, language, allowed)
        sides = [self._search(version, p, k, per_language, context, language, allowed)
                 for p in parts]
        return ranking.interleave(sides, k)

    def searched(self, filters: Filters | None = None,
                 left: frozenset[str] = frozenset()) -> Searched:
        """How many articles and outlets a question with these filters is searched in,
        less `left` (removed since the build: they are never quoted)."""
        return searched(self.version, filters, left)

    def more_like(self, article_ids: list[str], exclude: list[str] | None = None, k: int = 5,
                  filters: Filters | None = None, min_significance: float = 0.0,
                  per_language: int = 40) -> list[ArticleRef]:
        """The next best articles on the same story as `article_ids`, none of them or of
        `exclude` (what the member has already been shown)."""
        version = self.version
        missing = [a for a in article_ids if a not in version.articles]
        if missing or not article_ids:
            raise ArticleNotIndexed(f"no article {missing[0]!r} in the index" if missing
                                    else "give at least one article to find more like it")
        allowed = admitted(version, filters)
        if allowed is None:
            allowed = np.ones(len(version.passages), bool)
        shown = {version.article_position[a] for a in {*article_ids, *(exclude or [])}
                 if a in version.article_position}
        allowed &= ~np.isin(version.row_article, list(shown))
        return ranking.similar(version, article_ids, k=k, per_language=per_language,
                               weights=self.weights, null=self.null,
                               min_significance=min_significance, allowed=allowed)

    def _search(self, version: IndexVersion, question: str, k: int, per_language: int,
                context: list[str] | None, language: str,
                allowed: np.ndarray | None) -> list[Candidate]:
        """`context`: earlier questions of the conversation, read with the new one."""
        if context:
            # the thread resolves "it" and "the prize": search with it; the answering
            # sentence is then scored against the new question alone
            asked = question
            question = " ".join([*context, question])
            query, alone = self.embedder.queries([question, asked])
        else:
            query = alone = self.embedder.queries([question])[0]
        return ranking.rank(version, query, alone, question, k=k, per_language=per_language,
                            weights=self.weights, null=self.null, language=language,
                            allowed=allowed)
