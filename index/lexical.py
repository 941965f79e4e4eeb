"""BM25 over the passages, with tokens that match across languages.

Names carry across languages unchanged ("DeepSeek", "Nvidia H20", "Abilene"),
so a lexical match is strong evidence the dense model can miss. Tokens are
case- and accent-folded words; Chinese, Japanese and Korean runs become
character bigrams (no spaces there, and Korean glues particles onto words).
Stop words of every supported language are dropped, because the question's
own "what did … do" must not pull answers towards its language.
"""

from __future__ import annotations

import itertools
import re
import unicodedata
from functools import lru_cache

import bm25s
import bm25s.stopwords as sw
import numpy as np

_WORD = re.compile(r"\w+", re.UNICODE)
_CJK = re.compile(r"[\u1100-\u11ff\u3040-\u30ff\u3130-\u318f\u3400-\u4dbf\u4e00-\u9fff"
                  r"\uac00-\ud7af]")


@lru_cache(maxsize=1)
def stopwords() -> frozenset[str]:
    words: set[str] = set()
    for name in dir(sw):
        if name.startswith("STOPWORDS_"):
            words.update(fold(w) for w in getattr(sw, name))
    return frozenset(words)


def fold(word: str) -> str:
    decomposed = unicodedata.normalize("NFKD", word.lower())
    return "".join(c for c in decomposed if not unicodedata.combining(c))


def tokens(text: str) -> list[str]:
    out: list[str] = []
    stop = stopwords()
    for raw in _WORD.findall(text):
        if _CJK.search(raw):
            chars = [c for c in raw if not c.isspace()]
            out.extend(a + b for a, b in itertools.pairwise(chars))
            if len(chars) == 1:
                out.append(chars[0])
            continue
        word = fold(raw)
        if len(word) > 1 and word not in stop:
            out.append(word)
    return out


class Lexical:
    """A BM25 index over passage texts; scores every passage for a question."""

    def __init__(self, texts: list[str]) -> None:
        self.size = len(texts)
        self.bm25 = bm25s.BM25()
        corpus = [tokens(t) or ["\u2205"] for t in texts]
        if corpus:
            self.bm25.index(corpus, show_progress=False)

    def scores(self, question: str) -> np.ndarray:
        query = [t for t in tokens(question) if t in self.bm25.vocab_dict] if self.size else []
        if not query:
            return np.zeros(self.size, np.float32)
        return np.asarray(self.bm25.get_scores(query), np.float32)
