"""Issue 20: stories group the articles that report one event, across outlets and languages,
and `newsdesk digest` lists them. Grouping quality runs on the real model over the bundled
corpus, whose stories are labelled in eval/story_labels.json."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from datetime import date, datetime, timedelta
from pathlib import Path

import pytest

from bot.desk import SAMPLE_DIR, Desk
from bot.stories import Story
from corpus.catalogue import WebMeta
from corpus.models import Article
from index.filters import FilterError, parse_since

NEWSDESK = str(Path(sys.executable).parent / "newsdesk")
LABELS = json.loads((Path(__file__).resolve().parent.parent / "eval" / "story_labels.json")
                    .read_text("utf-8"))
KOREA = ["ko-budam-deepseek-chadan", "fr-coree-deepseek-telechargements",
         "en-korea-deepseek-returns"]
BANS = ["en-taiwan-deepseek-ban", "en-texas-deepseek-ban", "en-australia-deepseek-ban"]


def story_of(stories: list[Story]) -> dict[str, str]:
    return {a.article_id: s.key for s in stories for a in s.articles}


@pytest.fixture(scope="module")
def sample_stories(sample_desk: Desk) -> list[Story]:
    return sample_desk.stories()


def test_the_korean_three_and_the_three_bans_are_six_stories(
        sample_stories: list[Story]) -> None:
    where = story_of(sample_stories)
    assert len({where[a] for a in KOREA}) == 3
    assert len({where[a] for a in BANS}) == 3
    for negatives in LABELS["hard_negatives"]:  # Altman fired and back, two Nobels, …
        assert len({where[a] for a in negatives}) == len(negatives), negatives


def test_two_language_reports_of_one_event_are_one_story_and_nothing_else_is(
        sample_stories: list[Story]) -> None:
    grouped = sorted(sorted(a.article_id for a in s.articles) for s in sample_stories
                     if len(s.articles) > 1)
    assert grouped == sorted(sorted(ids) for ids in LABELS["stories"])
    exaone = next(s for s in sample_stories if any(a.article_id == "en-lg-exaone-3-5"
                                                   for a in s.articles))
    assert exaone.languages == ["en", "ko"] and len(exaone.outlets) == 2
    assert exaone.key == "ko-lg-exaone-3-5"  # the earliest (9 December), Korean
    assert exaone.newest == date(2024, 12, 10)
    qwen = next(s for s in sample_stories if s.key == "en-alibaba-qwen-max")
    assert [a.article_id for a in qwen.articles] == ["en-alibaba-qwen-max",
                                                     "zh-alibaba-qwen-max"]


def test_most_covered_first_and_the_headline_in_the_asked_language(
        sample_desk: Desk, sample_stories: list[Story]) -> None:
    first = sample_stories[0]
    assert first.key == "en-google-gemini-2" and first.outlets == [
        "El Mirador Tecnológico", "Le Fil Tech", "Northbridge Tech Review"]
    assert first.headline.startswith("Google makes Gemini 2.0 Flash")  # the earliest's
    sizes = [len(s.outlets) for s in sample_stories]
    assert sizes == sorted(sizes, reverse=True)
    french = sample_desk.stories(headline_language="fr")
    gemini = next(s for s in french if s.key == "en-google-gemini-2")
    assert gemini.headline.startswith("Google ouvre Gemini 2.0 Flash")
    assert gemini.sentence is not None and gemini.sentence.article_id == "fr-google-gemini-2"
    spanish = next(s for s in sample_desk.stories(language="es")
                   if s.key == "en-google-gemini-2")
    assert spanish.headline.startswith("Google abre Gemini 2.0 Flash")


def test_a_near_copy_joins_the_story_of_the_article_it_copies(desk: Desk) -> None:
    """A feed's copy is linked to the kept article (MinHash) and never indexed; the story
    lists it beside the article."""
    assert not desk.ingest([SAMPLE_DIR]).errors
    texas = desk.article("en-texas-deepseek-ban")
    copy = Article(id="wire-texas-copy", title="Texas bans DeepSeek on state devices",
                   outlet="Gulf Coast Wire", url="https://example.org/wire/texas",
                   published=date(2025, 1, 30), language="en",
                   text=texas.text + "\n\nReporting by the Gulf Coast Wire desk.")
    kept = desk.catalogue.find_duplicate(copy)
    assert kept == "en-texas-deepseek-ban"
    desk.catalogue.upsert(copy, source_id=None, web=WebMeta(duplicate_of=kept))
    desk.reindex()
    assert "wire-texas-copy" not in desk.index_version().articles
    story = next(s for s in desk.stories(since=date(2025, 1, 28))
                 if s.key == "en-texas-deepseek-ban")
    assert [a.article_id for a in story.articles] == ["en-texas-deepseek-ban",
                                                      "wire-texas-copy"]
    assert story.outlets == ["Gulf Coast Wire", "The Policy Wire"]
    assert story.newest == date(2025, 1, 30)


def digest(home: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "NEWSDESK_HOME": str(home)}
    return subprocess.run([NEWSDESK, "digest", *args], capture_output=True, text=True,
                          env=env, timeout=600)


def test_digest_json_is_one_story_per_line_with_a_verbatim_linked_sentence(
        sample_desk: Desk) -> None:
    done = digest(sample_desk.settings.home, "--since", "2025-01-28", "--json")
    assert done.returncode == 0, done.stderr
    rows = [json.loads(line) for line in done.stdout.splitlines()]
    assert len(rows) >= 10
    for row in rows:
        assert {"key", "headline", "sentence", "articles", "outlets", "languages",
                "newest"} <= set(row)
        sentence = row["sentence"]
        text = sample_desk.article(sentence["article_id"]).text
        assert text[sentence["start"]:sentence["end"]] == sentence["text"] != ""
        assert sentence["article_id"] in {a["article_id"] for a in row["articles"]}
        for article in row["articles"]:
            assert set(article) == {"article_id", "title", "outlet", "language", "url",
                                    "published"}
        assert max(a["published"] for a in row["articles"]) == row["newest"] >= "2025-01-28"
    gemini = next(r for r in rows if r["key"] == "en-google-gemini-2")
    assert gemini == rows[0] and gemini["languages"] == ["en", "es", "fr"]
    paris = next(r for r in rows if r["key"] == "fr-sommet-ia-paris")  # not its lead, which
    assert paris["sentence"]["text"].startswith(  # only sets the scene ("… sur une fracture")
        "Réunis depuis lundi au Grand Palais") and "refusé" in paris["sentence"]["text"]


def test_digest_filters_by_since_language_and_outlet(sample_desk: Desk) -> None:
    home = sample_desk.settings.home
    since = [json.loads(x) for x in digest(home, "--since", "2025-02-04", "--json")
             .stdout.splitlines()]
    assert since and all(r["newest"] >= "2025-02-04" for r in since)
    assert "en-google-gemini-2" in {r["key"] for r in since}  # 5-6 February
    assert "en-alibaba-qwen-max" not in {r["key"] for r in since}  # 29 January
    german = [json.loads(x) for x in digest(home, "--since", "2025-01-01", "--language", "de",
                                            "--json").stdout.splitlines()]
    assert {r["key"] for r in german} == {"de-ai-act-verbote", "de-berlin-deepseek-appstores",
                                          "en-meta-llama-4"}
    for row in german:
        assert row["headline"] in {a["title"] for a in row["articles"] if a["language"] == "de"}
    fil = [json.loads(x) for x in digest(home, "--since", "2025-01-01", "--outlet",
                                         "le fil tech", "--json").stdout.splitlines()]
    assert {r["key"] for r in fil} == {"fr-mistral-le-chat-mobile", "en-google-gemini-2"}
    gemini = next(r for r in fil if r["key"] == "en-google-gemini-2")
    assert len(gemini["articles"]) == 3  # the whole story, not only Le Fil Tech's article
    unknown = digest(home, "--outlet", "The Daily Nothing")
    assert unknown.returncode == 1 and "no outlet called 'The Daily Nothing'" in unknown.stderr


def test_digest_of_an_old_archive_shows_its_last_week_and_says_so(sample_desk: Desk) -> None:
    done = digest(sample_desk.settings.home)
    assert done.returncode == 0, done.stderr
    assert "nothing was published in the last 7 days; the newest article is from " \
        "2026-01-23" in done.stderr
    assert done.stdout.startswith("1. 한국 AI 기본법 22일 시행")
    empty = digest(sample_desk.settings.home, "--since", "1d")
    assert empty.returncode == 0 and empty.stdout == ""
    assert "no stories since" in empty.stderr and "newest article is from 2026-01-23" in \
        empty.stderr
    markdown = digest(sample_desk.settings.home, "--since", "2025-04-16", "--markdown")
    assert "### Nvidia expects $5.5 billion charge" in markdown.stdout
    assert "— [Capital Markets Dispatch](<https://example.org/en/2025/04/" in markdown.stdout


@pytest.mark.parametrize("value", ["soon", "7x", "2025-13-01", ""])
def test_a_bad_since_is_one_line_and_exit_2(sample_desk: Desk, value: str) -> None:
    done = digest(sample_desk.settings.home, "--since", value)
    assert done.returncode == 2 and done.stdout == ""
    assert len(done.stderr.strip().splitlines()) == 1 and "Traceback" not in done.stderr
    assert done.stderr.startswith("error: cannot read the date")


def test_since_reads_hours_days_weeks_and_days_of_the_calendar() -> None:
    today = date(2025, 2, 10)
    assert parse_since("2w", today) == date(2025, 1, 27)
    assert parse_since("1d", today) == date(2025, 2, 9)
    assert parse_since("2025-02-01", today) == date(2025, 2, 1)
    hours_ago = (datetime.combine(today, datetime.now().time()) - timedelta(hours=12)).date()
    assert parse_since("12h", today) == hours_ago  # today, or yesterday before noon
    assert parse_since("48h", today) == date(2025, 2, 8)
    with pytest.raises(FilterError):
        parse_since("12 hours")
