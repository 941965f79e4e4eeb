"""The same model through ONNX Runtime: no torch or sentence-transformers at run time.

The ONNX graph is exported by newsdesk itself, offline, from the provisioned
model folder (torch.onnx.export of the BERT encoder), once, into a folder beside
it; int8 is ONNX Runtime's dynamic quantisation of that export. Tokenising
(with the tokenizer transformers builds, saved with the export), mean pooling
and normalising are done here exactly as sentence-transformers does them, so
vectors match the torch path.
What a process then imports is onnxruntime and tokenizers (well under a second)
instead of torch and sentence-transformers (tens of seconds on a busy machine):
that is most of a cold `newsdesk ask`.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import shutil
import tempfile
import time
import warnings
from pathlib import Path

import numpy as np

from corpus.errors import NewsdeskError
from index.provision import file_lock

log = logging.getLogger("newsdesk." + __name__)

PRECISIONS = ("fp32", "int8")
_FILES = {"fp32": "model.onnx", "int8": "model-int8.onnx"}
_OPSET = 17
_FORMAT = "3"  # bump when an export's contents change: older exports are then redone
TOKENIZER = "tokenizer.json"
# seconds an export took on the 2-core development machine, busy: said before one starts
EXPORT_SECONDS = {"fp32": 60, "int8": 30}


class OnnxError(NewsdeskError):
    pass


def _stamp(folder: Path) -> str:
    """What the export was made from: the provisioned folder's own stamp, else its weights."""
    marker = folder / "PROVISIONED"
    if marker.is_file():
        return f"{marker.read_text().strip()}/{_FORMAT}"
    weights = folder / "model.safetensors"
    st = weights.stat()
    return f"{st.st_size}:{int(st.st_mtime)}/{_FORMAT}"


def weights_beside(path: Path, data_name: str) -> None:
    """Rewrite an ONNX file with its weights in a file of their own beside it. ONNX Runtime
    maps such a file instead of parsing and copying it: loading the reader peaked at 873 MB
    and took 2.1 s with its weights inside the graph, 194 MB and 0.3 s beside it."""
    import onnx

    model = onnx.load(str(path))
    onnx.save_model(model, str(path), save_as_external_data=True,
                    all_tensors_to_one_file=True, location=data_name, size_threshold=1024)


def _weights_files(path: Path) -> list[Path]:
    """The weights files of a graph's exports, the current one and any earlier."""
    return list(path.parent.glob(f"{path.stem}.*.data"))


def graph_bytes(path: Path) -> int:
    """An exported graph's size, its weights' file included."""
    return path.stat().st_size + sum(f.stat().st_size for f in _weights_files(path))


def _data_name(path: Path, stamp: str) -> str:
    """Named by what it was made from: a new export never writes over the weights another
    process has mapped, and the graph names the one file it was saved with."""
    key = hashlib.sha256(stamp.encode()).hexdigest()[:12]
    return f"{path.stem}.{key}.data"


def _stale_weights(path: Path, keep: str) -> None:
    """Weights of earlier exports, once nothing can still be opening them (a process maps
    the file within a second of reading the graph that names it)."""
    old = time.time() - 3600
    for f in _weights_files(path):
        if f.name != keep and f.stat().st_mtime < old:
            f.unlink(missing_ok=True)


def export_folder(folder: Path) -> Path:
    """Exports live beside the model folder, never inside it: provisioning replaces it whole."""
    return folder.parent / f"{folder.name}-onnx"


def _export_fp32(folder: Path, out: Path) -> None:
    """The graph, and the tokenizer exactly as transformers builds it for this folder.

    transformers rebuilds an XLM-R tokenizer.json the way sentencepiece splits
    (whitespace first): trailing spaces and spaces before special tokens make no
    token. The folder's raw tokenizer.json would add one, and vectors of such texts
    would drift (cosine 0.998): what the torch path reads is saved instead.
    """
    import torch
    import transformers
    from transformers import AutoModel, AutoTokenizer

    transformers.logging.set_verbosity_error()
    transformers.logging.disable_progress_bar()  # "Loading weights" is not news to a user
    AutoTokenizer.from_pretrained(str(folder)).backend_tokenizer.save(
        str(out.parent / TOKENIZER))
    model = AutoModel.from_pretrained(str(folder))
    model.eval()

    class Hidden(torch.nn.Module):
        def __init__(self) -> None:
            super().__init__()
            self.bert = model

        def forward(self, input_ids: torch.Tensor, attention_mask: torch.Tensor) -> torch.Tensor:
            return self.bert(input_ids=input_ids, attention_mask=attention_mask).last_hidden_state

    ids = torch.tensor([[0, 100, 200, 2], [0, 300, 2, 1]], dtype=torch.long)
    mask = torch.tensor([[1, 1, 1, 1], [1, 1, 1, 0]], dtype=torch.long)
    axes = {0: "batch", 1: "tokens"}
    # the tracer's warnings are about dynamic shapes this fixed graph does not have (its
    # vectors are checked against torch's in tests/test_encoders.py): not a user's concern
    with torch.no_grad(), warnings.catch_warnings():
        warnings.simplefilter("ignore")
        torch.onnx.export(Hidden(), (ids, mask), str(out), input_names=["input_ids",
                          "attention_mask"], output_names=["hidden"], opset_version=_OPSET,
                          dynamic_axes={"input_ids": axes, "attention_mask": axes,
                                        "hidden": axes}, dynamo=False)


def _export_int8(fp32: Path, out: Path) -> None:
    from onnxruntime.quantization import QuantType, quantize_dynamic

    root = logging.getLogger()
    level = root.level
    root.setLevel(logging.ERROR)  # the quantiser logs a line per tensor to the root logger
    try:
        quantize_dynamic(str(fp32), str(out), weight_type=QuantType.QInt8, per_channel=True)
    finally:
        root.setLevel(level)


def onnx_model(folder: Path, precision: str) -> Path:
    """The exported graph for `folder` at `precision`, exported on first use only."""
    if precision not in PRECISIONS:
        raise OnnxError(f"unknown ONNX precision {precision!r}; use one of {PRECISIONS}")
    target = export_folder(folder)
    stamp = _stamp(folder)
    path = target / _FILES[precision]
    marker = target / f"{_FILES[precision]}.stamp"
    if path.is_file() and marker.is_file() and marker.read_text().strip() == stamp:
        return path
    if precision == "int8":
        source = onnx_model(folder, "fp32")
    target.mkdir(parents=True, exist_ok=True)
    with file_lock(target / ".export.lock"):  # a second process waits for the first one's export
        if path.is_file() and marker.is_file() and marker.read_text().strip() == stamp:
            return path
        log.info("exporting the embedding model to ONNX (%s, one time for every checkout, "
                 "about %d s) into %s", precision, EXPORT_SECONDS[precision], target)
        _export(folder, precision, source if precision == "int8" else None, path, stamp)
        marker.write_text(stamp)
    return path


def _export(folder: Path, precision: str, source: Path | None, path: Path, stamp: str) -> None:
    """Written under a temporary name, then moved in with os.replace: a process that
    opened the previous file keeps reading it. The fp32 graph's weights go beside it, in a
    file named by the stamp, moved in before the graph that names it."""
    target = path.parent
    tmp = Path(tempfile.mkdtemp(prefix=".export-", dir=target))
    try:
        if source is None:
            _export_fp32(folder, tmp / path.name)
            data = _data_name(path, stamp)
            weights_beside(tmp / path.name, data)
            os.replace(tmp / data, target / data)
            os.replace(tmp / TOKENIZER, target / TOKENIZER)
        else:
            _export_int8(source, tmp / path.name)
        os.replace(tmp / path.name, path)
        if source is None:
            _stale_weights(path, keep=data)
    except Exception as exc:
        raise OnnxError(f"cannot export {folder.name} to ONNX ({exc.__class__.__name__}: "
                        f"{exc})") from exc
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


class OnnxEncoder:
    """Tokenise, run the exported encoder, mean-pool over real tokens, normalise."""

    def __init__(self, folder: Path, precision: str, threads: int) -> None:
        import onnxruntime as ort
        from tokenizers import Tokenizer

        path = onnx_model(folder, precision)
        config = json.loads((folder / "config.json").read_text("utf-8"))
        st_config = folder / "sentence_bert_config.json"
        max_length = int(json.loads(st_config.read_text("utf-8")).get("max_seq_length", 512)) \
            if st_config.is_file() else int(config.get("max_position_embeddings", 512))
        self.tokenizer = Tokenizer.from_file(str(path.parent / TOKENIZER))
        self.tokenizer.enable_truncation(max_length)
        pad = int(config.get("pad_token_id", 1))
        self.tokenizer.enable_padding(pad_id=pad, pad_token=self.tokenizer.id_to_token(pad))
        options = ort.SessionOptions()
        options.intra_op_num_threads = threads if threads > 0 else (os.cpu_count() or 1)
        options.inter_op_num_threads = 1
        options.log_severity_level = 3
        self.session = ort.InferenceSession(str(path), options,
                                            providers=["CPUExecutionProvider"])
        self.dim = int(config["hidden_size"])
        self.threads = options.intra_op_num_threads

    def token_counts(self, texts: list[str]) -> list[int]:
        """Tokens each text becomes, truncation included: what a batch's padding is made of."""
        return [sum(e.attention_mask) for e in self.tokenizer.encode_batch(texts)]

    def encode(self, texts: list[str]) -> np.ndarray:
        if not texts:
            return np.zeros((0, self.dim), np.float32)
        encoded = self.tokenizer.encode_batch(texts)
        ids = np.array([e.ids for e in encoded], dtype=np.int64)
        mask = np.array([e.attention_mask for e in encoded], dtype=np.int64)
        hidden = self.session.run(None, {"input_ids": ids, "attention_mask": mask})[0]
        weights = mask[..., None].astype(np.float32)
        pooled = (hidden * weights).sum(axis=1) / np.maximum(weights.sum(axis=1), 1e-9)
        norms = np.linalg.norm(pooled, axis=1, keepdims=True)
        return (pooled / np.maximum(norms, 1e-12)).astype(np.float32)
