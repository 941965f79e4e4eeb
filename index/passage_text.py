"""What exactly gets embedded for a passage.

The passage is prefixed with its article's title, outlet and date, so a
paragraph that names a country only as "Séoul" still carries "Corée du Sud"
from its headline. Bump RECIPE whenever this changes: the builder then
re-embeds everything instead of mixing two recipes in one index.
"""

from __future__ import annotations

from corpus.models import Article, Passage

RECIPE = "title-source-date/1"


def passage_input(article: Article, passage: Passage) -> str:
    head = " · ".join(
        part for part in (article.title, article.outlet,
                          article.published.isoformat() if article.published else "") if part
    )
    body = article.text[passage.start:passage.end]
    return f"{head}\n{body}" if head else body
