"""Which store holds the index: FAISS folders under the data home (the default) or Milvus.

Both publish whole versions atomically and load the served one; the builder, the retriever
and the ranking use either through the same calls (`Store`).
"""

from __future__ import annotations

from pathlib import Path
from typing import Protocol

import numpy as np

from corpus.models import Article, Passage
from index.settings import IndexSettings
from index.store import IndexStore, IndexVersion, Manifest


class Store(Protocol):
    root: Path  # a local folder: the build lock lives there

    def load(self) -> IndexVersion: ...

    def current_name(self) -> str | None: ...

    def versions(self) -> list[str]: ...

    def point_to(self, name: str) -> None: ...

    def prune(self, keep: int) -> None: ...

    def publish(self, *, model: str, recipe: str, articles: list[Article],
                passages: list[Passage], vectors: np.ndarray, sentence_vectors: np.ndarray,
                languages: list[str], language_means: np.ndarray) -> Manifest: ...


def open_store(settings: IndexSettings) -> Store:
    """NEWSDESK_STORE=milvus: collections in Milvus (NEWSDESK_MILVUS_URI); else FAISS."""
    if settings.store == "milvus":
        from index.milvus import MilvusStore

        return MilvusStore.from_settings(settings)
    return IndexStore(settings.index_dir)
