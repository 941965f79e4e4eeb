"""A damaged data home: answers go on from the index, and `newsdesk doctor` repairs it."""

from __future__ import annotations

import json
import os
import sqlite3
import subprocess
import sys
from pathlib import Path

from bot.desk import Desk
from corpus.catalogue import Catalogue
from corpus.repair import quick_check

NEWSDESK = str(Path(sys.executable).parent / "newsdesk")


def newsdesk(*args: str, home: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run([NEWSDESK, *args], capture_output=True, text=True, timeout=600,
                          env={**os.environ, "NEWSDESK_HOME": str(home)})


def test_a_damaged_catalogue_still_answers_and_doctor_rebuilds_it(news_desk: Desk) -> None:
    """Point 8: every page after the first overwritten; the index answers, doctor repairs."""
    home, path = news_desk.settings.home, news_desk.settings.catalogue_path
    stored = {a.id: a.text for a in news_desk.catalogue.articles()}
    with sqlite3.connect(path) as db:
        db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    data = path.read_bytes()
    path.write_bytes(data[:4096] + bytes(b ^ 0x5A for b in data[4096:]))
    assert quick_check(path) is not None

    asked = newsdesk("ask", "--json", "what did Taiwan do about DeepSeek?", home=home)
    assert asked.returncode == 0, asked.stderr
    assert json.loads(asked.stdout)["citations"][0]["article_id"] == "tw-deepseek"
    [warning] = [line for line in asked.stderr.splitlines() if "catalogue" in line]
    assert "damaged" in warning and "newsdesk doctor" in warning and "move" not in warning

    doctor = newsdesk("doctor", home=home)
    assert doctor.returncode == 0, doctor.stdout + doctor.stderr
    lines = {line.split()[0]: line for line in doctor.stdout.splitlines()}
    assert set(lines) == {"catalogue", "registry", "index", "pointer", "leftovers", "model"}
    assert lines["catalogue"].split()[1] == "repaired"
    assert all(line.split()[1] == "ok" for part, line in lines.items() if part != "catalogue")
    assert quick_check(path) is None
    assert {a.id: a.text for a in Catalogue(path).articles()} == stored
    assert len(list(home.glob("catalogue.sqlite3.damaged-*[0-9]"))) == 1  # kept, not deleted

    again = newsdesk("doctor", "--dry-run", home=home)
    assert again.returncode == 0 and "repaired" not in again.stdout and "problem" not in \
        again.stdout
    stats = newsdesk("stats", "--json", home=home)
    assert json.loads(stats.stdout)["articles"] == len(stored)
