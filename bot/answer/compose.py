"""From ranked candidates to an Answer whose every sentence cites a verbatim excerpt.

Nothing here paraphrases: answer sentences and excerpts are slices of the
stored article text, located by offsets, so `excerpt == text[start:end]`
holds by construction. No Discord imports: every face renders an Answer.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from typing import Literal

import numpy as np
from pydantic import AliasChoices, BaseModel, Field

from bot import cues
from bot.answer.reader import Reader, Reading
from bot.messages import grouped, say
from bot.scorer import Question, Sentence, SentenceScorer
from corpus.errors import NewsdeskError
from corpus.models import Article, Span
from index.filters import Searched
from index.ranking import ArticleRef, Candidate

EXCERPT_CHARS = 600
LEAD_POOL = 3  # the lead is the first of this many articles that speaks of what is asked
# a runner-up sentence joins the answering one while the scorer finds it at least this
# likely next to it (chosen by cross-validation on the bundled questions, eval/train_scorer.py)
RUNNER_UP = 0.4
CLOSEST = 3  # articles an "I don't know" points to
SHORT_CHARS = 80  # a span longer than this is no short answer: the sentence says it better
READER_LEADS = 0.8  # …and above which its sentence leads, when the scorer picked another
SHORT_ANSWER = 0.8  # the reader's probability above which its span is shown as the answer


class QuestionError(NewsdeskError):
    pass


class Citation(BaseModel):
    n: int
    article_id: str
    title: str
    outlet: str = Field(validation_alias=AliasChoices("outlet", "source"))  # "source" before
    url: str
    published: date | None
    language: str
    excerpt: str
    start: int
    end: int
    highlight_start: int  # the sentence the answer relies on, inside [start, end)
    highlight_end: int
    answer_start: int | None = None  # the reader's answer inside the highlight, when it
    answer_end: int | None = None  # is sure of one: shown in bold
    answers: float | None = None  # the reader's probability that this article answers
    rank: float = Field(validation_alias=AliasChoices("rank", "score"))  # what the order
    # follows (index/ranking.py); "score" was its name before, still read from old records
    relevance: float = 0.0  # what the abstention bar (min_relevance) compares, alike in every
    # pair of languages
    summary_only: bool = Field(False, description="the article is a feed's summary, not the page")

    @property
    def highlight(self) -> str:
        return self.excerpt[self.highlight_start - self.start:self.highlight_end - self.start]


class Statement(BaseModel):
    """One sentence of the answer and the citations that support it."""

    text: str
    citations: list[int]


class Answer(BaseModel):
    question: str
    text: str
    citations: list[Citation]
    abstained: bool
    statements: list[Statement] = Field(default_factory=list)
    short: str = Field("", description="the reader's answer, verbatim from citation 1, when "
                       "it is sure and the answer is short (a date, a name, an amount)")
    read_score: float | None = Field(
        None, description="the reader's highest probability that a passage answers, among "
        "articles that name what is asked; also when it declines: what min_answer is "
        "compared with")
    language: str = Field("", description="the question's: the bot's own words are in it")
    mode: Literal["extractive", "generated"] = Field(
        "extractive", description="extractive: verbatim sentences; generated: written by an LLM "
        "and checked against the passages it cites")
    searched: Searched | None = Field(
        None, description="when it abstains: how many articles and outlets were searched, "
        "with the filters")
    closest: list[ArticleRef] = Field(
        default_factory=list, description="when it abstains: articles as close to the question "
        "as an answer must be that do not speak of what it names; never citations")

    @property
    def lead(self) -> str:
        """What a member reads first: the first statement."""
        return self.statements[0].text if self.statements else ""


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


def _window(spans: list[Span], best: int, other: int | None = None) -> tuple[int, int]:
    """Whole sentences around the best one (and another), growing while under EXCERPT_CHARS."""
    lo, hi = (best, best) if other is None else (min(best, other), max(best, other))
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


def _published_in(article: Article, year: int, month: int | None = None) -> bool:
    """Published that year, or early the next (a January story about "December 2024");
    with a month, in it or the two after (a story about "March 2024" is not a February 2025
    one)."""
    published = article.published
    if published is None:
        return False
    if month is not None:
        after = (published.year - year) * 12 + published.month - month
        return 0 <= after <= 2
    return published.year == year or (published.year == year + 1 and published.month <= 2)


def supported(question: Question, names: dict[str, str], article: Article) -> bool:
    """Does the article speak of what the question names? "When will GPT-5 be released?"
    is not answered by an article about GPT-4, however close their vectors are.

    Versions and specific numbers must appear in any script (a year may be the year of
    publication, and then a month named with it its month or the two after); in Latin-script
    articles, CamelCase names and quoted titles must appear, and at least
    half of the others (a translation may change them: "Korea" is "Corée"); in other
    scripts, at least half of the acronyms (the same allowance: "NFL" may be written out)."""
    text = cues.read(f"{article.title}\n{article.text}")
    for number in question.digits:
        if any(number in cues.digits(name) for name in names):
            continue  # part of a name: "GPT-5"
        if cues.is_year(number):
            # news rarely repeats the year it was published in
            if number not in text.digits and \
                    not _published_in(article, int(number), question.months.get(number)):
                return False
        elif cues.is_specific(number) and number not in text.digits:
            return False
    for name, kind in names.items():
        if kind == "version" and not cues.found(name, text):
            return False
    if not text.latin:
        # Korean, Japanese or Chinese news spells most names its own way, not acronyms
        acronyms = [name for name, kind in names.items() if kind == "acronym"]
        return 2 * sum(1 for name in acronyms if cues.found(name, text)) >= len(acronyms)
    if any(kind in ("distinct", "quoted") and not cues.found(name, text)
           for name, kind in names.items()):
        return False
    plain = [name for name, kind in names.items() if kind in ("plain", "acronym")]
    hits = sum(1 for name in plain if cues.found(name, text))
    return 2 * hits >= len(plain)


def _sentences(candidate: Candidate, question: Question,
               language: str) -> tuple[list[Span], list[Sentence]]:
    """Every scored sentence of the candidate's article (or of its passage, when the retriever
    scored only the leading articles')."""
    text = candidate.article.text
    same = bool(language) and language == candidate.article.language
    if candidate.article_sentences:
        spans = [Span(start=x.start, end=x.end) for x in candidate.article_sentences]
        sentences = [Sentence(text=text[x.start:x.end], score=x.score,
                              passage_score=x.passage_score, position=i, same_language=same,
                              centrality=x.centrality)
                     for i, x in enumerate(candidate.article_sentences)]
        return spans, sentences
    spans = list(candidate.passage.sentences)
    scores = candidate.sentence_scores
    sentences = [Sentence(text=text[x.start:x.end], score=score,
                          passage_score=candidate.debiased,
                          position=i + candidate.passage.ordinal, same_language=same)
                 for i, (x, score) in enumerate(zip(spans, scores, strict=True))]
    return spans, sentences


@dataclass
class _Choice:
    """An article that may be cited, with the sentence of it that answers best."""

    candidate: Candidate
    spans: list[Span]
    sentences: list[Sentence]
    best: int
    runner_up: int | None = None  # a second sentence, when the scorer cannot tell them apart
    answers: float | None = None  # the reader's probability that the article answers
    span: Span | None = None  # the reader's answer, inside the chosen sentences

    @property
    def sentence(self) -> Sentence:
        return self.sentences[self.best]

    def statement(self) -> str:
        """The answering sentence, with the runner-up in reading order when there is one."""
        picked = sorted({self.best} | ({self.runner_up} if self.runner_up is not None else set()))
        return " ".join(self.sentences[i].text for i in picked)


def _choose(candidate: Candidate, question: Question, scorer: SentenceScorer,
            runner_up: bool = False) -> _Choice:
    spans, sentences = _sentences(candidate, question, question.language)
    logits = scorer.logits(question, sentences)
    order = np.argsort(-logits)
    best = int(order[0])
    second = None
    if runner_up and len(order) > 1 and \
            np.exp(logits[order[1]] - logits[best]) >= RUNNER_UP:
        lo, hi = sorted((best, int(order[1])))
        if spans[hi].end - spans[lo].start <= EXCERPT_CHARS:  # both fit in one excerpt
            second = int(order[1])
    return _Choice(candidate, spans, sentences, best, second)


def _citation(n: int, choice: _Choice) -> Citation:
    """The excerpt grows around the answering sentence, in whole sentences."""
    start, end = _window(choice.spans, choice.best, choice.runner_up)
    sentence = choice.spans[choice.best]
    a = choice.candidate.article
    answer = choice.span
    return Citation(
        n=n, article_id=a.id, title=a.title, outlet=a.outlet, url=a.url,
        published=a.published, language=a.language, excerpt=a.text[start:end], start=start,
        end=end, highlight_start=sentence.start, highlight_end=sentence.end,
        answer_start=answer.start if answer else None, answer_end=answer.end if answer else None,
        answers=choice.answers,
        rank=choice.candidate.rank, relevance=choice.candidate.relevance,
        summary_only=a.summary_only,
    )


def abstain(question: str, language: str = "",
            closest: list[ArticleRef] | None = None) -> Answer:
    return Answer(question=question, text=say("dont_know", language), citations=[],
                  abstained=True, language=language, closest=closest or [])


def nothing_found(searched: Searched, language: str = "") -> str:
    """"I don't know: nothing in 1,234 articles from 5 outlets since 2024-02-01 answers
    that." — said instead of the bare "I don't know", so a member can see what to widen."""
    values = {"articles": grouped(searched.articles, language),
              "outlets": grouped(searched.outlets, language)}
    if searched.since is not None:
        text = say("searched_since", language, since=searched.since.isoformat(), **values)
    else:
        text = say("searched", language, **values)
    return re.sub(r"\b1 (article|outlet)s\b", r"1 \1", text)  # English's one plural


def _reader_or_scorer(candidate: Candidate, q: Question, found: Reading,
                      scorer: SentenceScorer, runner_up: bool = False) -> _Choice:
    """The sentence scorer's sentence, with the reader's span marked in it when the reader is
    sure and its span lies there. The reader's own sentence led less often than the scorer's
    on the bundled questions (answer in the lead 0.549 against 0.631, in-sample for the
    scorer), so it confirms and shortens the answer rather than picks it."""
    choice = _choose(candidate, q, scorer, runner_up)
    choice.answers = found.answers
    start, end = found.start, found.end  # the article's offsets
    best = choice.spans[choice.best]  # the highlighted sentence
    if found.answers >= SHORT_ANSWER and best.start <= start < end <= best.end:
        choice.span = Span(start=start, end=end)
    elif found.answers >= READER_LEADS:
        holder = next((i for i, x in enumerate(choice.spans) if x.start <= start < end <= x.end),
                      None)
        if holder is not None:
            choice.best, choice.runner_up = holder, None
            choice.span = Span(start=start, end=end)
    return choice


def _of_the_kind(q: Question, passage: str) -> bool:
    """"How much did Italy fine DeepSeek?" is not answered by a passage that states no amount,
    however sure the reader is that the block is what was asked about."""
    if q.want != cues.Want.HOW_MUCH:
        return True
    return bool(cues.AMOUNT.search(passage)) and bool(cues.NUMBER.search(passage))


def _answered(question: str, articles: list[Candidate], candidates: list[Candidate],
              reader: Reader, scorer: SentenceScorer, q: Question, names: dict[str, str],
              min_answer: float, max_citations: int, language: str,
              lead_ids: set[str]) -> Answer:
    """The answer with the reader as a gate: the first of the leading articles (in the
    retriever's order) that names what is asked and that the reader finds an answer in,
    quoted from the scorer's sentence, with the reader's short answer when it is sure;
    another article is cited only for another side of a comparison, and only if the reader
    finds an answer in it too. Nothing the reader finds: "I don't know"."""
    named = [a for a in articles if supported(q, names, a.article)]  # read only these
    pool = {a.article.id for a in named if a.article.id in lead_ids}
    aspects = {a.aspect for a in named if a.article.id in pool}
    sides = {a.article.id for a in named if a.aspect is not None and a.aspect not in aspects}
    read = [c for c in candidates if c.article.id in pool | sides]
    readings = reader.read(question, [c.text for c in read]) if read else []
    # per article: its first candidate in the retriever's order (whose sentences are scored,
    # as without the reader) and the reading of its passage surest to answer, in the
    # article's own offsets
    first: dict[str, Candidate] = {}
    best: dict[str, Reading] = {}
    for i, c in enumerate(read):
        first.setdefault(c.article.id, c)
        r = readings[i]
        if not _of_the_kind(q, c.text):
            continue
        r = Reading(r.answers, c.passage.start + r.start, c.passage.start + r.end, r.span)
        if c.article.id not in best or r.answers > best[c.article.id].answers:
            best[c.article.id] = r
    top = max((r.answers for r in best.values()), default=None)
    answering = [(first[a], r) for a, r in best.items() if r.answers >= min_answer]
    if not answering:
        close = [ArticleRef.of(c.article) for c in articles]
        declined = abstain(question, language, close[:CLOSEST])
        declined.read_score = top
        return declined
    # the retriever's order stands: letting the reader pick the surest article cited the
    # gold one first less often on the bundled questions (0.828 against R@1 0.852)
    lead_c, lead_r = answering[0]
    chosen = [_reader_or_scorer(lead_c, q, lead_r, scorer, runner_up=True)]
    covered = {lead_c.aspect}
    for c, r in answering:
        if len(chosen) == max_citations:
            break
        if c is not lead_c and c.aspect is not None and c.aspect not in covered:
            covered.add(c.aspect)
            chosen.append(_reader_or_scorer(c, q, r, scorer))
    citations = [_citation(n, c) for n, c in enumerate(chosen, 1)]
    statements = [Statement(text=c.statement(), citations=[cit.n])
                  for c, cit in zip(chosen, citations, strict=True)]
    lead = chosen[0]
    short = ""
    if lead.span is not None and len(statements) == 1 and lead_r.answers >= SHORT_ANSWER:
        span = lead_c.article.text[lead.span.start:lead.span.end]
        if len(span) <= SHORT_CHARS and span.strip() != statements[0].text.strip():
            short = span
    text = " ".join(f"{st.text} [{st.citations[0]}]" for st in statements)
    return Answer(question=question, text=f"{short} — {text}" if short else text,
                  citations=citations, abstained=False, statements=statements,
                  language=language, short=short, read_score=top)


def compose(question: str, candidates: list[Candidate], min_relevance: float,
            max_citations: int = 3, language: str = "", scorer: SentenceScorer | None = None,
            min_significance: float = 0.0, reader: Reader | None = None,
            min_answer: float = 0.2) -> Answer:
    """The answering sentence of the best supported article; a comparison gets one article
    per side. Abstains when no article is both relevant and supported; then the articles
    that clear the relevance bars but do not name what is asked are its closest.

    One source unless the question has sides: on the bundled questions a second article
    as close to the question was another story about as often as the same one
    (a member finds more with "More like this"), and an off-topic source misleads."""
    scorer = scorer or SentenceScorer.load()
    q = Question.read(question, language)
    names = cues.question_names(question, language)
    articles: list[Candidate] = []  # each article's best candidate, in the retriever's order
    for h in candidates:
        if h.article.id not in {a.article.id for a in articles}:
            articles.append(h)

    def clears(h: Candidate) -> bool:
        return h.clears(min_relevance, min_significance)

    if reader is not None:
        cleared = [h for h in articles if clears(h)]
        return _answered(question, cleared, [c for c in candidates if clears(c)], reader,
                         scorer, q, names, min_answer, max_citations, language,
                         {h.article.id for h in articles[:LEAD_POOL]})
    lead_candidate = next((h for h in articles[:LEAD_POOL] if clears(h) and
                           supported(q, names, h.article)), None)
    if lead_candidate is None:
        close = [ArticleRef.of(c.article) for c in articles if clears(c)]
        return abstain(question, language, close[:CLOSEST])
    lead = _choose(lead_candidate, q, scorer, runner_up=True)
    chosen = [lead]
    covered = {lead_candidate.aspect}
    for candidate in articles:
        if len(chosen) == max_citations:
            break
        if candidate is lead_candidate or not clears(candidate) or \
                not supported(q, names, candidate.article):
            continue
        if candidate.aspect is not None and candidate.aspect not in covered:
            covered.add(candidate.aspect)
            chosen.append(_choose(candidate, q, scorer))
    citations = [_citation(n, c) for n, c in enumerate(chosen, 1)]
    statements = [Statement(text=c.statement(), citations=[cit.n])
                  for c, cit in zip(chosen, citations, strict=True)]
    text = " ".join(f"{st.text} [{st.citations[0]}]" for st in statements)
    return Answer(question=question, text=text, citations=citations, abstained=False,
                  statements=statements, language=language)
