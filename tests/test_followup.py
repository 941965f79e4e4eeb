"""A follow-up carries its thread's subject into the question the retriever and reader get."""

from __future__ import annotations

import pytest

from bot.answer.followup import resolve


@pytest.mark.parametrize("question, context, language, asked", [
    # a place replaces a place; the thing asked about carries over
    ("and what did Germany do?", ["why did Italy block DeepSeek?"], "en",
     "What did Germany do? (DeepSeek)"),
    # nothing named: the whole subject carries, its year too
    ("How much is the prize money?", ["Who won the 2024 Nobel Prize in Physics?"], "en",
     "How much is the prize money? (2024, Nobel, Prize, Physics)"),
    ("when was it released?", ["what is GPT-4?"], "en", "When was it released? (GPT-4)"),
    # names spelled as the thread spelled them, a Korean particle or a French accent aside
    ("그럼 독일은?", ["이탈리아는 왜 DeepSeek을 차단했나?"], "ko", "독일은? (DeepSeek)"),
    ("et la Corée ?", ["Pourquoi l'Italie a-t-elle bloqué DeepSeek ?"], "fr",
     "La Corée ? (DeepSeek)"),
    # the latest question that named something is the subject
    ("and Texas?", ["what did Taiwan do about DeepSeek?", "when?"], "en", "Texas? (DeepSeek)"),
])
def test_a_follow_up_is_asked_with_its_threads_subject(question: str, context: list[str],
                                                      language: str, asked: str) -> None:
    assert resolve(question, context, language) == asked


@pytest.mark.parametrize("question, context", [
    ("Who founded DeepSeek?", []),  # no thread
    ("Who founded DeepSeek?", ["what did Italy do about DeepSeek?"]),  # names its subject
    ("and then?", ["how are you?"]),  # the thread named nothing
])
def test_a_question_that_stands_alone_is_left_as_it_is(question: str,
                                                       context: list[str]) -> None:
    assert resolve(question, context) == question
