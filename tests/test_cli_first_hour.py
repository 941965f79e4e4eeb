"""Issue 19, the command line as a new user meets it: real processes, real data homes."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import make_settings

from bot.desk import SAMPLE_DIR, Desk
from index.embedder import Embedder

NEWSDESK = str(Path(sys.executable).parent / "newsdesk")


def _env(home: Path) -> dict[str, str]:
    return {**os.environ, "NEWSDESK_HOME": str(home)}


def test_a_closed_stdout_ends_every_command_quietly(news_desk: Desk) -> None:
    """`… | head -1`: the reader closes the pipe after one line; no traceback, exit 0 or
    141, for the streaming `ask -` and for commands whose output is flushed at exit."""
    home = news_desk.settings.home
    asking = subprocess.Popen([NEWSDESK, "ask", "--json", "-"], stdin=subprocess.PIPE,
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=_env(home))
    assert asking.stdin is not None and asking.stdout is not None
    asking.stdin.write(b"what did Taiwan do about DeepSeek?\n" * 3)
    asking.stdin.close()
    first = json.loads(asking.stdout.readline())
    asking.stdout.close()  # as `head -1` does after its line
    err = asking.stderr.read().decode() if asking.stderr else ""
    assert asking.wait(timeout=600) in (0, 141) and "Traceback" not in err, err
    assert first["citations"][0]["article_id"] == "tw-deepseek"
    for command in (["stats"], ["sources", "list"], ["article", "tw-deepseek"], ["--help"],
                    ["audit", "--unanswered"]):
        read, write = os.pipe()
        os.close(read)  # closed before the command writes anything at all
        done = subprocess.run([NEWSDESK, *command], stdout=write, stderr=subprocess.PIPE,
                              env=_env(home), timeout=600)
        os.close(write)
        err = done.stderr.decode()
        assert done.returncode in (0, 141) and "Traceback" not in err and \
            "BrokenPipe" not in err, (command, err)


def _run(*args: str, home: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run([NEWSDESK, *args], capture_output=True, text=True, env=_env(home),
                          timeout=600)


def test_removing_a_source_keeps_what_a_hand_ingest_or_another_source_holds(
        news_desk: Desk, tmp_path: Path) -> None:
    """A hand `ingest` is a listing of its own; a folder whose articles are all unchanged
    asks for no `index`; after the removal `stats` and `ask` say removals as removals,
    count what is served, and name articles by title, not by internal id."""
    home = news_desk.settings.home
    news = news_desk.settings.sources_root / "news"
    by_hand = _run("ingest", str(news / "tw-deepseek.md"), home=home)
    assert by_hand.returncode == 0 and "unchanged 1" in by_hand.stdout, by_hand.stderr
    mirror = tmp_path / "mirror"
    mirror.mkdir()
    for path in news.iterdir():
        (mirror / path.name).write_bytes(path.read_bytes())
    added = _run("sources", "add", str(mirror), home=home)
    assert added.returncode == 0 and "unchanged 4" in added.stdout, added.stderr
    assert "index" not in added.stdout.split(":", 1)[1]  # nothing waits: nothing to run
    listed = _run("sources", "list", home=home).stdout
    assert "1 articles added by hand" in listed, listed

    gone = _run("sources", "remove", str(mirror), home=home)
    assert "its articles stay" in gone.stdout and news_desk.catalogue.count() == 4
    gone = _run("sources", "remove", str(news), home=home)
    assert "and its 3 articles no other source lists" in gone.stdout, gone.stdout
    assert news_desk.catalogue.get("tw-deepseek") is not None  # the hand ingest holds it

    stats = _run("stats", home=home)
    assert "3 removed articles still sit in the index (never quoted) until the next " \
        "`newsdesk index`" in stats.stdout and "wait" not in stats.stdout, stats.stdout
    asked = _run("ask", "--json", "who won the 2023 physics Nobel prize?", home=home)
    answer = json.loads(asked.stdout)
    assert answer["abstained"] and answer["searched"]["articles"] == 1, answer["searched"]
    assert "3 removed articles still sit in the index" in asked.stderr
    assert "wait" not in asked.stderr, asked.stderr
    kept = _run("ask", "--json", "what did the EU Parliament vote on the AI Act?", home=home)
    assert "“Der AI Act tritt in Kraft”" in kept.stderr, kept.stderr
    assert not re.search(r"\b(eu-aiact|[a-z]-[0-9a-f]{10,})\b", kept.stderr), kept.stderr


@pytest.fixture
def sample_home(tmp_path: Path, embedder: Embedder) -> Path:
    """The bundled sample in a data home of this test's own (its vectors come from the
    session's embedding cache)."""
    desk = Desk(make_settings(tmp_path / "home"), embedder=embedder)
    desk.ingest([SAMPLE_DIR])
    desk.reindex()
    return desk.settings.home


def _cited(stdout: str) -> list[list[str]]:
    return [[c["article_id"] for c in json.loads(line)["citations"]]
            for line in stdout.splitlines()]


def test_a_follow_up_is_read_with_the_earlier_questions_in_chat_ask_and_json_lines(
        sample_home: Path) -> None:
    """As a Discord thread reads it: "and what did Germany do?" after "why did Italy block
    DeepSeek?" is about DeepSeek; alone it names nothing the news answers."""
    italy, germany = "why did Italy block DeepSeek?", "and what did Germany do?"
    alone = _run("ask", "--json", germany, home=sample_home)
    assert _cited(alone.stdout) == [[]], alone.stderr  # the check below means something
    given = _run("ask", "--json", "--context", italy, germany, home=sample_home)
    assert _cited(given.stdout) == [["de-berlin-deepseek-appstores"]], given.stderr
    lines = "\n".join([json.dumps({"question": germany, "context": [italy]}),
                       json.dumps({"question": germany}), json.dumps(
                           {"question": germany, "context": "not a list"})])
    batch = subprocess.run([NEWSDESK, "ask", "--json", "-"], input=lines, capture_output=True,
                           text=True, env=_env(sample_home), timeout=600)
    first, second, third = batch.stdout.splitlines()
    assert _cited(first) == [["de-berlin-deepseek-appstores"]] and _cited(second) == [[]]
    assert "context" in json.loads(third)["error"] and batch.returncode == 1

    chat = subprocess.run([NEWSDESK, "chat"], input=f"{italy}\n{germany}\n/new\n{germany}\n",
                          capture_output=True, text=True, env=_env(sample_home), timeout=600)
    assert chat.returncode == 0, chat.stderr
    # the follow-up answered from Germany's article; after /new it names nothing again
    sources = [line for line in chat.stdout.splitlines() if line.startswith("[1] ")]
    assert len(sources) == 2 and "Berliner Netzkurier" in sources[1], chat.stdout


def test_cli_questions_are_recorded_for_the_audit_unless_asked_not_to(
        sample_home: Path) -> None:
    asked = _run("ask", "how do I bake sourdough bread?", home=sample_home)
    assert asked.returncode == 0, asked.stderr
    _run("ask", "--no-record", "what is a quokka?", home=sample_home)
    chat = subprocess.run([NEWSDESK, "chat", "--no-record"], input="what is a quokka?\n",
                          capture_output=True, text=True, env=_env(sample_home), timeout=600)
    assert chat.returncode == 0, chat.stderr
    audit = _run("audit", "--unanswered", "--face", "cli", home=sample_home)
    assert audit.stdout.strip() == "1×  how do I bake sourdough bread?  (1 declined, 0 👎)", \
        audit.stdout
    assert "sourdough" in _run("audit", "--unanswered", home=sample_home).stdout
    discord = _run("audit", "--unanswered", "--face", "discord", home=sample_home)
    assert "sourdough" not in discord.stdout and discord.returncode == 0


def test_pictures_installs_nothing_unless_asked(tmp_path: Path) -> None:
    """scripts/pictures without Chromium says what it would install and stops, before
    anything else runs (a PATH without chromium, apt-get or the setup's tools)."""
    script = Path(__file__).resolve().parent.parent / "scripts" / "pictures"
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    called = tmp_path / "apt-get-called"
    (bin_dir / "apt-get").write_text(f"#!/bin/sh\ntouch {called}\n")
    (bin_dir / "apt-get").chmod(0o755)
    for tool in ("dirname", "id"):
        (bin_dir / tool).symlink_to(subprocess.run(["sh", "-c", f"command -v {tool}"],
                                                   capture_output=True, text=True
                                                   ).stdout.strip())
    done = subprocess.run(["/bin/bash", str(script)], capture_output=True, text=True,
                          env={"PATH": str(bin_dir), "HOME": str(tmp_path)}, timeout=60)
    assert done.returncode == 1 and not called.exists(), done.stderr
    assert "apt-get install chromium" in done.stderr and "--install" in done.stderr
