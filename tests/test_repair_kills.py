"""Issue 21, point 1: a catalogue rebuild killed at any moment loses nothing, and an index
build never publishes the disappearance of articles no removal asked for.

`newsdesk doctor` runs as a real process and is killed with SIGKILL while it rebuilds a
damaged catalogue of a few hundred articles; the data home is then repaired by a second,
uninterrupted `doctor` and indexed (on the fake embedder: what is checked is which
articles are served, not how well)."""

from __future__ import annotations

import json
import os
import random
import shutil
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest
from conftest import make_settings
from fakes import FakeEmbedder

from bot.desk import Desk
from corpus import repair
from corpus.catalogue import Catalogue
from index.builder import CatalogueLoss

NEWSDESK = str(Path(sys.executable).parent / "newsdesk")
ARTICLES = 400
KILL_AT = (0.15, 0.5, 0.85)  # shares of an uninterrupted rebuild's duration


def _corpus(path: Path, count: int) -> set[str]:
    """`count` articles of distinct random words (no two are near-duplicates)."""
    rng = random.Random(21)
    vocabulary = ["".join(rng.choice("abcdefghijklmnopqrstuvwxyz") for _ in range(7))
                  for _ in range(5000)]
    lines, ids = [], set()
    for i in range(count):
        text = ". ".join(" ".join(rng.choice(vocabulary) for _ in range(12)).capitalize()
                         for _ in range(5)) + "."
        aid = f"story-{i:04d}"
        ids.add(aid)
        lines.append(json.dumps({"id": aid, "title": f"Story {i}", "outlet": "Wire",
                                 "url": f"https://example.org/{i}",
                                 "published": f"2025-01-{1 + i % 28:02d}", "language": "en",
                                 "text": text}))
    path.write_text("\n".join(lines) + "\n", "utf-8")
    return ids


def _fake_desk(home: Path, models: Path) -> Desk:
    settings = make_settings(home).model_copy(update={"model_cache": models})
    return Desk(settings, embedder=FakeEmbedder())


def _damage(path: Path) -> None:
    """Every page after the first overwritten: nearly nothing salvages, the index restores."""
    with sqlite3.connect(path) as db:
        db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    data = path.read_bytes()
    path.write_bytes(data[:4096] + bytes(b ^ 0x5A for b in data[4096:]))
    assert repair.quick_check(path) is not None


@pytest.fixture
def damaged_home(tmp_path: Path, fake_models: Path) -> tuple[Path, set[str]]:
    home = tmp_path / "damaged"
    desk = _fake_desk(home, fake_models)
    ids = _corpus(tmp_path / "news.jsonl", ARTICLES)
    report = desk.ingest([tmp_path / "news.jsonl"])
    assert report.added == ARTICLES, report.errors
    desk.reindex()
    _damage(desk.settings.catalogue_path)
    return home, ids


def _doctor(home: Path) -> subprocess.Popen[str]:
    return subprocess.Popen([NEWSDESK, "doctor"], stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True,
                            env={**os.environ, "NEWSDESK_HOME": str(home)})


def _rebuild_seconds(home: Path, scratch: Path) -> float:
    """How long an uninterrupted rebuild of this damaged home takes, measured in-process
    on a copy: the kills below land at shares of it."""
    copy = scratch / "measure"
    shutil.copytree(home, copy)
    desk = Desk(make_settings(copy), embedder=FakeEmbedder())
    name = desk.store.current_name()
    assert name is not None
    started = time.monotonic()
    repair.rebuild(desk.settings.catalogue_path, desk.store.stored_articles(name))
    return time.monotonic() - started


def _kill_during_rebuild(home: Path, delay: float) -> int | None:
    """Start `doctor`, wait until its rebuild has begun (the damaged file is kept under a
    new name first), then SIGKILL it `delay` seconds later. Its exit code."""
    process = _doctor(home)
    deadline = time.monotonic() + 120
    while not list(home.glob("catalogue.sqlite3.damaged-*")):
        if process.poll() is not None or time.monotonic() > deadline:
            process.kill()
            out, err = process.communicate()
            pytest.fail(f"doctor never started a rebuild: {out}{err}")
        time.sleep(0.002)
    time.sleep(delay)
    process.send_signal(signal.SIGKILL)
    process.communicate()
    return process.returncode


def test_doctor_killed_during_a_catalogue_rebuild_loses_no_article(
        damaged_home: tuple[Path, set[str]], tmp_path: Path, fake_models: Path) -> None:
    home, ids = damaged_home
    seconds = _rebuild_seconds(home, tmp_path)
    landed = 0
    for share in KILL_AT:
        trial = tmp_path / f"trial-{share}"
        shutil.copytree(home, trial)
        code = _kill_during_rebuild(trial, share * seconds)
        landed += code == -signal.SIGKILL
        again = _doctor(trial)  # at once: often within the second the kept file is named by
        out, err = again.communicate(timeout=300)
        assert "Traceback" not in err, err
        catalogue_line = next(line for line in out.splitlines() if line.startswith("catalogue"))
        desk = _fake_desk(trial, fake_models)
        if "repaired" not in catalogue_line:
            # the kill came after the rebuilt file was renamed in (a loaded machine runs the
            # rebuild faster or slower than measured): then it is whole; a half-built file
            # never looks healthy
            assert set(Catalogue(desk.settings.catalogue_path).hashes()) == ids, out + err
        stats = desk.reindex()
        assert stats.articles_removed == 0
        assert set(desk.store.load().articles) == ids, f"lost articles after a kill at {share}"
        assert set(Catalogue(desk.settings.catalogue_path).hashes()) == ids
        assert not list(trial.glob("catalogue.sqlite3.rebuilding-*"))
    assert landed >= 2, f"only {landed} kills landed during a {seconds:.2f} s rebuild"


def test_a_rebuild_in_the_second_a_killed_one_started_keeps_both_files(
        damaged_home: tuple[Path, set[str]], fake_models: Path) -> None:
    """The killed rebuild left its kept file (a hard link of the damaged catalogue) under
    the name this second gives: the next rebuild keeps the damaged file under another."""
    home, ids = damaged_home
    desk = _fake_desk(home, fake_models)
    path = desk.settings.catalogue_path
    stamp = time.strftime("%Y%m%d-%H%M%S")
    for second in (stamp, time.strftime("%Y%m%d-%H%M%S", time.localtime(time.time() + 1))):
        os.link(path, path.with_name(f"{path.name}.damaged-{second}"))
    name = desk.store.current_name()
    assert name is not None
    done = repair.rebuild(path, desk.store.stored_articles(name))
    assert done.kept_as.name.endswith("-2") and done.restored == len(ids)
    assert set(Catalogue(path).hashes()) == ids


def test_index_refuses_to_publish_articles_lost_without_a_removal(
        tmp_path: Path, fake_models: Path) -> None:
    home = tmp_path / "home"
    desk = _fake_desk(home, fake_models)
    ids = _corpus(tmp_path / "news.jsonl", 60)
    desk.ingest([tmp_path / "news.jsonl"])
    first = desk.reindex()
    with sqlite3.connect(desk.settings.catalogue_path) as db:  # what a half-built file holds
        db.execute("DELETE FROM articles WHERE id >= 'story-0030'")
    with pytest.raises(CatalogueLoss) as info:
        desk.reindex()
    assert "newsdesk doctor" in str(info.value) and "\n" not in str(info.value)
    assert desk.store.current_name() == first.version
    assert set(desk.store.load().articles) == ids  # the previous index keeps serving

    cli = subprocess.run([NEWSDESK, "index"], capture_output=True, text=True, timeout=600,
                         env={**os.environ, "NEWSDESK_HOME": str(home)})
    assert cli.returncode != 0 and "newsdesk doctor" in cli.stderr
    assert "Traceback" not in cli.stderr and desk.store.current_name() == first.version


def test_removals_asked_for_are_published(tmp_path: Path, fake_models: Path) -> None:
    home = tmp_path / "home"
    desk = _fake_desk(home, fake_models)
    ids = _corpus(tmp_path / "news.jsonl", 60)
    desk.ingest([tmp_path / "news.jsonl"])
    desk.reindex()
    gone = sorted(ids)[:30]
    assert desk.catalogue.delete(gone) == 30
    stats = desk.reindex()
    assert stats.articles_removed == 30
    assert set(desk.store.load().articles) == ids - set(gone)
