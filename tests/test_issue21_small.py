"""Issue 21, the smaller points: what `ingest` says of a FIFO, a device or a record whose
text is not a string; what `ask -` echoes and where its lines end; entity bombs that hid
from the feed pre-check behind a long comment or in UTF-16."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from test_feeds import BILLION_LAUGHS

from bot.desk import Desk
from corpus.catalogue import Catalogue
from corpus.errors import LoadError
from corpus.ingest import ingest_paths
from corpus.sources.feed import parse_feed

NEWSDESK = str(Path(sys.executable).parent / "newsdesk")


def _errors(tmp_path: Path, *paths: Path) -> list[str]:
    report = ingest_paths(Catalogue(tmp_path / "catalogue.sqlite3"), list(paths), 1 << 20)
    return report.errors


def test_a_fifo_or_a_device_is_not_a_regular_file(tmp_path: Path) -> None:
    fifo = tmp_path / "news.jsonl"
    os.mkfifo(fifo)
    missing = tmp_path / "gone.jsonl"
    errors = _errors(tmp_path, fifo, Path("/dev/zero"), missing)
    assert len(errors) == 3
    assert "not a regular file" in errors[0] and "news.jsonl" in errors[0]
    assert "not a regular file" in errors[1] and "/dev/zero" in errors[1]
    assert "no such file or folder" in errors[2]


def test_a_text_that_is_not_a_string_is_named_so(tmp_path: Path) -> None:
    records = tmp_path / "odd.jsonl"
    records.write_text('{"id": "a", "title": "A", "text": 5}\n{"id": "b", "title": "B"}\n')
    errors = _errors(tmp_path, records)
    assert len(errors) == 2
    assert "'text' must be a string" in errors[0] and "a number" in errors[0]
    assert "no 'text'" in errors[1]


def test_ask_lines_end_at_newline_only_and_long_questions_are_not_echoed_whole(
        sample_desk: Desk) -> None:
    lines = [
        "who founded DeepSeek?\rwhat did Korea do\x85about DeepSeek\u2028really",
        "a" * 5_000_000,
        json.dumps({"question": "what did Korea\u2028do", "bogus": 1}, ensure_ascii=False),
        "what did Korea do about DeepSeek\r",  # a CRLF line
    ]
    stdin = "\n".join(lines).encode("utf-8") + b"\n"
    done = subprocess.run([NEWSDESK, "ask", "--json", "-"], input=stdin, capture_output=True,
                          timeout=600,
                          env={**os.environ, "NEWSDESK_HOME": str(sample_desk.settings.home)})
    out = done.stdout.decode("utf-8")
    assert len(out.splitlines()) == len(lines), out[:2000]  # any line reader sees 4 lines
    first, long, record, crlf = (json.loads(line) for line in out.splitlines())
    assert "error" not in first and first["question"].startswith("who founded DeepSeek?")
    assert long["error"] and len(long["question"]) == 201 and long["question"].endswith("…")
    assert len(out) < 10_000
    assert record["error"] and "bogus" in record["error"]
    assert crlf["question"] == "what did Korea do about DeepSeek"


def test_an_entity_bomb_behind_a_long_comment_is_refused() -> None:
    padded = BILLION_LAUGHS.replace(b"?>\n", b"?>\n<!--" + b" " * 70_000 + b"-->\n", 1)
    assert padded != BILLION_LAUGHS
    with pytest.raises(LoadError, match="declares XML entities"):
        parse_feed(padded, "http://127.0.0.1/padded.xml")


@pytest.mark.parametrize("encoding", ["utf-16", "utf-16-be", "utf-32"])
def test_an_entity_bomb_in_utf16_or_utf32_is_refused(encoding: str) -> None:
    text = BILLION_LAUGHS.decode().replace('version="1.0"?>',
                                           f'version="1.0" encoding="{encoding}"?>')
    body = text.encode(encoding)
    with pytest.raises(LoadError, match="declares XML entities"):
        parse_feed(body, "http://127.0.0.1/wide.xml")
