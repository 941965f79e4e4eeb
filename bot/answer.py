"""From ranked hits to an Answer whose every sentence cites a verbatim excerpt.

Nothing here paraphrases: answer sentences and excerpts are slices of the
stored article text, located by offsets, so `excerpt == text[start:end]`
holds by construction. No Discord imports: every face renders an Answer.
"""

from __future__ import annotations

from datetime import date

from pydantic import BaseModel

from corpus.errors import NewsdeskError
from corpus.models import Span
from index.retriever import Hit

EXCERPT_CHARS = 600
SENTENCE_MARGIN = 0.03  # a further source joins the answer only if nearly as relevant
ABSTAIN_TEXT = (
    "I don't know: nothing in the news I have indexed answers that closely enough."
)


class QuestionError(NewsdeskError):
    pass


class Citation(BaseModel):
    n: int
    article_id: str
    title: str
    source: str
    url: str
    published: date | None
    language: str
    excerpt: str
    start: int
    end: int
    highlight_start: int  # the sentence the answer relies on, inside [start, end)
    highlight_end: int
    score: float


class Answer(BaseModel):
    question: str
    text: str
    citations: list[Citation]
    abstained: bool


def validate_question(raw: str, max_chars: int) -> str:
    question = " ".join(raw.split())
    if not question:
        raise QuestionError("Ask a question: the text is empty.")
    if len(question) > max_chars:
        raise QuestionError(
            f"That question is too long ({len(question)} characters; the limit is {max_chars})."
        )
    if not question.isascii() and any("\ud800" <= c <= "\udfff" for c in question):
        # bytes that were not UTF-8 arrive as lone surrogates, which the tokenizer rejects
        raise QuestionError("That question is not valid UTF-8 text.")
    return question


def _window(spans: list[Span], best: int) -> tuple[int, int]:
    """Whole sentences around the best one, growing while under EXCERPT_CHARS."""
    lo = hi = best
    while True:
        grown = False
        for cand_lo, cand_hi in ((lo, hi + 1), (lo - 1, hi)):
            if cand_lo >= 0 and cand_hi < len(spans) and (
                spans[cand_hi].end - spans[cand_lo].start <= EXCERPT_CHARS
            ):
                lo, hi, grown = cand_lo, cand_hi, True
                break
        if not grown:
            return spans[lo].start, spans[hi].end


def _citation(n: int, hit: Hit, neighbour: Hit | None) -> tuple[Citation, str]:
    """The excerpt grows around the best sentence; an adjacent passage of the same
    article that also ranked may lend its sentences, so "what did X do" gets the
    lead and the paragraph that says it."""
    spans = list(hit.passage.sentences)
    scores = list(hit.sentence_scores)
    if neighbour is not None:
        before = neighbour.passage.ordinal < hit.passage.ordinal
        spans = [*neighbour.passage.sentences, *spans] if before else \
            [*spans, *neighbour.passage.sentences]
        scores = [*neighbour.sentence_scores, *scores] if before else \
            [*scores, *neighbour.sentence_scores]
    best = max(range(len(scores)), key=scores.__getitem__) if scores else 0
    start, end = _window(spans, best)
    sentence = spans[best]
    text = hit.article.text
    a = hit.article
    citation = Citation(
        n=n, article_id=a.id, title=a.title, source=a.source, url=a.url,
        published=a.published, language=a.language, excerpt=text[start:end], start=start,
        end=end, highlight_start=sentence.start, highlight_end=sentence.end, score=hit.rank_score,
    )
    return citation, text[sentence.start:sentence.end]


def _neighbour(hit: Hit, relevant: list[Hit]) -> Hit | None:
    for other in relevant:
        if other.article.id == hit.article.id and \
                abs(other.passage.ordinal - hit.passage.ordinal) == 1:
            return other
    return None


def compose(question: str, hits: list[Hit], min_score: float, max_sources: int = 3) -> Answer:
    """Best supporting sentence of each source that clears the bar, numbered best first."""
    relevant = [h for h in hits if h.score >= min_score]  # keeps the retriever's order
    if not relevant:
        return Answer(question=question, text=ABSTAIN_TEXT, citations=[], abstained=True)
    top = relevant[0].rank_score
    citations: list[Citation] = []
    parts: list[str] = []
    seen_articles: set[str] = set()
    covered: set[int] = set()
    for hit in relevant:
        if len(citations) == max_sources:
            break
        new_side = hit.aspect is not None and hit.aspect not in covered
        if hit.rank_score < top - SENTENCE_MARGIN and not new_side:
            continue  # weaker sources only join to answer another side of a comparison
        if hit.article.id in seen_articles:
            continue
        if hit.aspect is not None:
            covered.add(hit.aspect)
        citation, sentence = _citation(len(citations) + 1, hit, _neighbour(hit, relevant))
        if sentence in parts:
            continue
        seen_articles.add(hit.article.id)
        citations.append(citation)
        parts.append(sentence)
    text = " ".join(f"{s} [{c.n}]" for s, c in zip(parts, citations, strict=True))
    return Answer(question=question, text=text, citations=citations, abstained=False)
