"""The lexical cues the answer relies on, in the languages the corpus holds."""

from __future__ import annotations

import pytest

from bot import cues
from bot.cues import Want


@pytest.mark.parametrize("question, kind", [
    ("Who founded DeepSeek?", Want.WHO),
    ("Who was named interim CEO when the board fired Sam Altman?", Want.WHO),  # earliest cue
    ("Which Australian minister explained the ban?", Want.WHO),
    ("Wer hat Aleph Alpha finanziert?", Want.WHO),
    ("딥시크 차단한 부처는?", Want.WHO),
    ("When did the EU AI Act enter into force?", Want.WHEN),
    ("¿Cuándo volvió ChatGPT a Italia?", Want.WHEN),
    ("DeepSeek-V3是什么时候发布的？", Want.WHEN),
    ("How much did Italy fine OpenAI?", Want.HOW_MUCH),
    ("Combien d'eurodéputés se sont abstenus ?", Want.HOW_MANY),
    ("In which city is AESIA based?", Want.WHERE),
    ("Pourquoi la Navy interdit DeepSeek ?", Want.WHY),
    ("What did Korea do about DeepSeek", Want.ACTION),
    ("Tell me about Mistral", Want.OTHER),
])
def test_what_a_question_asks_for(question: str, kind: Want) -> None:
    assert cues.want(question) is kind


def test_numbers_match_across_their_spellings() -> None:
    assert cues.digits("10 000 GPU") == cues.digits("10,000 GPUs") == cues.digits("10000") \
        == {"10000"}
    assert cues.digits("5,8 milliards") == {"5.8"}
    assert cues.digits("on January 27, 2025") == {"27", "2025"}
    assert cues.digits("14,99 euros") == cues.digits("14.99 euros")


def test_names_of_a_question_and_their_kinds() -> None:
    assert cues.question_names("When will GPT-5 be released?") == {"gpt-5": "version"}
    assert cues.question_names("What did Meta do about Llama 5?") == \
        {"llama 5": "version", "meta": "plain"}
    assert cues.question_names("Did Canada ban TikTok?") == \
        {"tiktok": "distinct", "canada": "plain"}
    assert cues.question_names("What did Apple announce at WWDC?") == \
        {"wwdc": "acronym", "apple": "plain"}
    # months and the corpus's own domain word are not names
    # a capital S belongs to the acronym, a small one is a plural; a year is no version
    assert cues.question_names("Combien de cas de SAOS sont traités ?") == {"saos": "acronym"}
    assert cues.question_names("Pourquoi propose-t-il une alliance au PS ?") == \
        {"ps": "acronym"}
    assert cues.question_names("Who sells the most GPUs?") == {"gpu": "acronym"}
    assert cues.question_names("Après 1969, comment les surréalistes ont-ils réagi ?") == {}
    assert cues.question_names("What did Apple announce at WWDC 2019?") == \
        {"wwdc 2019": "version", "apple": "plain"}
    assert cues.question_names("What did the FTC’s “Operation AI Comply” target?")[
        "operation ai comply"] == "quoted"
    assert "victime" not in cues.question_names('Quelle fut la première "victime" du Cap ?')
    assert cues.month_years("Qu'a exigé l'Inde en mars 2024 ?") == {"2024": 3}
    assert cues.month_years("2024년 3월에 무엇을 발표했나?") == {"2024": 3}
    assert cues.question_names("What did the EU AI Act say in March 2024?") == \
        {"eu": "acronym", "act": "plain"}
    # German capitalises every noun: only names known in other languages count
    assert cues.question_names("Welche Regeln hat die Schweiz beschlossen?", "de") == \
        {"schweiz": "plain"}


@pytest.mark.parametrize("name, text, expected", [
    ("korea", "La Corée du Sud a suspendu DeepSeek.", True),  # a translation we know
    ("taiwanese", "Taiwan's digital ministry", True),  # a longer or shorter form
    ("gpt-5", "OpenAI a présenté GPT 5 jeudi.", True),
    ("deepseek-v3", "DeepSeek-V3模型正式发布", True),  # Latin edges inside Chinese text
    ("canada", "The Canal+ group", False),
    ("gpt-5", "OpenAI released GPT-4 in March.", False),
])
def test_names_are_found_in_an_article_however_it_spells_them(name: str, text: str,
                                                              expected: bool) -> None:
    assert cues.found(name, cues.read(text)) is expected


def test_what_a_sentence_holds() -> None:
    assert cues.has_person("Chief technology officer Mira Murati was named", {"openai"})
    assert not cues.has_person("Taiwan has told its agencies", set())
    assert cues.AMOUNT.search("a fine of 15 milioni di euro")
    assert cues.DATE.search("Le 17 février, le gouvernement")
    assert cues.DATE.search("2025년 2월 17일")
    assert cues.has_new_number("about 600 milliards", {"17"})
    assert not cues.has_new_number("in 2025", set())  # a year is not the amount asked for
