"""Recognising the same story twice: exact text hash, then MinHash over word shingles.

Syndicated copies of one wire story differ by a headline, a byline or a
closing line; their 5-word shingle sets still overlap heavily. A MinHash
signature (64 minimums) estimates that overlap cheaply for every stored
article, so a copy links to the kept article instead of becoming a second
citation.
"""

from __future__ import annotations

import hashlib
import re

import numpy as np

SHINGLE = 5
PERMUTATIONS = 64
THRESHOLD = 0.6  # estimated Jaccard similarity of shingle sets
_rng = np.random.default_rng(20250217)
_A = _rng.integers(1, 1 << 63, PERMUTATIONS, dtype=np.uint64) | np.uint64(1)  # odd
_B = _rng.integers(0, 1 << 63, PERMUTATIONS, dtype=np.uint64)
_WORD = re.compile(r"\w+", re.UNICODE)


def text_hash(text: str) -> str:
    normalised = " ".join(_WORD.findall(text.lower()))
    return hashlib.sha256(normalised.encode("utf-8")).hexdigest()[:32]


def _shingles(text: str) -> np.ndarray:
    words = _WORD.findall(text.lower())
    if len(words) < SHINGLE:
        words = words + [""] * (SHINGLE - len(words))
    grams = {" ".join(words[i:i + SHINGLE]) for i in range(len(words) - SHINGLE + 1)}
    return np.array([int.from_bytes(hashlib.blake2b(g.encode(), digest_size=8).digest(), "little")
                     >> 3 for g in grams], dtype=np.uint64)


def signature(text: str) -> bytes:
    values = _shingles(text)
    # a·x + b with wrapping 64-bit arithmetic, then an xor-shift: 64 cheap, independent-
    # enough hash functions; each signature slot is the minimum over the shingles
    with np.errstate(over="ignore"):
        mixed = np.multiply.outer(_A, values) + _B[:, None]
    mixed ^= mixed >> np.uint64(29)
    return mixed.min(axis=1).astype(np.uint64).tobytes()


def best_match(candidate: bytes, stored: dict[str, bytes]) -> tuple[str, float] | None:
    """The stored article most similar to `candidate`, if it clears THRESHOLD."""
    if not stored:
        return None
    ids = list(stored)
    matrix = np.frombuffer(b"".join(stored[i] for i in ids), np.uint64).reshape(len(ids), -1)
    scores = (matrix == np.frombuffer(candidate, np.uint64)).mean(axis=1)
    best = int(scores.argmax())
    return (ids[best], float(scores[best])) if scores[best] >= THRESHOLD else None
