"""The reader's answer score per (question, article) pair as answering reads them, with both
languages: is the bar as fair to an English question over a French article as over an
English one? On the bundled questions (in-sample), never XQuAD.

    NEWSDESK_HOME=… .venv/bin/python eval/reader_pairs.py eval/sample_questions.jsonl \
        [--json pairs.jsonl]

For each question: the articles the answer path would read (the first LEAD_POOL that clear
the relevance bars and name what is asked), each article's best reading. A pair is
answering when the article is the question's gold one. Printed: per kind of pair (same
language, other language) the answering pairs' scores (share below each bar) and the
non-answering pairs' (share at or above it), and the unanswerable questions' best score.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bot.answer.compose import LEAD_POOL, supported
from bot.cues import question_names
from bot.desk import Desk
from bot.evaluation import Question
from bot.scorer import Question as Asked
from corpus.language import question_language

BARS = [0.05, 0.1, 0.15, 0.2, 0.3, 0.4, 0.5]


def pairs(desk: Desk, question: Question) -> list[dict]:
    language = question_language(question.question, question.language)
    candidates = desk.retriever().search(question.question, k=8, language=language)
    s = desk.settings

    def clears(c: object) -> bool:
        return c.clears(s.min_relevance, s.min_significance)

    lead: list[str] = []
    for c in candidates:
        if c.article.id not in lead:
            lead.append(c.article.id)
    asked, names = Asked.read(question.question, language), question_names(question.question,
                                                                           language)
    read = [c for c in candidates if c.article.id in lead[:LEAD_POOL] and clears(c)
            and supported(asked, names, c.article)]
    readings = desk.reader().read(question.question, [c.text for c in read]) if read else []
    best: dict[str, float] = {}
    article_language: dict[str, str] = {}
    for c, r in zip(read, readings, strict=True):
        best[c.article.id] = max(best.get(c.article.id, 0.0), r.answers)
        article_language[c.article.id] = c.article.language or ""
    return [{"question": question.question, "question_language": language,
             "article": a, "article_language": article_language[a], "score": score,
             "answering": a in question.gold, "answerable": bool(question.gold)}
            for a, score in best.items()]


def report(rows: list[dict], unanswerable_best: list[tuple[bool, float]]) -> None:
    head = " ".join(f"{b:>6}" for b in BARS)
    print(f"{'pairs':<34} {'n':>4} {head}")
    for kind in ("same", "other"):
        def mine(r: dict, kind: str = kind) -> bool:
            same = r["question_language"] == r["article_language"]
            return same == (kind == "same")

        pos = np.array([r["score"] for r in rows if r["answering"] and mine(r)])
        neg = np.array([r["score"] for r in rows if not r["answering"] and mine(r)])
        print(f"{'answering, ' + kind + ' language: below':<34} {len(pos):>4} "
              + " ".join(f"{np.mean(pos < b) if len(pos) else 0:6.3f}" for b in BARS))
        print(f"{'not answering, ' + kind + ': at/above':<34} {len(neg):>4} "
              + " ".join(f"{np.mean(neg >= b) if len(neg) else 0:6.3f}" for b in BARS))
    for kind in (True, False):
        scores = np.array([s for same, s in unanswerable_best if same == kind])
        label = f"unanswerable, best {'same' if kind else 'other'}: at/above"
        print(f"{label:<34} {len(scores):>4} "
              + " ".join(f"{np.mean(scores >= b) if len(scores) else 0:6.3f}" for b in BARS))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("questions", type=Path)
    parser.add_argument("--json", type=Path, help="write every pair here")
    args = parser.parse_args()
    desk = Desk()
    rows: list[dict] = []
    unanswerable: list[tuple[bool, float]] = []
    for line in args.questions.read_text("utf-8").splitlines():
        if not line.strip():
            continue
        q = Question.model_validate_json(line)
        found = pairs(desk, q)
        rows.extend(found)
        if not q.gold and found:
            top = max(found, key=lambda r: r["score"])
            unanswerable.append((top["question_language"] == top["article_language"],
                                 top["score"]))
    if args.json:
        args.json.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows))
    report(rows, unanswerable)


if __name__ == "__main__":
    main()
