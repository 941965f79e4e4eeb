"""Issue 21, point 4: bytes of a segment's articles.jsonl flipped with its size and time
restored (what a stamp of sizes and times cannot see). `doctor` hashes every segment in
full and rebuilds the served version; an `index` after an answer that met the damage
rebuilds too; the warning names the command that repairs."""

from __future__ import annotations

import json
import logging
import os
from pathlib import Path

import pytest
from conftest import make_settings
from fakes import FakeEmbedder

from bot.desk import Desk
from bot.doctor import examine

TOPICS = ["solar farms", "chip exports", "river floods", "rail strikes", "wheat prices",
          "drone rules"]


def _desk(home: Path, models: Path) -> Desk:
    settings = make_settings(home).model_copy(update={"model_cache": models})
    return Desk(settings, embedder=FakeEmbedder())


@pytest.fixture
def rotten(tmp_path: Path, fake_models: Path) -> tuple[Desk, str]:
    """An indexed home whose first article's stored text has 8 bytes flipped, the file's
    size and modification time as they were; returns the desk and that article's id."""
    desk = _desk(tmp_path / "home", fake_models)
    records = [{"id": f"story-{i}", "title": topic.title(), "outlet": "Wire", "language": "en",
                "url": f"https://example.org/{i}", "published": "2025-03-01",
                "text": f"Officials discussed {topic} on Monday. The plan for {topic} was "
                        f"approved by the council after a long debate about {topic}."}
               for i, topic in enumerate(TOPICS)]
    (tmp_path / "news.jsonl").write_text("\n".join(json.dumps(r) for r in records) + "\n")
    desk.ingest([tmp_path / "news.jsonl"])
    desk.reindex()
    desk.index_version().texts(desk.index_version().article_ids)  # stamps every segment
    [segment] = desk.index_version().segments
    path = desk.store.root / segment.name / "articles.jsonl"
    before = path.stat()
    data = bytearray(path.read_bytes())
    at = data.index(b"Officials discussed") + len(b"Officials ")
    for i in range(8):
        data[at + i] = ord("x") if data[at + i] != ord("x") else ord("y")
    path.write_bytes(bytes(data))
    os.utime(path, ns=(before.st_atime_ns, before.st_mtime_ns))
    assert path.stat().st_size == before.st_size
    return desk, records[0]["id"]


def _served_whole(desk: Desk, home: Path, models: Path) -> bool:
    fresh = _desk(home, models)
    version = fresh.index_version()
    return len(version.texts(version.article_ids)) == len(TOPICS)


def test_doctor_rehashes_in_full_and_rebuilds_the_damaged_segment(
        rotten: tuple[Desk, str], fake_models: Path) -> None:
    desk, _ = rotten
    home = desk.settings.home
    before = desk.store.current_name()

    def rebuild() -> str:
        stats = _desk(home, fake_models).reindex()
        return f"{stats.version} published ({stats.vectors_computed} computed)"

    findings = {f.part: f for f in examine(desk.settings, fix=True, rebuild=rebuild)}
    assert findings["index"].status == "repaired", findings["index"].detail
    assert "does not match its checksum" in findings["index"].detail
    assert "0 computed" in findings["index"].detail  # every vector from the cache
    assert findings["pointer"].status == "ok"
    assert desk.store.current_name() != before
    assert _served_whole(desk, home, fake_models)
    again = {f.part: f for f in examine(desk.settings, fix=True, rebuild=rebuild)}
    assert again["index"].status == "ok" and again["pointer"].status == "ok"


def test_index_rebuilds_a_segment_an_answer_found_damaged(
        rotten: tuple[Desk, str], fake_models: Path,
        caplog: pytest.LogCaptureFixture) -> None:
    desk, damaged = rotten
    home = desk.settings.home
    asking = _desk(home, fake_models)
    with caplog.at_level(logging.WARNING, logger="newsdesk"):
        version = asking.index_version()
        assert damaged not in version.texts(version.article_ids)
    [warning] = [r.getMessage() for r in caplog.records if "does not match its hash" in
                 r.getMessage()]
    assert "`newsdesk index`" in warning
    stats = _desk(home, fake_models).reindex()
    assert stats.changed, "index said up to date over a damaged segment"
    assert _served_whole(desk, home, fake_models)
