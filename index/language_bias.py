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
import re
from pathlib import Path

import numpy as np

from index.embedder import Embedder

log = logging.getLogger("newsdesk." + __name__)

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
    """(languages, their mean passage vectors): the background the null already embedded."""
    null = language_null(embedder, cache_dir)
    counts = np.bincount(null.owner, minlength=len(null.languages))
    means = np.zeros((len(null.languages), null.passages.shape[1]), np.float32)
    np.add.at(means, null.owner, null.passages)
    return null.languages, means / counts[:, None]


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


def _opening_sentence(paragraph: str) -> str:
    parts = re.split(r"(?<=[.!?。！？])\s*", paragraph, maxsplit=1)
    return parts[0]


def _blend(scores: np.ndarray, sentence_scores: np.ndarray, owner: np.ndarray,
           n: int, sentence_weight: float) -> np.ndarray:
    """A passage's score blended with its best sentence's, as the index ranks them."""
    best = np.full(n, -np.inf, np.float32)
    np.maximum.at(best, owner, sentence_scores)
    best = np.where(np.isfinite(best), best, scores)
    return (scores + sentence_weight * best) / (1 + sentence_weight)


class LanguageNull:
    """How far above chance a passage scores, in units that mean the same in every language.

    A question scores a German paragraph that answers it lower than an English
    one that does, and an unrelated Chinese paragraph differently again. From
    the same background paragraphs in every language we know, per question,
    what an unrelated paragraph of language L scores (the null), and, per pair
    of languages, how far a true match rises above it (the margin, measured
    once with each background paragraph's opening sentence as the query).
    Relevance is the rise above the null in margins, so one threshold serves
    every pair of languages.
    """

    def __init__(self, languages: list[str], passages: np.ndarray, owner: np.ndarray,
                 sentences: np.ndarray, sentence_owner: np.ndarray, margins: np.ndarray,
                 sentence_weight: float = 1.0) -> None:
        self.languages = languages
        self.index = {lang: i for i, lang in enumerate(languages)}
        self.passages = passages  # background paragraphs of every language, stacked
        self.owner = owner  # the language of each paragraph
        self.sentences = sentences
        self.sentence_owner = sentence_owner  # the paragraph of each sentence
        self.margins = margins  # [question language, passage language]
        self.sentence_weight = sentence_weight
        self.reference = float(np.mean(np.diag(margins))) if len(margins) else 1.0

    def spread(self, query: np.ndarray) -> dict[str, tuple[float, float]]:
        """Mean and standard deviation of what unrelated passages of each language score."""
        blended = _blend(self.passages @ query, self.sentences @ query, self.sentence_owner,
                         len(self.passages), self.sentence_weight)
        n = len(self.languages)
        counts = np.bincount(self.owner, minlength=n)
        means = np.bincount(self.owner, weights=blended, minlength=n) / counts
        squares = np.bincount(self.owner, weights=blended ** 2, minlength=n) / counts
        sds = np.sqrt(np.maximum(squares - means ** 2, 1e-8))
        return {lang: (float(means[i]), float(sds[i])) for lang, i in self.index.items()}

    def significance(self, score: float, spread: dict[str, tuple[float, float]],
                     passage_language: str) -> float:
        """How many standard deviations above unrelated text of its language a passage
        scores: a true match stands out; noise, however magnified by a small margin, not."""
        mean, sd = spread.get(passage_language) or (
            float(np.mean([m for m, _ in spread.values()])),
            float(np.mean([d for _, d in spread.values()]))) if spread else (0.0, 1.0)
        return (score - mean) / sd

    def margin(self, question_language: str, passage_language: str) -> float:
        qi, pi = self.index.get(question_language), self.index.get(passage_language)
        if qi is not None and pi is not None:
            return float(self.margins[qi, pi])
        if pi is not None:
            return float(self.margins[:, pi].mean())
        if qi is not None:
            return float(self.margins[qi].mean())
        return self.reference

    def relevance(self, score: float, nulls: dict[str, float], question_language: str,
                  passage_language: str) -> float:
        null = nulls.get(passage_language)
        if null is None:
            null = float(np.mean(list(nulls.values()))) if nulls else 0.0
        return (score - null) / self.margin(question_language, passage_language) * self.reference


def language_null(embedder: Embedder, cache_dir: Path,
                  sentence_weight: float = 1.0) -> LanguageNull:
    """Background vectors and margins, cached per model and background text."""
    from corpus.chunker import split_sentences

    key = background_key(embedder.id)
    cache = cache_dir / f"language-null-{key}.npz"
    arrays = None
    if cache.is_file():
        try:
            with np.load(cache, allow_pickle=False) as data:
                arrays = {name: data[name] for name in data.files}
        except (OSError, ValueError, KeyError):
            log.warning("ignoring a damaged cache %s", cache)
    if arrays is None:
        texts = background_texts()
        languages = sorted(texts)
        paragraphs = [(i, p) for i, lang in enumerate(languages) for p in texts[lang]]
        sentences = [(row, p[s.start:s.end]) for row, (_, p) in enumerate(paragraphs)
                     for s in split_sentences(p)]
        queries = [_opening_sentence(p) for _, p in paragraphs]
        arrays = {
            "languages": np.array(languages),
            "passages": embedder.passages([p for _, p in paragraphs]),
            "owner": np.array([i for i, _ in paragraphs], np.int64),
            "sentences": embedder.passages([s for _, s in sentences]),
            "sentence_owner": np.array([row for row, _ in sentences], np.int64),
            "queries": embedder.queries(queries),
        }
        cache_dir.mkdir(parents=True, exist_ok=True)
        tmp = cache.with_suffix(".tmp.npz")
        np.savez(tmp, **arrays)
        tmp.replace(cache)
    null = LanguageNull([str(x) for x in arrays["languages"]], arrays["passages"],
                        arrays["owner"], arrays["sentences"], arrays["sentence_owner"],
                        np.ones((0, 0)), sentence_weight)
    null.margins = _margins(null, arrays["queries"])
    null.reference = float(np.mean(np.diag(null.margins)))
    return null


def _margins(null: LanguageNull, queries: np.ndarray) -> np.ndarray:
    """Mean rise of the matching paragraph above the null, per pair of languages.

    Background paragraph j of every language says the same thing, so the
    opening sentence of paragraph j in language A, asked as a question, should
    find paragraph j in language B."""
    n_lang = len(null.languages)
    per_language = len(null.owner) // max(n_lang, 1)
    margins = np.zeros((n_lang, n_lang), np.float32)
    for qi in range(n_lang):
        rises = np.zeros(n_lang)
        for j in range(per_language):
            query = queries[qi * per_language + j]
            blended = _blend(null.passages @ query, null.sentences @ query, null.sentence_owner,
                             len(null.passages), null.sentence_weight)
            sums = np.bincount(null.owner, weights=blended, minlength=n_lang)
            counts = np.bincount(null.owner, minlength=n_lang)
            matches = blended[np.arange(n_lang) * per_language + j]
            # the null excludes the match itself
            rises += matches - (sums - matches) / (counts - 1)
        margins[qi] = rises / per_language
    return margins
