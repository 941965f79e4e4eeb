"""Answers on the bundled sample corpus: cited, verbatim, and honest about not knowing."""

from __future__ import annotations

import io
import json
import sys
from datetime import date
from pathlib import Path

import pytest

from bot import cli
from bot.answer import QuestionError, compose, nothing_found
from bot.desk import Desk
from bot.messages import LANGUAGES, grouped, say
from index.filters import FilterError, Filters, Searched, parse_since

QUESTIONS = Path(__file__).parent.parent / "eval" / "sample_questions.jsonl"
# what the reader trained so far does not yet decline (its answer score for "how much did
# Mistral raise in 2025?" over a 2025 article's subscription price is 0.88): strict, so a
# reader that does decline them makes these pass and says so
NOT_YET = pytest.mark.xfail(strict=True, reason="issue 18: the reader does not yet tell a "
                            "raise from a price")


def test_seed_question_cites_the_french_korea_article(sample_desk: Desk) -> None:
    answer = sample_desk.ask("what did Korea do about DeepSeek")
    assert not answer.abstained
    first = answer.citations[0]
    assert first.article_id == "fr-coree-deepseek-telechargements"
    assert first.language == "fr" and first.n == 1
    assert first.url.startswith("https://example.org/") and first.published is not None
    assert first.title and first.outlet
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
        scores = [c.rank for c in answer.citations[1:]]
        assert scores == sorted(scores, reverse=True)  # further sources in rank order
        assert all(c.relevance >= sample_desk.settings.min_relevance for c in answer.citations)
        for c in answer.citations:
            text = sample_desk.article(c.article_id).text
            assert text[c.start:c.end] == c.excerpt
            assert c.start <= c.highlight_start < c.highlight_end <= c.end
            statement = next(st for st in answer.statements if c.n in st.citations)
            assert text[c.highlight_start:c.highlight_end] in statement.text
            assert f"{statement.text} [{c.n}]" in answer.text


def test_off_topic_questions_abstain_and_cite_nothing(sample_desk: Desk) -> None:
    for question in ("How long should I boil an egg for a soft yolk?",
                     "Who won the Champions League final in 2019?"):
        answer = sample_desk.ask(question)
        assert answer.abstained, (question, answer.citations[:1])
        assert answer.citations == [] and answer.text.startswith("I don't know: nothing in")


@pytest.mark.parametrize("question, message", [
    ("   ", "empty"),
    ("why " * 400, "too long"),
])
def test_bad_questions_are_one_line_errors(sample_desk: Desk, question: str,
                                           message: str) -> None:
    with pytest.raises(QuestionError, match=message) as info:
        sample_desk.ask(question)
    assert "\n" not in str(info.value)


def test_the_seed_answer_leads_with_the_fact_from_one_story(sample_desk: Desk) -> None:
    answer = sample_desk.ask("what did Korea do about DeepSeek")
    assert "17 février" in answer.lead and "suspendu" in answer.lead
    first = answer.citations[0]
    assert first.highlight in answer.lead
    # a ban in Australia is about DeepSeek, not an answer about Korea
    assert all("korea" in c.article_id or "coree" in c.article_id for c in answer.citations)


@pytest.mark.parametrize("question, expected", [
    ("Who founded DeepSeek?", "Liang Wenfeng"),
    ("How much did Italy's privacy watchdog fine OpenAI in December 2024 over ChatGPT?",
     "15 milioni"),
    ("What valuation did Mistral AI reach after its June 2024 funding round?", "5,8 milliards"),
])
def test_the_lead_is_the_sentence_that_answers(sample_desk: Desk, question: str,
                                              expected: str) -> None:
    answer = sample_desk.ask(question)
    assert expected in answer.lead, answer.lead


@pytest.mark.parametrize("question", [
    "When will GPT-5 be released?",  # the corpus knows GPT-4 only
    "What did Meta do about Llama 5?",
    "Did Canada ban TikTok?",  # bans, yes; Canada and TikTok, no
    "What did Apple announce at WWDC 2019?",
])
def test_near_topic_questions_decline(sample_desk: Desk, question: str) -> None:
    answer = sample_desk.ask(question)
    assert answer.abstained, answer.text


@pytest.mark.parametrize("question", [
    # the 2023 Nobel: the corpus has the 2024 prize and a 2023 AI forum
    "Who won the 2023 Nobel Prize in Physics?",
    "Qui a remporté le prix Nobel de physique 2023 ?",
    "2023년 노벨 물리학상은 누가 받았나?",
    # Mistral's raises are of 2024; a subscription price is no raise
    *(pytest.param(q, marks=NOT_YET) for q in (
        "How much did Mistral raise in 2025?",
        "Combien Mistral a-t-il levé en 2025 ?",
        "미스트랄은 2025년에 투자금을 얼마나 유치했나?")),
    # Italy blocked DeepSeek; no fine is reported
    "How much did Italy fine DeepSeek?",
    "Quelle amende l'Italie a-t-elle infligée à DeepSeek ?",
    "이탈리아는 딥시크에 벌금을 얼마나 부과했나?",
])
def test_near_topic_questions_decline_alike_in_every_language(sample_desk: Desk,
                                                              question: str) -> None:
    """The reader reads the question with the passage: the same story on another year,
    amount or fact is no answer, in whichever language it is asked."""
    answer = sample_desk.ask(question)
    assert answer.abstained, (question, answer.lead)


def test_a_follow_up_naming_another_country_answers_about_it(sample_desk: Desk) -> None:
    first = sample_desk.ask("why did Italy block DeepSeek?")
    assert first.citations[0].article_id == "fr-italie-garante-deepseek"
    follow = sample_desk.ask("and what did Germany do?",
                             context=["why did Italy block DeepSeek?"])
    assert not follow.abstained
    assert follow.citations[0].article_id == "de-berlin-deepseek-appstores"
    assert follow.question == "and what did Germany do?"  # the member's words, as asked


def test_english_questions_about_chinese_and_korean_articles_are_answered(
        sample_desk: Desk) -> None:
    """The bar is the same in every pair of languages: an English question about a
    Chinese article is not declined for being cross-lingual."""
    zh = sample_desk.ask("How many H800 GPU hours did the full training of DeepSeek-V3 take?")
    assert not zh.abstained and zh.citations[0].language == "zh"
    assert "278.8万" in zh.citations[0].excerpt
    ko = sample_desk.ask("What is Samsung Gauss?")
    assert not ko.abstained and ko.citations[0].language == "ko"


def test_a_sure_reader_leads_with_its_own_sentence(sample_desk: Desk) -> None:
    """The sentence scorer likes the parameter count for "how many tokens"; the reader,
    reading question and passage together, finds the training data's size and is sure."""
    answer = sample_desk.ask("How many tokens was DeepSeek-V3 pretrained on?")
    assert answer.citations[0].article_id == "zh-deepseek-v3-fabu"
    assert "14.8万亿" in answer.lead and "6710亿" not in answer.lead
    assert answer.short == "14.8万亿"


def test_a_follow_up_answers_the_new_question(sample_desk: Desk) -> None:
    first = sample_desk.ask("Who won the 2024 Nobel Prize in Physics?")
    assert "Hinton" in first.lead
    follow = sample_desk.ask("How much is the prize money?",
                             context=["Who won the 2024 Nobel Prize in Physics?"])
    assert "Kronen" in follow.lead  # the prize money, not the winners again


def test_the_json_answer_says_how_it_was_made(sample_desk: Desk) -> None:
    answer = json.loads(sample_desk.ask("Who founded DeepSeek?").model_dump_json())
    assert answer["mode"] == "extractive"
    assert answer["statements"][0]["citations"] == [1]
    citation = answer["citations"][0]
    assert citation["summary_only"] is False
    # what the bar compares and what the order follows, each under its own name
    assert citation["relevance"] >= sample_desk.settings.min_relevance
    assert citation["rank"] > citation["relevance"] and "score" not in citation
    assert answer["searched"] is None and answer["closest"] == []


@pytest.mark.parametrize("question, language, words", [
    ("Quelle est la recette traditionnelle de la ratatouille ?", "fr", "Je ne sais pas"),
    ("¿Cuál es la receta tradicional de la paella valenciana?", "es", "No lo sé"),
    # off-topic questions in a language far from every article's: a small cross-lingual
    # margin magnifies noise, and the significance bar still declines them
    ("Wie lange muss ich ein Ei kochen, damit das Eigelb weich bleibt?", "de",
     "Das weiß ich nicht"),
    ("김치찌개는 어떻게 끓이나요?", "ko", "모르겠습니다"),
    ("红烧肉怎么做才好吃？", "zh", "我不知道"),
])
def test_i_dont_know_is_said_in_the_askers_language(sample_desk: Desk, question: str,
                                                    language: str, words: str) -> None:
    answer = sample_desk.ask(question)
    assert answer.abstained and answer.language == language
    assert answer.text.startswith(words)


@pytest.mark.parametrize("language, words", [
    ("en", "I don't know"), ("fr", "Je ne sais pas"), ("de", "Das weiß ich nicht"),
    ("es", "No lo sé"), ("it", "Non lo so"), ("ja", "わかりません"), ("ko", "모르겠습니다"),
    ("zh", "我不知道"), ("pt", "I don't know"),  # no text yet: English
])
def test_every_language_the_bot_speaks_has_its_i_dont_know(language: str, words: str) -> None:
    answer = compose("?", [], min_relevance=0.0, language=language)
    assert answer.abstained and answer.text.startswith(words)


BANS = "Which governments banned DeepSeek?"


@pytest.mark.parametrize("filters, expected", [
    (Filters(outlet="the policy wire"), "en-texas-deepseek-ban"),  # any case
    (Filters(language="de"), "de-berlin-deepseek-appstores"),
    (Filters(since=date(2025, 4, 1)), "en-korea-deepseek-returns"),
])
def test_a_filter_narrows_the_search_itself_so_its_best_article_is_found(
        sample_desk: Desk, filters: Filters, expected: str) -> None:
    """One passage per language: unfiltered, Australia's ban takes English's only place;
    filtered, FAISS searches only the admitted rows and the filter's best article comes."""
    retriever = sample_desk.retriever()
    unfiltered = [c.article.id for c in retriever.search(BANS, k=8, per_language=1)]
    assert unfiltered[0] == "en-australia-deepseek-ban"
    if filters.language is None:
        assert expected not in unfiltered
    found = retriever.search(BANS, k=8, per_language=1, filters=filters)
    assert found[0].article.id == expected
    assert all(filters.admits(c.article) for c in found)
    answer = sample_desk.ask(BANS, filters=filters)
    assert [c.article_id for c in answer.citations] == [expected]


def test_no_filter_changes_nothing(sample_desk: Desk) -> None:
    for question in ("what did Korea do about DeepSeek", BANS, "Did Canada ban TikTok?"):
        assert sample_desk.ask(question, filters=Filters()) == sample_desk.ask(question)


def test_since_reads_spans_months_and_days() -> None:
    today = date(2025, 3, 31)
    assert parse_since("7d", today) == date(2025, 3, 24)
    assert parse_since(" 2W ", today) == date(2025, 3, 17)
    assert parse_since("1m", today) == date(2025, 2, 28)  # no 31 February
    assert parse_since("13m", date(2024, 3, 31)) == date(2023, 2, 28)
    assert parse_since("1y", date(2024, 2, 29)) == date(2023, 2, 28)
    assert parse_since("2025-01", today) == date(2025, 1, 1)
    assert parse_since("2025-01-15", today) == date(2025, 1, 15)
    assert Filters.read(since="30d", outlet="  ", language="FR-ca", today=today) == \
        Filters(since=date(2025, 3, 1), language="fr")


@pytest.mark.parametrize("since", ["7x", "2025-13", "yesterday", "2025-02-30", "99999y", ""])
def test_a_since_that_cannot_be_read_says_what_can(since: str) -> None:
    with pytest.raises(FilterError, match=r"like 7d.*2025-01.*2025-01-15") as info:
        parse_since(since)
    assert "\n" not in str(info.value)


def test_unknown_outlets_and_languages_are_one_line_naming_the_known(sample_desk: Desk) -> None:
    with pytest.raises(FilterError, match="not a language code"):
        Filters.read(language="french")
    with pytest.raises(FilterError, match=r"no outlet called 'Daily Nope' in the index "
                                          r"\(outlets: Berliner Netzkurier, .* and 6 more\)"):
        sample_desk.ask(BANS, filters=Filters(outlet="Daily Nope"))
    with pytest.raises(FilterError, match="did you mean 'The Policy Wire'"):
        sample_desk.ask(BANS, filters=Filters(outlet="policy wire"))
    with pytest.raises(FilterError, match=r"no articles in the language 'pt'; languages: de, en"):
        sample_desk.ask(BANS, filters=Filters(language="pt"))


def test_i_dont_know_says_what_was_searched_and_points_to_the_closest(
        sample_desk: Desk) -> None:
    articles = list(sample_desk.catalogue.articles())
    outlets = {a.outlet for a in articles}
    answer = sample_desk.ask("Did Canada ban TikTok?")  # bans, yes; Canada and TikTok, no
    assert answer.abstained and answer.citations == []
    assert answer.searched == Searched(articles=len(articles), outlets=len(outlets))
    assert answer.text == nothing_found(answer.searched) == (
        f"I don't know: nothing in {len(articles)} articles from {len(outlets)} outlets "
        "answers that.")
    closest = [ref.id for ref in answer.closest]
    assert "en-australia-deepseek-ban" in closest and len(closest) <= 3
    australia = next(ref for ref in answer.closest if ref.id == "en-australia-deepseek-ban")
    assert (australia.outlet, australia.published, australia.language) == \
        ("The Signal Ledger", date(2025, 2, 5), "en") and australia.url.startswith("https://")
    # nothing close to an egg: no closest articles at all
    assert sample_desk.ask("How long should I boil an egg for a soft yolk?").closest == []
    later = sample_desk.ask(BANS, filters=Filters(since=date(2027, 1, 1)))
    assert later.abstained and later.searched == Searched(articles=0, outlets=0,
                                                          since=date(2027, 1, 1))
    assert nothing_found(later.searched, "fr") == \
        "Je ne sais pas : rien dans 0 articles de 0 médias depuis le 2027-01-01 n’y répond."


def test_what_was_searched_is_said_in_every_language_the_bot_speaks() -> None:
    searched = Searched(articles=1234, outlets=5, since=date(2024, 2, 1))
    lines = {lang: nothing_found(searched, lang) for lang in LANGUAGES}
    assert lines["en"] == ("I don't know: nothing in 1,234 articles from 5 outlets since "
                           "2024-02-01 answers that.")
    one = Searched(articles=1, outlets=1)
    assert nothing_found(one) == "I don't know: nothing in 1 article from 1 outlet answers that."
    assert "1\u202f234" in lines["fr"] and "1.234" in lines["de"] and "1,234" in lines["ja"]
    assert len(set(lines.values())) == len(LANGUAGES)  # each its own
    assert all("2024-02-01" in line and "{" not in line for line in lines.values())
    assert len({say("closest", lang) for lang in LANGUAGES}) == len(LANGUAGES)
    assert grouped(999, "fr") == "999" and grouped(1_000_000, "it") == "1.000.000"


def _run(args: list[str], desk: Desk, monkeypatch: pytest.MonkeyPatch,
         capsys: pytest.CaptureFixture[str], stdin: str = "") -> tuple[int, str, str]:
    monkeypatch.setattr(cli, "_desk", lambda: desk)
    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(stdin.encode("utf-8"))))
    status = cli.main(args)
    out = capsys.readouterr()
    return status, out.out, out.err


def test_ask_takes_filters_on_the_command_line_and_in_json_lines(
        sample_desk: Desk, monkeypatch: pytest.MonkeyPatch,
        capsys: pytest.CaptureFixture[str]) -> None:
    status, out, _ = _run(["ask", "--outlet", "The Policy Wire", BANS], sample_desk,
                          monkeypatch, capsys)
    assert status == 0 and "[1] Texas bans DeepSeek" in out
    status, out, _ = _run(["ask", "--since", "2027-01", BANS], sample_desk, monkeypatch, capsys)
    assert status == 0 and "nothing in 0 articles from 0 outlets since 2027-01-01" in out
    status, out, _ = _run(["ask", "Did Canada ban TikTok?"], sample_desk, monkeypatch, capsys)
    assert "\nClosest articles (not an answer):\n  Australia bans DeepSeek" in out
    assert "[1]" not in out
    status, _, err = _run(["ask", "--since", "soon", BANS], sample_desk, monkeypatch, capsys)
    assert status == 1 and "error: cannot read the date 'soon'" in err

    lines = [BANS,  # plain text still works, with the command line's --language
             json.dumps({"question": BANS, "outlet": "The Policy Wire", "language": None}),
             json.dumps({"question": BANS, "since": "2025-04"}),
             json.dumps({"question": BANS, "since": "next week"}),
             json.dumps({"question": BANS, "sources": "x"}),
             "{what a brace}"]
    status, out, _ = _run(["ask", "--json", "--language", "de", "-"], sample_desk, monkeypatch,
                          capsys, "\n".join(lines) + "\n")
    rows = [json.loads(line) for line in out.splitlines()]
    assert status == 1 and len(rows) == len(lines)
    assert rows[0]["citations"][0]["article_id"] == "de-berlin-deepseek-appstores"
    assert rows[1]["citations"][0]["article_id"] == "en-texas-deepseek-ban"  # language: null
    assert rows[2]["citations"][0]["language"] == "de"  # the command line's language stays
    assert rows[2]["citations"][0]["published"] >= "2025-04-01"
    assert "cannot read the date 'next week'" in rows[3]["error"]
    assert "unknown keys in the JSON line: sources" in rows[4]["error"]
    assert rows[5]["question"] == "{what a brace}" and rows[5]["abstained"]
