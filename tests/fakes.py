"""A deterministic stand-in for the embedding model, for tests of plumbing, not of quality.

Each word (case and accents folded) hashes to a fixed pseudo-random unit vector and a
text is the normalised sum of its words' vectors: texts sharing words are close, others
are near-orthogonal. Same interface as `index.embedder.Embedder` (`id`, `name`, `dim`,
`queries`, `passages`), no torch, no model file, microseconds per text.

It knows nothing of languages: a question finds an article in another language only
through the names they share. Tests of answer quality, cross-lingual retrieval and the
model itself use the real model.
"""

from __future__ import annotations

import hashlib
import re
import unicodedata
from collections.abc import Callable, Sequence
from functools import lru_cache

import numpy as np

WORD = re.compile(r"\w+")
DIM = 256


def _fold(text: str) -> str:
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    return "".join(c for c in decomposed if not unicodedata.combining(c))


@lru_cache(maxsize=65536)
def _word_vector(word: str) -> np.ndarray:
    seed = int.from_bytes(hashlib.blake2b(word.encode(), digest_size=8).digest(), "little")
    vector = np.random.default_rng(seed).standard_normal(DIM).astype(np.float32)
    return vector / np.linalg.norm(vector)


class FakeEmbedder:
    id = "fake-word-hash-v1"
    name = "fake word-hash embedder (tests only)"
    dim = DIM
    recipe = "fp32"  # what the embedding cache keys its vectors by (index/vector_cache.py)
    passage_prefix = ""
    batch_size = 16

    def __init__(self) -> None:
        self.calls = 0  # texts embedded, so a test can see work was (not) done

    def _embed(self, texts: Sequence[str]) -> np.ndarray:
        self.calls += len(texts)
        out = np.zeros((len(texts), DIM), dtype=np.float32)
        for row, text in enumerate(texts):
            for word in WORD.findall(_fold(text)):
                out[row] += _word_vector(word)
            norm = np.linalg.norm(out[row])
            if norm > 0:
                out[row] /= norm
        return out

    def queries(self, texts: Sequence[str]) -> np.ndarray:
        return self._embed(texts)

    def passages(self, texts: Sequence[str],
                 progress: Callable[[int], None] | None = None) -> np.ndarray:
        vectors = self._embed(texts)
        if progress is not None and len(texts):
            progress(len(texts))
        return vectors
