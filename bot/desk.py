"""The newsdesk itself: one object the CLI and the Discord bot both drive.

Everything here is blocking (SQLite, torch, FAISS); the Discord face calls it
from worker threads, never on the event loop.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from pathlib import Path

from pydantic import BaseModel

import corpus
from bot.answer import Answer, compose, validate_question
from bot.settings import BotSettings
from corpus.catalogue import Catalogue
from corpus.errors import NewsdeskError
from corpus.ingest import IngestReport, ingest_paths
from corpus.models import Article
from index.builder import BuildStats, ProgressFn, build
from index.embedder import Embedder
from index.retriever import Hit, Retriever
from index.store import IndexMissing, IndexStore

log = logging.getLogger(__name__)

SAMPLE_DIR = Path(corpus.__file__).parent / "sample"


class ArticleNotFound(NewsdeskError):
    pass


class Stats(BaseModel):
    articles: int
    languages: dict[str, int]
    index_version: str | None
    indexed_articles: int
    indexed_passages: int
    index_created: str | None
    model: str | None


class Desk:
    def __init__(self, settings: BotSettings | None = None,
                 embedder: Embedder | None = None) -> None:
        self.settings = settings or BotSettings()
        self.settings.ensure_home()
        self.catalogue = Catalogue(self.settings.catalogue_path)
        self.store = IndexStore(self.settings.index_dir)
        self._embedder = embedder  # loaded on first use when not given
        self._retriever: Retriever | None = None
        self._lock = threading.Lock()

    @property
    def embedder(self) -> Embedder:
        with self._lock:
            if self._embedder is None:
                self._embedder = Embedder(self.settings)
            return self._embedder

    def retriever(self) -> Retriever:
        if self._retriever is None:
            version = self.store.load()
            embedder = self.embedder
            with self._lock:
                if self._retriever is None:
                    self._retriever = Retriever(embedder, version, self.settings.per_article,
                                                self.settings.lexical_weight)
        return self._retriever

    def ingest(self, paths: list[Path], progress: Callable[[str], None] | None = None,
               source_id: str | None = None) -> IngestReport:
        return ingest_paths(self.catalogue, paths, self.settings.max_file_bytes, progress,
                            source_id=source_id)

    def reindex(self, full: bool = False, progress: ProgressFn | None = None) -> BuildStats:
        """Build a new version; the retriever switches to it only once it is published."""
        stats = build(self.catalogue, self.store, self.embedder, self.settings.models_dir,
                      full=full, progress=progress)
        if stats.changed and self._retriever is not None:
            self._retriever.swap(self.store.load())
        return stats

    def needs_sample(self) -> bool:
        return self.catalogue.count() == 0

    def load_sample(self, progress: ProgressFn | None = None) -> BuildStats:
        self.ingest([SAMPLE_DIR])
        return self.reindex(progress=progress)

    def ask(self, question: str, k: int = 8) -> Answer:
        return self.ask_with_hits(question, k)[0]

    def ask_with_hits(self, question: str, k: int = 8) -> tuple[Answer, list[Hit]]:
        question = validate_question(question, self.settings.max_question_chars)
        hits = self.retriever().search(question, k=k)
        answer = compose(question, hits, self.settings.min_score, self.settings.max_sources)
        return answer, hits

    def article(self, article_id: str) -> Article:
        article = self.catalogue.get(article_id)
        if article is None:
            raise ArticleNotFound(f"no article with id {article_id!r}")
        return article

    def stats(self) -> Stats:
        try:
            version = self._retriever.version if self._retriever else self.store.load()
            manifest = version.manifest
        except IndexMissing:
            manifest = None
        return Stats(
            articles=self.catalogue.count(),
            languages=self.catalogue.languages(),
            index_version=manifest.version if manifest else None,
            indexed_articles=len(manifest.articles) if manifest else 0,
            indexed_passages=manifest.passages if manifest else 0,
            index_created=manifest.created.isoformat(timespec="seconds") if manifest else None,
            model=manifest.model if manifest else None,
        )
