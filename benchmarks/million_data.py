"""Real-vector-like data for the 1M-vector benchmark: what it is, said plainly.

Real e5 vectors (multilingual-e5-small, the project's own embedder and embedding cache) of
a few thousand distinct texts:

- every passage and sentence vector of the bundled sample corpus's index (13 outlets, several
  languages);
- PIAF v1.0 (French Wikipedia, MIT; `../shared/data/piaf`): its 761 paragraphs and up to
  `SENTENCES` of their sentences, embedded as passages ("passage: " prefix).

Queries are real e5 query vectors ("query: " prefix) of the 153 bundled questions and of
`QUESTIONS` PIAF questions. XQuAD is never read: it is a test set.

The million is made of those real vectors: each synthetic vector is a mixture
`normalise(w·a + (1-w)·b + noise)` of two real vectors `a`, `b` drawn at random (w uniform
in [0.5, 1], noise Gaussian with sd `noise` per dimension), so it lies in the region real e5
vectors occupy (their strong common direction, their topical spread) without piling up in a
thousand tight clusters around a few bases, as noisy copies of ~1k vectors would. Each
synthetic vector takes the language of its main source `a`.
"""

from __future__ import annotations

import json
import re
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from index.embedder import Embedder
from index.store import IndexVersion
from index.vector_cache import VectorCache, encode

ROOT = Path(__file__).resolve().parent.parent
PIAF = ROOT.parent / "shared" / "data" / "piaf" / "piaf-v1.0.json"
BUNDLED_QUESTIONS = ROOT / "eval" / "sample_questions.jsonl"
SENTENCES = 2000  # PIAF sentences embedded (distinct texts; ~50 ms each on this machine)
QUESTIONS = 600  # PIAF questions embedded as queries
_SENTENCE_END = re.compile(r"(?<=[.!?])\s+(?=[A-ZÀ-Ý])")


@dataclass
class Base:
    """The real vectors the million is mixed from, with each one's language."""

    vectors: np.ndarray
    languages: np.ndarray  # str per row
    queries: np.ndarray
    described: str


class _QueryEncoder:
    """The embedder seen through the embedding cache's eyes, but for queries: the cache keys
    a vector by the prompt text, so query vectors never mix with passage vectors."""

    def __init__(self, embedder: Embedder) -> None:
        self.embedder = embedder
        self.batch_size = embedder.batch_size

    @property
    def id(self) -> str:
        return self.embedder.id

    @property
    def recipe(self) -> str:
        return self.embedder.recipe

    @property
    def passage_prefix(self) -> str:
        return self.embedder._prompt_text("query")

    def passages(self, texts: Sequence[str], progress: object = None) -> np.ndarray:
        return self.embedder.queries(texts)


def piaf_texts(path: Path = PIAF) -> tuple[list[str], list[str], list[str]]:
    """(paragraphs, sentences, questions) of PIAF, each list distinct and in file order."""
    data = json.loads(path.read_text("utf-8"))["data"]
    paragraphs = [p["context"] for a in data for p in a["paragraphs"]]
    questions = [q["question"] for a in data for p in a["paragraphs"] for q in p["qas"]]
    sentences = [s.strip() for text in paragraphs for s in _SENTENCE_END.split(text)
                 if len(s.strip()) >= 40]
    rng = np.random.default_rng(13)
    picked = sorted(rng.choice(len(sentences), min(SENTENCES, len(sentences)), replace=False))
    asked = sorted(rng.choice(len(questions), min(QUESTIONS, len(questions)), replace=False))
    return (list(dict.fromkeys(paragraphs)), list(dict.fromkeys(sentences[i] for i in picked)),
            list(dict.fromkeys(questions[i] for i in asked)))


def bundled_questions() -> list[str]:
    return [json.loads(x)["question"] for x in BUNDLED_QUESTIONS.read_text().splitlines()]


def real_base(version: IndexVersion, embedder: Embedder, cache: VectorCache) -> Base:
    """The real vectors: the bundled index's own, PIAF's through the embedding cache."""
    paragraphs, sentences, questions = piaf_texts()
    piaf, computed = encode(embedder, cache, paragraphs + sentences)
    asked, computed_q = encode(_QueryEncoder(embedder), cache, bundled_questions() + questions)
    own = np.asarray(version.vectors, np.float32)
    own_sentences = np.asarray(version.sentence_vectors, np.float32)
    sentence_language = np.repeat(version.row_language, np.diff(version.sentence_start))
    vectors = np.vstack([own, own_sentences, piaf])
    languages = np.concatenate([np.array(version.row_language), sentence_language,
                                np.full(len(piaf), "fr")])
    described = (f"{len(vectors):,} real e5 vectors: {len(own):,} bundled passages + "
                 f"{len(own_sentences):,} bundled sentences + {len(paragraphs):,} PIAF "
                 f"paragraphs + {len(sentences):,} PIAF sentences ({computed:,} embedded now, "
                 f"the rest from the cache); {len(asked):,} real query vectors: "
                 f"{len(bundled_questions())} bundled questions + {len(questions)} PIAF "
                 f"questions ({computed_q} embedded now)")
    return Base(vectors, languages, asked, described)


def mixtures(base: Base, n: int, noise: float, seed: int = 13) -> tuple[np.ndarray, np.ndarray]:
    """`n` unit vectors mixed from pairs of real ones (see the module's docstring), and the
    language of each; made in blocks so memory stays at the output's size."""
    rng = np.random.default_rng(seed)
    out = np.empty((n, base.vectors.shape[1]), np.float32)
    languages = np.empty(n, dtype=base.languages.dtype)
    block = 100_000
    for start in range(0, n, block):
        size = min(block, n - start)
        a = rng.integers(0, len(base.vectors), size)
        b = rng.integers(0, len(base.vectors), size)
        w = rng.uniform(0.5, 1.0, (size, 1)).astype(np.float32)
        mixed = w * base.vectors[a] + (1 - w) * base.vectors[b]
        mixed += rng.normal(0.0, noise, mixed.shape).astype(np.float32)
        out[start:start + size] = mixed / np.linalg.norm(mixed, axis=1, keepdims=True)
        languages[start:start + size] = base.languages[a]
    return out, languages
