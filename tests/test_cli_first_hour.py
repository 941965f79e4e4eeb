"""Issue 19, the command line as a new user meets it: real processes, real data homes."""

from __future__ import annotations

import json
import os
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
