"""The plain pipeline on XQuAD, for comparison: whole paragraphs, bare model.encode,
FAISS flat inner product, top-k. English questions against paragraphs in each pool.

    .venv/bin/python benchmarks/xquad_plain.py ../shared/data/xquad
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

import faiss
import numpy as np

from index.embedder import Embedder
from index.settings import IndexSettings

LANGS = ["ar", "de", "el", "en", "es", "hi", "ro", "ru", "th", "tr", "vi", "zh"]


def load(folder: Path, lang: str) -> tuple[list[str], list[tuple[str, int]]]:
    data = json.loads((folder / f"xquad.{lang}.json").read_text("utf-8"))
    paragraphs: list[str] = []
    questions: list[tuple[str, int]] = []
    for article in data["data"]:
        for para in article["paragraphs"]:
            paragraphs.append(para["context"])
            questions += [(qa["question"], len(paragraphs) - 1) for qa in para["qas"]]
    return paragraphs, questions


def recall(vectors: np.ndarray, queries: np.ndarray, gold: np.ndarray) -> tuple[float, float]:
    index = faiss.IndexFlatIP(vectors.shape[1])
    index.add(vectors)
    _, top = index.search(queries, 5)
    return float((top[:, 0] == gold).mean()), float((top == gold[:, None]).any(1).mean())


def main() -> None:
    folder = Path(sys.argv[1] if len(sys.argv) > 1 else "../shared/data/xquad")
    model = Embedder(IndexSettings(encoder="torch")).model  # sentence-transformers itself
    _, questions = load(folder, "en")
    gold = np.array([i for _, i in questions])
    queries = model.encode([q for q, _ in questions], prompt_name="query",
                           normalize_embeddings=True, batch_size=32)
    paragraphs = {lang: model.encode(load(folder, lang)[0], prompt_name="passage",
                                     normalize_embeddings=True, batch_size=16)
                  for lang in LANGS}
    for lang in ("en", "de", "es", "zh"):
        print(f"{lang}: R@1 {recall(paragraphs[lang], queries, gold)[0]:.3f} "
              f"R@5 {recall(paragraphs[lang], queries, gold)[1]:.3f}")
    pool = np.stack([paragraphs[LANGS[i % 12]][i] for i in range(len(paragraphs["en"]))])
    r1, r5 = recall(pool, queries, gold)
    print(f"mixed ({','.join(LANGS)}): R@1 {r1:.3f} R@5 {r5:.3f}")


if __name__ == "__main__":
    main()
