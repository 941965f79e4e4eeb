"""The reader: which span of a passage answers a question, and whether any does.

A bi-encoder scores how close a sentence is to a question; it cannot tell the sentence that
*answers* from the one that repeats its words, nor "the 2023 Nobel" from "the 2023 Forum". The
reader reads both together (multilingual-e5-small with trained upper layers and two heads,
`eval/train_reader.py`) and gives, per passage, the probability that it answers and the best
answer span. It runs through ONNX Runtime, one session per process, on the few passages the
retriever ranked first.

The graph is assembled once per machine (`newsdesk model`, or on first use) from the
provisioned e5 folder and the trained weights shipped beside this file, into a folder named
by what it was made from: a new checkout or a retrained file gets a folder of its own, and no
folder another process may have open is ever replaced.
"""

from __future__ import annotations

import hashlib
import logging
import os
import shutil
import tempfile
import threading
import warnings
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from bot.answer import reading
from corpus.errors import NewsdeskError
from index.onnx_encoder import weights_beside
from index.provision import file_sha256

log = logging.getLogger("newsdesk." + __name__)

WEIGHTS = Path(__file__).with_name("reader.safetensors")
MAX_ANSWER_TOKENS = 30
_RECIPE = "2"  # bump when the export changes: older folders are then not reused
_OPSET = 17


class ReaderError(NewsdeskError):
    pass


@dataclass(frozen=True)
class Reading:
    """What the reader found in one text: `start`/`end` index the text it was given."""

    answers: float  # probability that the text answers the question
    start: int
    end: int
    span: float  # start + end logits of the span: how sure of where the answer is


def folder_for(models_dir: Path, e5_folder: Path, weights: Path = WEIGHTS) -> Path:
    """Named by content: the e5 folder's stamp, the trained file's hash, the recipe."""
    marker = e5_folder / "PROVISIONED"
    e5 = marker.read_text().strip() if marker.is_file() else file_sha256(e5_folder /
                                                                      "model.safetensors")
    key = hashlib.sha256(f"{e5}/{file_sha256(weights)}/{_RECIPE}".encode()).hexdigest()[:16]
    return models_dir / f"newsdesk-reader-{key}"


def _export(e5_folder: Path, weights: Path, out: Path) -> None:
    import torch
    from transformers import AutoTokenizer

    from bot.answer.reader_model import assemble

    model = assemble(e5_folder, weights)
    ids = torch.tensor([[0, 100, 200, 2, 2, 300, 2], [0, 300, 2, 2, 400, 2, 1]])
    mask = (ids != reading.PAD).long()
    axes = {0: "batch", 1: "tokens"}
    with torch.no_grad(), warnings.catch_warnings():
        warnings.simplefilter("ignore")  # the tracer's notes on shapes this graph keeps dynamic
        torch.onnx.export(model, (ids, mask), str(out / "reader.onnx"),
                          input_names=["input_ids", "attention_mask"],
                          output_names=["start", "end", "answers"], opset_version=_OPSET,
                          dynamic_axes={"input_ids": axes, "attention_mask": axes,
                                        "start": axes, "end": axes, "answers": {0: "batch"}},
                          dynamo=False)
    weights_beside(out / "reader.onnx", "reader.onnx.data")  # mapped, not copied, at load
    # the tokenizer exactly as training built it (transformers' rebuild of the folder's file)
    AutoTokenizer.from_pretrained(str(e5_folder)).backend_tokenizer.save(
        str(out / "tokenizer.json"))


def provision(models_dir: Path, e5_folder: Path, weights: Path = WEIGHTS) -> Path:
    """The reader's folder, assembled on first use; later calls find it by name."""
    if not weights.is_file():
        raise ReaderError(f"the reader's weights {weights} are missing; reinstall newsdesk")
    target = folder_for(models_dir, e5_folder, weights)
    if (target / "reader.onnx").is_file():
        return target
    log.info("assembling the reader into %s (one time, about 30 s)", target)
    models_dir.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix=".building-reader-", dir=models_dir))
    try:
        _export(e5_folder, weights, tmp)
        try:
            tmp.rename(target)
        except OSError:  # another process finished first: its folder is the same
            if not (target / "reader.onnx").is_file():
                raise
    except Exception as exc:
        raise ReaderError(f"cannot assemble the reader ({exc.__class__.__name__}: {exc})"
                          ) from exc
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    return target


def best_span(start: np.ndarray, end: np.ndarray) -> tuple[int, int, float]:
    """The (i, j), i ≤ j < i + MAX_ANSWER_TOKENS, that maximise start[i] + end[j]."""
    n = len(start)
    total = start[:, None] + end[None, :]
    i, j = np.indices((n, n))
    total = np.where((j >= i) & (j < i + MAX_ANSWER_TOKENS), total, -np.inf)
    flat = int(np.argmax(total))
    a, b = divmod(flat, n)
    return a, b, float(total[a, b])


class Reader:
    """One ONNX session per process; `read` is thread-safe (ONNX Runtime's run is)."""

    def __init__(self, folder: Path, threads: int = 1) -> None:
        import onnxruntime as ort
        from tokenizers import Tokenizer

        options = ort.SessionOptions()
        options.intra_op_num_threads = threads if threads > 0 else (os.cpu_count() or 1)
        options.inter_op_num_threads = 1
        options.log_severity_level = 3
        self.session = ort.InferenceSession(str(folder / "reader.onnx"), options,
                                            providers=["CPUExecutionProvider"])
        self.tokenizer = Tokenizer.from_file(str(folder / "tokenizer.json"))
        self.folder = folder

    def read(self, question: str, texts: list[str]) -> list[Reading]:
        """One reading per text (a text too long for one window is read in several, and
        the window most sure that it answers speaks for it)."""
        windows: list[tuple[int, reading.Window]] = []
        for t, text in enumerate(texts):
            windows.extend((t, w) for w in reading.windows(self.tokenizer, question, text))
        if not windows:
            return [Reading(0.0, 0, 0, float("-inf")) for _ in texts]
        n = max(len(w.ids) for _, w in windows)
        ids = np.full((len(windows), n), reading.PAD, np.int64)
        for r, (_, w) in enumerate(windows):
            ids[r, :len(w.ids)] = w.ids
        start, end, answers = self.session.run(
            None, {"input_ids": ids, "attention_mask": (ids != reading.PAD).astype(np.int64)})
        probs = 1.0 / (1.0 + np.exp(-answers.astype(np.float64)))
        best: dict[int, Reading] = {}
        for r, (t, w) in enumerate(windows):
            k = len(w.offsets)
            a, b, score = best_span(start[r, w.first:w.first + k], end[r, w.first:w.first + k])
            found = Reading(float(probs[r]), w.offsets[a][0], w.offsets[b][1], score)
            held = best.get(t)
            if held is None or (found.answers, found.span) > (held.answers, held.span):
                best[t] = found
        return [best.get(t, Reading(0.0, 0, 0, float("-inf"))) for t in range(len(texts))]


_LOADED: dict[Path, Reader] = {}
_LOCK = threading.Lock()


def load(models_dir: Path, e5_folder: Path, threads: int = 1) -> Reader:
    """The process's reader for this cache (assembled first if need be)."""
    folder = provision(models_dir, e5_folder)
    with _LOCK:
        if folder not in _LOADED:
            _LOADED[folder] = Reader(folder, threads)
        return _LOADED[folder]
