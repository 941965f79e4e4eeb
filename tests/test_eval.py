"""`newsdesk eval` on QA files made here, and the answer-quality behaviours it measures."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from bot import evaluation as ev
from bot.desk import Desk

NEWSDESK = str(Path(sys.executable).parent / "newsdesk")


def test_jsonl_eval_counts_hits_keywords_and_abstentions(sample_desk: Desk,
                                                         tmp_path: Path) -> None:
    rows = [
        {"question": "what did Korea do about DeepSeek", "language": "en", "type": "fact",
         "gold": ["fr-coree-deepseek-telechargements", "en-korea-deepseek-returns"],
         "answer_keywords": ["17 février", "17 February"]},
        {"question": "Who founded DeepSeek?",
         "gold": ["https://example.org/es/2025/01/deepseek-lanza-r1"],
         "answer_keywords": ["Liang Wenfeng"], "language": "en", "type": "who"},
        {"question": "How long should I boil an egg?", "gold": [], "type": "unanswerable"},
        {"question": "Who won the 2019 Champions League final?", "gold": []},
    ]
    path = tmp_path / "qa.jsonl"
    path.write_text("\n".join(json.dumps(r) for r in rows), "utf-8")
    urls = {a.url: a.id for a in sample_desk.catalogue.articles()}
    questions = ev.read_jsonl(path, urls)
    assert questions[1].gold == [urls[rows[1]["gold"][0]]]  # URLs resolve to article ids
    outcomes = ev.run(sample_desk, questions)
    f = ev.figures(outcomes)
    assert (f.n, f.answerable, f.unanswerable) == (4, 2, 2)
    assert f.r1 == 1.0 and f.r5 == 1.0 and f.mrr == 1.0 and f.cited_first == 1.0
    assert f.keyword_in_excerpt == 1.0
    # what a member reads first holds the answer, and no other story is cited beside it
    assert f.answer_in_lead == 1.0 and f.answer_in_highlight == 1.0
    assert f.off_topic == 0.0 and f.off_topic_extra == 0.0
    assert f.declined_unanswerable == 1.0 and f.wrongly_declined == 0.0
    by_type = ev.breakdown(outcomes, "type")
    assert set(by_type) == {"fact", "who", "unanswerable", "-"}
    sweep = ev.sweep(outcomes)
    assert sweep[0][1] == 0.0 and sweep[-1][2] == 1.0
    threshold = ev.calibrated_threshold(outcomes)
    assert all(o.top_score >= threshold for o in outcomes if o.question.gold)


def test_squad_pool_eval_through_the_command(tmp_path: Path) -> None:
    def squad(lang: str, contexts: list[str], answers: list[str]) -> dict:
        questions = ["Which country suspended DeepSeek downloads?",
                     "Who won the Nobel Prize in Physics in 2024?"]
        return {"data": [{"title": "t", "paragraphs": [
            {"context": c, "qas": [{"id": f"q{i}", "question": q,
                                    "answers": [{"text": a, "answer_start": c.index(a)}]}]}
            for i, (c, q, a) in enumerate(zip(contexts, questions, answers, strict=True))]}]}

    en = ["South Korea suspended new downloads of the DeepSeek app in February 2025.",
          "John Hopfield and Geoffrey Hinton won the 2024 Nobel Prize in Physics."]
    de = ["Südkorea hat im Februar 2025 neue Downloads der DeepSeek-App ausgesetzt.",
          "John Hopfield und Geoffrey Hinton erhielten 2024 den Nobelpreis für Physik."]
    (tmp_path / "tiny.en.json").write_text(json.dumps(squad("en", en, ["South Korea",
                                                                      "Geoffrey Hinton"])))
    (tmp_path / "tiny.de.json").write_text(json.dumps(squad("de", de, ["Südkorea",
                                                                      "Geoffrey Hinton"])))
    env = {**os.environ, "NEWSDESK_HOME": str(tmp_path / "home")}
    out = subprocess.run([NEWSDESK, "eval", str(tmp_path / "tiny.en.json"), "--pool", "de,en",
                          "--min-relevance", "0.05", "--json"],
                         capture_output=True, text=True, env=env, timeout=600)
    assert out.returncode == 0, out.stderr
    figures = json.loads(out.stdout)
    assert figures["overall"]["n"] == 2 and figures["overall"]["r1"] == 1.0
    assert figures["overall"]["keyword_in_excerpt"] == 1.0
    assert set(figures["by_type"]) == {"de", "en"}  # the pool language of each gold paragraph
    table = subprocess.run([NEWSDESK, "eval", str(tmp_path / "tiny.en.json"), "--sweep"],
                           capture_output=True, text=True, env=env, timeout=600)
    assert table.returncode == 0 and "R@1" in table.stdout and "calibrated" in table.stdout


def test_recent_questions_prefer_the_follow_up(sample_desk: Desk) -> None:
    answer = sample_desk.ask("Is the DeepSeek app still suspended in South Korea?")
    assert answer.citations[0].article_id == "en-korea-deepseek-returns"
    later = sample_desk.ask("Can Nvidia sell its H20 chips to China again?")
    assert later.citations[0].article_id == "en-nvidia-h20-resumes"
    cited = [c.article_id for c in later.citations]
    if "en-nvidia-h20-export-curbs" in cited:  # the early report may follow, never lead
        assert cited.index("en-nvidia-h20-export-curbs") > 0


def test_comparison_questions_cite_each_side(sample_desk: Desk) -> None:
    answer = sample_desk.ask("What did Taiwan and Texas each do about DeepSeek?")
    cited = {c.article_id for c in answer.citations}
    assert {"en-taiwan-deepseek-ban", "en-texas-deepseek-ban"} <= cited
