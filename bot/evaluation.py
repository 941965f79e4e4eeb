"""`newsdesk eval`: run a QA file through the real pipeline and print the figures that matter.

Two formats:
- JSON Lines about the current catalogue: `question`, `gold` (article ids or URLs; empty
  means unanswerable), optional `answer_keywords`, `language`, `type`;
- SQuAD JSON (e.g. XQuAD): its paragraphs become a temporary corpus. `pool` takes the
  paragraphs from parallel files in other languages: paragraph i is taken in
  pool[i % len(pool)], so `de` is all-German and `ar,de,…` a mixed pool.
"""

from __future__ import annotations

import json
import re
import tempfile
from collections import defaultdict
from collections.abc import Callable, Iterable
from pathlib import Path

from pydantic import BaseModel, Field

from bot.answer import Answer
from bot.desk import Desk
from corpus.errors import NewsdeskError
from corpus.models import Article
from index.ranking import Candidate


class EvalError(NewsdeskError):
    pass


class Question(BaseModel):
    question: str
    gold: list[str] = Field(default_factory=list)
    answer_keywords: list[str] = Field(default_factory=list)
    language: str = ""
    type: str = ""


class Outcome(BaseModel):
    question: Question
    ranked: list[str]  # distinct article ids, best first
    top_score: float
    cited: list[str]
    excerpts: list[str]
    abstained: bool
    lead: str = ""  # the answer's first statement: what a member reads first
    highlight: str = ""  # the highlighted sentence of citation [1]
    short: str = ""  # the reader's short answer, when it gave one
    read_score: float | None = None  # the reader's best answer probability (bot.answer)


class Figures(BaseModel):
    n: int
    answerable: int
    r1: float | None = None
    r5: float | None = None
    mrr: float | None = None
    cited_first: float | None = None
    keyword_in_excerpt: float | None = None
    answer_in_lead: float | None = None
    answer_in_highlight: float | None = None
    off_topic: float | None = None
    off_topic_extra: float | None = None
    wrongly_declined: float | None = None
    unanswerable: int = 0
    declined_unanswerable: float | None = None


def _ratio(hits: int, total: int) -> float | None:
    return round(hits / total, 3) if total else None


def _norm(text: str) -> str:
    """Keywords match across spacing and case: "10 000", "10\u202f000" and "10 000" are one."""
    return " ".join(text.replace("\u00a0", " ").replace("\u202f", " ").split()).casefold()


def _holds_keyword(o: Outcome, texts: Iterable[str]) -> bool:
    keys = [_norm(k) for k in o.question.answer_keywords]
    return not o.abstained and any(k in _norm(t) for k in keys for t in texts)


def figures(outcomes: list[Outcome]) -> Figures:
    answerable = [o for o in outcomes if o.question.gold]
    unanswerable = [o for o in outcomes if not o.question.gold]

    def rank(o: Outcome) -> int | None:
        gold = set(o.question.gold)
        return next((i for i, a in enumerate(o.ranked) if a in gold), None)

    ranks = [rank(o) for o in answerable]
    with_kw = [o for o in answerable if o.question.answer_keywords]
    answered = [o for o in answerable if not o.abstained and o.cited]
    cited = [(a, o) for o in answered for a in o.cited]
    return Figures(
        n=len(outcomes), answerable=len(answerable),
        r1=_ratio(sum(1 for r in ranks if r == 0), len(answerable)),
        r5=_ratio(sum(1 for r in ranks if r is not None and r < 5), len(answerable)),
        mrr=round(sum(1 / (r + 1) for r in ranks if r is not None) / len(answerable), 3)
        if answerable else None,
        cited_first=_ratio(sum(1 for o in answerable
                               if o.cited and o.cited[0] in o.question.gold), len(answerable)),
        keyword_in_excerpt=_ratio(sum(_holds_keyword(o, o.excerpts) for o in with_kw),
                                  len(with_kw)),
        answer_in_lead=_ratio(sum(_holds_keyword(o, [o.lead]) for o in with_kw), len(with_kw)),
        answer_in_highlight=_ratio(sum(_holds_keyword(o, [o.highlight]) for o in with_kw),
                                   len(with_kw)),
        off_topic=_ratio(sum(1 for a, o in cited if a not in o.question.gold), len(cited)),
        off_topic_extra=_ratio(sum(1 for o in answered
                                   if any(a not in o.question.gold for a in o.cited[1:])),
                               len(answered)),
        wrongly_declined=_ratio(sum(1 for o in answerable if o.abstained), len(answerable)),
        unanswerable=len(unanswerable),
        declined_unanswerable=_ratio(sum(1 for o in unanswerable if o.abstained),
                                     len(unanswerable)),
    )


def sweep(outcomes: list[Outcome], lo: float = 0.0, hi: float = 0.3,
          step: float = 0.01) -> list[tuple[float, float | None, float | None]]:
    """(threshold, answerable wrongly declined, unanswerable declined) for each threshold."""
    answerable = [o.top_score for o in outcomes if o.question.gold]
    unanswerable = [o.top_score for o in outcomes if not o.question.gold]
    rows = []
    t = lo
    while t <= hi + 1e-9:
        rows.append((round(t, 3), _ratio(sum(1 for s in answerable if s < t), len(answerable)),
                     _ratio(sum(1 for s in unanswerable if s < t), len(unanswerable))))
        t += step
    return rows


def calibrated_threshold(outcomes: list[Outcome], max_wrongly_declined: float = 0.02) -> float:
    """The highest threshold that declines at most 1 in 50 answerable questions."""
    scores = sorted(o.top_score for o in outcomes if o.question.gold)
    if not scores:
        raise EvalError("calibration needs answerable questions")
    allowed = int(max_wrongly_declined * len(scores))
    return round(scores[allowed] - 1e-4, 4)


def read_jsonl(path: Path, url_to_id: dict[str, str]) -> list[Question]:
    out = []
    for lineno, line in enumerate(path.read_text("utf-8").splitlines(), 1):
        if not line.strip():
            continue
        try:
            q = Question.model_validate_json(line)
        except ValueError as exc:
            raise EvalError(f"{path}:{lineno}: not a question record ({exc})") from None
        q.gold = [url_to_id.get(g, g) for g in q.gold]
        out.append(q)
    return out


def _squad_paragraphs(path: Path) -> tuple[list[str], list[tuple[str, str, int, list[str]]]]:
    data = json.loads(path.read_text("utf-8"))
    paragraphs: list[str] = []
    questions: list[tuple[str, str, int, list[str]]] = []  # (id, question, paragraph, answers)
    for entry in data.get("data", []):
        for para in entry.get("paragraphs", []):
            i = len(paragraphs)
            paragraphs.append(para["context"])
            for qa in para.get("qas", []):
                questions.append((qa["id"], qa["question"], i,
                                  [a["text"] for a in qa.get("answers", [])]))
    return paragraphs, questions


def _sibling(path: Path, language: str) -> Path:
    match = re.search(r"\.([a-z]{2})\.json$", path.name)
    if not match:
        raise EvalError(f"{path.name}: cannot tell its language (expected a name like x.en.json)")
    sibling = path.with_name(path.name[:match.start(1)] + language + ".json")
    if not sibling.is_file():
        raise EvalError(f"no parallel file {sibling}")
    return sibling


def squad_corpus(path: Path, pool: list[str] | None) -> tuple[list[Article], list[Question]]:
    paragraphs, raw = _squad_paragraphs(path)
    question_lang = re.search(r"\.([a-z]{2})\.json$", path.name)
    default = question_lang.group(1) if question_lang else ""
    pool = pool or [default]
    texts: dict[str, tuple[list[str], dict[str, list[str]]]] = {}
    for lang in set(pool):
        paras, qs = _squad_paragraphs(_sibling(path, lang)) if lang != default or \
            not question_lang else (paragraphs, raw)
        if len(paras) != len(paragraphs):
            raise EvalError(f"the {lang} file is not parallel to {path.name}")
        texts[lang] = (paras, {qid: answers for qid, _, _, answers in qs})
    articles = []
    for i in range(len(paragraphs)):
        lang = pool[i % len(pool)]
        # no title or outlet: nothing but the paragraph itself may help retrieval
        articles.append(Article(id=f"p{i:04d}-{lang}", text=texts[lang][0][i], language=lang))
    questions = []
    for qid, text, i, _answers in raw:
        lang = pool[i % len(pool)]
        questions.append(Question(question=text, gold=[articles[i].id], language=default,
                                  answer_keywords=texts[lang][1].get(qid, []), type=lang))
    return articles, questions


def run(desk: Desk, questions: Iterable[Question], k: int = 10,
        on_each: Callable[[Outcome], None] | None = None) -> list[Outcome]:
    outcomes = []
    for q in questions:
        answer, candidates = desk.ask_with_hits(q.question, k=k)
        outcome = _outcome(q, answer, candidates)
        outcomes.append(outcome)
        if on_each:
            on_each(outcome)
    return outcomes


def _outcome(q: Question, answer: Answer, candidates: list[Candidate]) -> Outcome:
    ranked = list(dict.fromkeys(h.article.id for h in candidates))
    return Outcome(question=q, ranked=ranked,
                   top_score=max((h.relevance for h in candidates), default=0.0),
                   cited=[c.article_id for c in answer.citations],
                   excerpts=[c.excerpt for c in answer.citations], abstained=answer.abstained,
                   lead=answer.lead, short=answer.short, read_score=answer.read_score,
                   highlight=answer.citations[0].highlight if answer.citations else "")


def breakdown(outcomes: list[Outcome], key: str) -> dict[str, Figures]:
    groups: dict[str, list[Outcome]] = defaultdict(list)
    for o in outcomes:
        groups[getattr(o.question, key) or "-"].append(o)
    return {name: figures(group) for name, group in sorted(groups.items())}


def temporary_desk(desk: Desk, articles: list[Article]) -> tuple[Desk, tempfile.TemporaryDirectory]:
    tmp = tempfile.TemporaryDirectory(prefix="newsdesk-eval-")
    settings = desk.settings.model_copy(update={"home": Path(tmp.name),
                                                "model_cache": desk.settings.models_dir})
    scratch = Desk(settings, embedder=desk.embedder)
    for a in articles:
        scratch.catalogue.upsert(a)
    return scratch, tmp
