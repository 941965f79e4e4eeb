"""Answers on the bundled sample corpus: cited, verbatim, and honest about not knowing."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from bot.answer import ABSTAIN_TEXT, QuestionError
from bot.desk import Desk

QUESTIONS = Path(__file__).parent.parent / "eval" / "sample_questions.jsonl"


def test_seed_question_cites_the_french_korea_article(sample_desk: Desk) -> None:
    answer = sample_desk.ask("what did Korea do about DeepSeek")
    assert not answer.abstained
    first = answer.citations[0]
    assert first.article_id == "fr-coree-deepseek-telechargements"
    assert first.language == "fr" and first.n == 1
    assert first.url.startswith("https://example.org/") and first.published is not None
    assert first.title and first.source
    text = sample_desk.article(first.article_id).text
    assert text[first.start:first.end] == first.excerpt
    assert "téléchargements" in first.excerpt
    assert "[1]" in answer.text


def test_every_excerpt_and_answer_sentence_is_a_verbatim_slice(sample_desk: Desk) -> None:
    rows = [json.loads(line) for line in QUESTIONS.read_text("utf-8").splitlines()]
    for row in rows[::3]:
        answer = sample_desk.ask(row["question"])
        ns = [c.n for c in answer.citations]
        assert ns == list(range(1, len(ns) + 1))
        scores = [c.score for c in answer.citations[1:]]
        assert scores == sorted(scores, reverse=True)  # further sources in rank order
        assert all(c.relevance >= sample_desk.settings.min_relevance for c in answer.citations)
        for c in answer.citations:
            text = sample_desk.article(c.article_id).text
            assert text[c.start:c.end] == c.excerpt
            assert c.start <= c.highlight_start < c.highlight_end <= c.end
            sentence = text[c.highlight_start:c.highlight_end]
            assert f"{sentence} [{c.n}]" in answer.text


def test_off_topic_questions_abstain_and_cite_nothing(sample_desk: Desk) -> None:
    for question in ("How long should I boil an egg for a soft yolk?",
                     "Who won the Champions League final in 2019?"):
        answer = sample_desk.ask(question)
        assert answer.abstained, (question, answer.citations[:1])
        assert answer.citations == [] and answer.text == ABSTAIN_TEXT


@pytest.mark.parametrize("question, message", [
    ("   ", "empty"),
    ("why " * 400, "too long"),
])
def test_bad_questions_are_one_line_errors(sample_desk: Desk, question: str,
                                           message: str) -> None:
    with pytest.raises(QuestionError, match=message) as info:
        sample_desk.ask(question)
    assert "\n" not in str(info.value)
