"""The `newsdesk` command end to end, as a user runs it: real processes, a fresh data home."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from discord_fixtures import write_articles

from bot.desk import Desk
from corpus.registry import SourceError

NEWSDESK = str(Path(sys.executable).parent / "newsdesk")


def run(*args: str, stdin: str | None = None, home: Path) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "NEWSDESK_HOME": str(home)}
    return subprocess.run([NEWSDESK, *args], input=stdin, capture_output=True, text=True,
                          env=env, timeout=600)


def test_first_ask_loads_the_sample_and_answers_in_json(tmp_path: Path) -> None:
    home = tmp_path / "home"
    first = run("ask", "--json", "what did Korea do about DeepSeek", home=home)
    assert first.returncode == 0, first.stderr
    assert "bundled sample corpus" in first.stderr  # it says so, on stderr
    assert re.search(r"about \d+ s the first time", first.stderr)  # and how long (issue 19)
    answer = json.loads(first.stdout)  # stdout is only the JSON
    assert answer["question"] == "what did Korea do about DeepSeek"
    assert answer["abstained"] is False
    cite = answer["citations"][0]
    assert cite["article_id"] == "fr-coree-deepseek-telechargements"
    assert set(cite) >= {"n", "article_id", "title", "outlet", "url", "published", "language",
                         "excerpt", "start", "end"}

    shown = run("article", "--json", cite["article_id"], home=home)
    assert shown.returncode == 0, shown.stderr
    article = json.loads(shown.stdout)
    for c in answer["citations"]:
        text = article["text"] if c["article_id"] == article["id"] else json.loads(
            run("article", "--json", c["article_id"], home=home).stdout)["text"]
        assert text[c["start"]:c["end"]] == c["excerpt"]

    batch = run("ask", "--json", "-", home=home,
                stdin="who founded DeepSeek?\n\nhow do I bake sourdough bread?\n   \n")
    assert batch.returncode == 0, batch.stderr
    lines = [json.loads(line) for line in batch.stdout.splitlines()]
    assert [x["question"] for x in lines] == ["who founded DeepSeek?",
                                              "how do I bake sourdough bread?"]
    assert lines[0]["abstained"] is False and lines[1]["abstained"] is True
    assert lines[1]["citations"] == []
    assert "sample corpus" not in batch.stderr  # the second run reuses what is there

    stats = run("stats", "--json", home=home)
    figures = json.loads(stats.stdout)
    assert figures["articles"] >= 40 and figures["indexed_passages"] > figures["articles"]

    plain = run("ask", "what did Korea do about DeepSeek", home=home)
    assert plain.returncode == 0 and "[1]" in plain.stdout and "https://example.org/" in \
        plain.stdout


def test_ingest_and_errors_are_one_line_and_exit_non_zero(tmp_path: Path) -> None:
    home = tmp_path / "home"
    folder = tmp_path / "news"
    folder.mkdir()
    (folder / "ok.md").write_text("---\nid: x1\ntitle: Samsung Gauss\nlanguage: en\n---\n"
                                  "Samsung unveiled its generative model Gauss in November.",
                                  "utf-8")
    (folder / "bad.txt").write_bytes(b"\xff\xfe\x00\x00garbage" * 10 + bytes(range(256)))
    out = run("ingest", str(folder), home=home)
    assert out.returncode == 0 and "added 1" in out.stdout and "errors 1" in out.stdout
    assert "bad.txt" in out.stderr
    missing = run("article", "nope", home=home)
    assert missing.returncode == 1
    assert missing.stderr.strip() == "error: no article with id 'nope'"
    empty = run("ask", "   ", home=home)
    assert empty.returncode == 1 and "empty" in empty.stderr and "Traceback" not in empty.stderr


def test_a_question_that_is_not_utf8_is_its_own_error_line(news_desk: Desk) -> None:
    """Point 7: bad bytes on stdin or in the argument: that question's error, the rest answered."""
    env = {**os.environ, "NEWSDESK_HOME": str(news_desk.settings.home)}
    stdin = (b"what did Taiwan do about DeepSeek?\n\xff\xfe what did \xc3 Korea do?\n"
             b"when did the AI Act enter into force?\n")
    batch = subprocess.run([NEWSDESK, "ask", "--json", "-"], input=stdin, capture_output=True,
                           env=env, timeout=600)
    lines = [json.loads(line) for line in batch.stdout.decode("utf-8").splitlines()]
    assert len(lines) == 3, batch.stderr.decode("utf-8", "replace")
    assert lines[0]["citations"][0]["article_id"] == "tw-deepseek"
    assert "UTF-8" in lines[1]["error"] and "what did" in lines[1]["question"]
    assert lines[2]["citations"][0]["article_id"] == "eu-aiact"
    assert batch.returncode == 1 and b"Traceback" not in batch.stderr

    single = subprocess.run([NEWSDESK, b"ask", b"what did Korea do about \xff DeepSeek?"],
                            capture_output=True, env=env, timeout=600)
    assert single.returncode == 1 and single.stdout == b""
    [line] = single.stderr.decode("utf-8").strip().splitlines()
    assert line.startswith("error:") and "UTF-8" in line


def test_logs_that_are_not_a_terminal_keep_one_message_per_line(tmp_path: Path) -> None:
    """Point 13: no wrapping at 80 columns and no progress frames when stderr is a file."""
    home, folder = tmp_path / "home", tmp_path / "news"
    folder.mkdir()
    name = "a-file-whose-name-alone-is-longer-than-the-eighty-columns-rich-assumes-[red]"
    (folder / f"{name}.md").write_text("", "utf-8")
    (folder / "ok.md").write_text("---\nid: x1\ntitle: Samsung Gauss\nlanguage: en\n---\n"
                                  "Samsung unveiled its generative model Gauss in November.",
                                  "utf-8")
    out = run("ingest", str(folder), home=home)
    assert out.returncode == 0 and "added 1" in out.stdout
    [skipped] = out.stderr.splitlines()
    assert skipped == f"skipped {folder / name}.md: the file is empty"
    aid = "an-id-that-makes-this-error-message-longer-than-eighty-columns-" * 2
    missing = run("article", aid, home=home)
    assert missing.stderr == f"error: no article with id '{aid}'\n"
    # the model's log line names a long path, and one encoder thread: what behaves on a busy
    # 2-core machine (benchmarks/bench_threads.py)
    model = run("model", home=home)
    [line] = model.stderr.splitlines()
    assert line.startswith("INFO") and line.endswith(", 1 thread"), line


def test_fetch_indexes_whatever_waits_and_ask_and_stats_say_so(news_desk: Desk,
                                                               tmp_path: Path) -> None:
    """Issue 11: articles in the catalogue but not in the index are counted, named by
    `ask` (one line) and `stats`, and indexed by the next `fetch` even when it fetched
    nothing new."""
    home = news_desk.settings.home
    assert news_desk.pending() == 0
    extra = tmp_path / "extra"
    write_articles(extra, {"sg-gauss": (
        "en", "Samsung unveils Gauss", "2023-11-08",
        "Samsung Electronics unveiled its generative AI model Samsung Gauss at its AI Forum "
        "in Seoul, saying it would run on the Galaxy S24 phones.")})
    assert run("ingest", str(extra), home=home).returncode == 0  # the catalogue only
    assert news_desk.pending() == 1 and news_desk.stats().pending == 1
    assert "1 article waits to be indexed" in run("stats", home=home).stdout

    asked = run("ask", "--json", "what did Taiwan do about DeepSeek?", home=home)
    assert asked.returncode == 0, asked.stderr
    [line] = [x for x in asked.stderr.splitlines() if "wait" in x]
    assert "1 article waits to be indexed" in line and "newsdesk index" in line

    fetched = run("fetch", home=home)  # the folder source is unchanged: nothing fetched
    assert fetched.returncode == 0, fetched.stderr
    assert re.search(r"^index v-000002: embedded \d+ passages of 1 articles", fetched.stdout,
                     re.M), fetched.stdout
    assert news_desk.pending() == 0
    gauss = run("ask", "--json", "What AI model did Samsung unveil in Seoul?", home=home)
    assert json.loads(gauss.stdout)["citations"][0]["article_id"] == "sg-gauss"
    assert "wait" not in gauss.stderr

    # a changed and a vanished file wait too: the index still holds their old state
    folder = news_desk.settings.sources_root / "news"
    taiwan = folder / "tw-deepseek.md"
    taiwan.write_text(taiwan.read_text("utf-8") + "\nThe ban took effect at once.\n", "utf-8")
    (folder / "everyone.md").unlink()
    news_desk.refresh_folders()
    assert news_desk.pending() == 2
    news_desk.reindex()
    assert news_desk.pending() == 0


def test_a_source_is_found_by_its_id_or_its_location(news_desk: Desk) -> None:
    """Issue 11: `sources remove` (and `/sources remove`) take either; a miss says where
    to look."""
    [source] = news_desk.sources()
    root = news_desk.settings.sources_root
    assert news_desk.source(source.id) == source
    assert news_desk.source(f" {source.location} ") == source
    assert news_desk.source(str(root / "news" / ".." / "news")) == source  # any path to it
    assert news_desk.source("news", within=root) == source  # as Discord names folders
    for miss in ("news", "f-0123456789", "", "https://example.org/feed.xml"):
        with pytest.raises(SourceError, match=r"no source has the id or location .*"
                                              r"`sources list` shows them"):
            news_desk.source(miss)
    assert news_desk.source_choices("NEW") == [source]
    assert news_desk.source_choices(source.id[:4]) == [source]
    assert news_desk.source_choices("feed") == []

    removed, count = news_desk.remove_source("news", within=root)
    assert (removed, count) == (source, 4)
    assert news_desk.sources() == [] and news_desk.catalogue.count() == 0


def test_corpus_index_and_bot_log_under_one_newsdesk_logger() -> None:
    """Issue 12: one logger tree, so the `newsdesk` logger's level (what `-v` sets) is the
    one setting for every layer."""
    import importlib
    import logging
    import pkgutil

    for package in ("corpus", "index", "bot"):
        root = importlib.import_module(package)
        for module in pkgutil.walk_packages(root.__path__, package + "."):
            importlib.import_module(module.name)
    names = [n for n in logging.Logger.manager.loggerDict if n.split(".")[0] in
             ("corpus", "index", "bot")]
    assert names == []
    ours = [n for n in logging.Logger.manager.loggerDict if n.startswith("newsdesk.")]
    assert {n.split(".")[1] for n in ours} == {"corpus", "index", "bot"}
