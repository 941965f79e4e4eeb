"""The reader: assembled from the provisioned e5 and the shipped file, it scores as the training
script's own model did; it reads long passages in windows; its folder is made once per cache."""

from __future__ import annotations

import itertools
import json
import shutil
from pathlib import Path

import numpy as np
import pytest
from conftest import MODEL_CACHE

from bot.answer import reading
from bot.answer.reader import WEIGHTS, best_span, folder_for, load, provision
from index.provision import provision as provision_e5

CHECK = WEIGHTS.with_name("reader.check.json")


@pytest.fixture(scope="module")
def e5() -> Path:
    return provision_e5(MODEL_CACHE)


def test_the_assembled_reader_gives_the_training_scripts_scores(e5: Path) -> None:
    """reader.check.json is what eval/train_reader.py's fp32 model said; the shipped file is
    fp16 and the graph ONNX, so scores may move a little, the span not at all."""
    reader = load(MODEL_CACHE, e5)
    rows = json.loads(CHECK.read_text("utf-8"))
    assert len(rows) >= 5
    for row in rows:
        got = reader.read(row["question"], [row["text"]])[0]
        assert abs(got.answers - row["answers"]) < 0.02, row["question"]
        assert (got.start, got.end) == (row["start"], row["end"]), row["question"]


def test_the_reader_tells_an_answer_from_a_near_topic_passage(e5: Path) -> None:
    reader = load(MODEL_CACHE, e5)
    question = "When did South Korea suspend new downloads of DeepSeek?"
    answer = ("On 17 February, the South Korean government suspended new downloads of the "
              "DeepSeek chatbot app, citing data security concerns.")
    near = ("DeepSeek's chatbot app drew millions of users in South Korea within weeks of its "
            "launch, many of them students.")
    found, other = reader.read(question, [answer, near])
    assert found.answers > 0.5 > other.answers
    assert "17 February" in answer[found.start:found.end]


def test_a_long_passage_is_read_in_windows_and_the_answer_found_past_the_first(
        e5: Path) -> None:
    reader = load(MODEL_CACHE, e5)
    filler = " ".join(f"The committee met on day {i} to discuss the budget of the museum."
                      for i in range(1, 40))
    text = f"{filler} The museum's new director is Amelia Okafor, appointed in March."
    windows = reading.windows(reader.tokenizer, "Who is the museum's new director?", text)
    assert len(windows) > 1
    assert all(len(w.ids) <= reading.MAX_TOKENS for w in windows)
    # consecutive windows overlap, so no answer is cut in two
    assert all(b.char_start < a.char_end for a, b in itertools.pairwise(windows))
    found = reader.read("Who is the museum's new director?", [text])[0]
    assert "Okafor" in text[found.start:found.end]


def test_best_span_keeps_the_end_after_the_start_and_short() -> None:
    start = np.array([0.0, 5.0, 0.0, 0.0])
    end = np.array([12.0, 0.0, 0.0, 9.0])  # the best end comes before the best start
    assert best_span(start, end)[:2] == (1, 3)


def test_the_reader_folder_is_named_by_its_inputs_and_never_rebuilt(e5: Path,
                                                                   tmp_path: Path) -> None:
    """Another checkout on the machine finds the same folder and builds nothing; a retrained
    file gets a folder of its own, and the one in use stays as it was."""
    folder = provision(MODEL_CACHE, e5)
    graph = folder / "reader.onnx"
    before = graph.stat().st_mtime_ns
    assert provision(MODEL_CACHE, e5) == folder and graph.stat().st_mtime_ns == before
    retrained = tmp_path / "reader.safetensors"
    shutil.copyfile(WEIGHTS, retrained)
    with retrained.open("r+b") as f:  # one weight changed
        f.seek(-2, 2)
        last = f.read(2)
        f.seek(-2, 2)
        f.write(bytes([last[0] ^ 1, last[1]]))
    assert folder_for(MODEL_CACHE, e5, retrained) != folder
    assert graph.stat().st_mtime_ns == before


_LOAD_PEAK = """
import re, sys
from pathlib import Path
from bot.answer.reader import Reader
from index.onnx_encoder import OnnxEncoder
kind, folder = sys.argv[1], Path(sys.argv[2])
if kind == "reader":
    Reader(folder).read("Who founded DeepSeek?", ["DeepSeek was founded by Liang Wenfeng."])
else:
    OnnxEncoder(folder, "fp32", 1).encode(["query: Who founded DeepSeek?"])
print(int(re.search(r"VmHWM:\\s+(\\d+)", Path("/proc/self/status").read_text())[1]) // 1024)
"""  # the peak of this process's own memory: ru_maxrss would carry the parent's over exec


@pytest.mark.parametrize("kind", ["reader", "encoder"])
def test_loading_a_graph_maps_its_weights_instead_of_copying_them(e5: Path, kind: str) -> None:
    """Each graph holds the 250k-row embedding matrix (470 MB with its layers). Inside the
    ONNX file, ONNX Runtime parsed and copied it: a process that loaded the reader and read
    one question peaked at 935 MB. Beside it, the file is mapped and only the rows read are
    touched: 503 MB, of which the tokenizer is most."""
    import subprocess
    import sys

    folder = provision(MODEL_CACHE, e5) if kind == "reader" else e5
    done = subprocess.run([sys.executable, "-c", _LOAD_PEAK, kind, str(folder)],
                          capture_output=True, text=True, timeout=600,
                          cwd=Path(__file__).resolve().parent.parent)
    assert done.returncode == 0, done.stderr
    assert int(done.stdout.split()[-1]) < 700, f"peak {done.stdout.split()[-1]} MB"
