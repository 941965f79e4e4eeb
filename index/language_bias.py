"""Per-language offsets that stop a small multilingual model preferring the question's language.

multilingual-e5-small scores an English paragraph that merely shares words
with an English question above the German paragraph that answers it. The
preference is mostly a per-language shift, so we estimate each language's
mean embedding from the same 24 paragraphs translated into every language
(`background/<code>.txt`, written for this project): differences between
those means are language, not topic. At query time a passage in language L
loses q·(μ_L − μ̄), where μ̄ is the mean over all languages, which keeps the
scores on their usual scale for the abstention threshold.
"""

from __future__ import annotations

import hashlib
import logging
from pathlib import Path

import numpy as np

from index.embedder import Embedder

log = logging.getLogger(__name__)

BACKGROUND_DIR = Path(__file__).parent / "background"


def background_texts() -> dict[str, list[str]]:
    out: dict[str, list[str]] = {}
    for path in sorted(BACKGROUND_DIR.glob("*.txt")):
        paragraphs = [p.strip() for p in path.read_text("utf-8").split("\n\n") if p.strip()]
        if paragraphs:
            out[path.stem] = paragraphs
    return out


def background_key(model_id: str) -> str:
    h = hashlib.sha256(model_id.encode())
    for lang, paragraphs in background_texts().items():
        h.update(lang.encode())
        for p in paragraphs:
            h.update(p.encode())
    return h.hexdigest()[:16]


def language_means(embedder: Embedder, cache_dir: Path) -> tuple[list[str], np.ndarray]:
    """(languages, their mean passage vectors), cached per model and background text."""
    key = background_key(embedder.id)
    cache = cache_dir / f"language-means-{key}.npz"
    if cache.is_file():
        try:
            with np.load(cache, allow_pickle=False) as data:
                return [str(x) for x in data["languages"]], data["means"]
        except (OSError, ValueError, KeyError):
            log.warning("ignoring a damaged cache %s", cache)
    texts = background_texts()
    languages = sorted(texts)
    means = np.zeros((len(languages), embedder.dim), np.float32)
    for i, lang in enumerate(languages):
        means[i] = embedder.passages(texts[lang]).mean(axis=0)
    cache_dir.mkdir(parents=True, exist_ok=True)
    tmp = cache.with_suffix(".tmp.npz")
    np.savez(tmp, languages=np.array(languages), means=means)
    tmp.replace(cache)
    return languages, means


class LanguageOffsets:
    """q·(μ_L − μ̄) for every passage language L; zero for languages without a background."""

    def __init__(self, languages: list[str], means: np.ndarray) -> None:
        self.languages = languages
        self.index = {lang: i for i, lang in enumerate(languages)}
        self.centred = means - means.mean(axis=0, keepdims=True) if len(languages) else means

    def for_query(self, query: np.ndarray) -> dict[str, float]:
        if not self.languages:
            return {}
        shifts = self.centred @ query
        return {lang: float(shifts[i]) for lang, i in self.index.items()}
