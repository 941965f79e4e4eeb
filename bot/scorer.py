"""Which sentence of an article answers the question: a small model over cues.

The embedding model ranks the sentence most *about* the question first; the
answer is often another one. A conditional logit (a softmax over one
article's sentences) weighs the model's score against what the question asks
for and what each sentence holds (`bot.cues`). Its weights are trained on the
French PIAF set (`eval/train_scorer.py`, never on XQuAD, which is our test)
and shipped beside this file.
"""

from __future__ import annotations

import json
import math
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

import numpy as np

from bot import cues

WEIGHTS = Path(__file__).with_name("scorer.json")
_CONTENT = ("date", "number", "amount", "percent", "new_name", "cause", "new_number", "person",
            "place")


@dataclass(frozen=True)
class Question:
    """What the scorer and the support checks read off a question, once."""

    text: str
    want: cues.Want
    names: frozenset[str]
    digits: frozenset[str]
    words: frozenset[str]
    language: str = ""
    months: dict[str, int] = field(default_factory=dict)  # year → the month named with it

    @classmethod
    def read(cls, text: str, language: str = "") -> Question:
        return cls(text=text, want=cues.want(text), names=frozenset(cues.names(text)),
                   digits=frozenset(cues.digits(text)), words=frozenset(cues.words(text)),
                   language=language, months=cues.month_years(text))


@dataclass
class Sentence:
    """One candidate sentence of an article."""

    text: str
    score: float  # question · sentence, from the embedding model
    passage_score: float  # question · the passage that holds it
    position: int  # its index in the article
    same_language: bool = False
    centrality: float = 0.0  # likeness to the article as a whole: high for scene-setting
    content: dict[str, bool] = field(default_factory=dict)


def content(text: str, question: Question) -> dict[str, bool]:
    return {
        "date": bool(cues.DATE.search(text)),
        "number": bool(cues.NUMBER.search(text)),
        "amount": bool(cues.AMOUNT.search(text)) and bool(cues.NUMBER.search(text)),
        "percent": bool(cues.PERCENT.search(text)),
        "new_name": cues.has_new_name(text, set(question.names)),
        "cause": bool(cues.CAUSE.search(text)),
        "new_number": cues.has_new_number(text, set(question.digits)),
        "person": cues.has_person(text, set(question.names)),
        "place": cues.has_place(text, set(question.names)),
    }


def feature_names() -> list[str]:
    names = ["score_gap", "score_best", "score_z", "passage_gap", "central_gap", "specific_gap",
             *_CONTENT]
    names += [f"{w.value}×{c}" for w in cues.Want for c in _CONTENT]
    names += ["name_overlap", "digit_overlap", "word_overlap", "first", "place_in_article",
              "length", "short", "asks"]
    return names


def features(question: Question, sentences: list[Sentence]) -> np.ndarray:
    """One row per sentence; gaps are taken within the set, so a language's shift in the
    model's scores cancels out."""
    scores = np.array([s.score for s in sentences], np.float64)
    passage = np.array([s.passage_score for s in sentences], np.float64)
    central = np.array([s.centrality for s in sentences], np.float64)
    specific = scores - central  # close to the question more than to the story
    best = scores.max() if len(scores) else 0.0
    spread = scores.std() + 1e-3 if len(scores) else 1.0
    last = max(len(sentences) - 1, 1)
    rows = []
    for s, score, p_score, c_score, spec in zip(sentences, scores, passage, central, specific,
                                                strict=True):
        flags = s.content or content(s.text, question)
        s.content = flags
        c = [float(flags[k]) for k in _CONTENT]
        crossed = [c[i] if question.want is w else 0.0 for w in cues.Want
                   for i in range(len(_CONTENT))]
        s_names = cues.names(s.text)
        folded = cues.fold(s.text)
        rows.append([
            (score - best) * 10, float(score == best), (score - scores.mean()) / spread,
            (p_score - passage.max()) * 10, (c_score - central.max()) * 10,
            (spec - specific.max()) * 10, *c, *crossed,
            cues.overlap(set(question.names), s_names),
            (sum(1 for d in question.digits if d in cues.digits(s.text)) /
             len(question.digits)) if question.digits else 0.0,
            cues.overlap(set(question.words), cues.words(folded)) if s.same_language else 0.0,
            float(s.position == 0), s.position / last, math.log1p(len(s.text)) / 5,
            float(len(s.text) < 40),
            float(s.text.rstrip().endswith(("?", "？"))),
        ])
    return np.array(rows, np.float64).reshape(len(sentences), len(feature_names()))


class SentenceScorer:
    def __init__(self, weights: np.ndarray) -> None:
        self.weights = weights

    @classmethod
    def load(cls, path: Path = WEIGHTS) -> SentenceScorer:
        return _load(path)

    def logits(self, question: Question, sentences: list[Sentence]) -> np.ndarray:
        if not sentences:
            return np.zeros(0)
        return features(question, sentences) @ self.weights

    def best(self, question: Question, sentences: list[Sentence]) -> int:
        return int(np.argmax(self.logits(question, sentences)))


@cache
def _load(path: Path) -> SentenceScorer:
    data = json.loads(path.read_text("utf-8"))
    names = feature_names()
    if data.get("features") != names:
        raise ValueError(f"{path.name} was trained on other features; rerun "
                         "eval/train_scorer.py")
    return SentenceScorer(np.array(data["weights"], np.float64))
