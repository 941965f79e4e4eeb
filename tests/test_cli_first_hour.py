"""Issue 19, the command line as a new user meets it: real processes, real data homes."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path

from bot.desk import Desk

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
