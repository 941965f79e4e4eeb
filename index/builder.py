"""Incremental indexing: embed only new or changed articles, then publish atomically."""

from __future__ import annotations

import fcntl
import logging
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

import numpy as np
from pydantic import BaseModel

from corpus.catalogue import Catalogue
from corpus.chunker import chunk
from corpus.errors import NewsdeskError
from corpus.models import Article, Passage
from index.embedder import Embedder
from index.passage_text import RECIPE, passage_input
from index.store import IndexCorrupt, IndexMissing, IndexStore, IndexVersion

log = logging.getLogger(__name__)


class BuildBusy(NewsdeskError):
    pass


class BuildProgress(BaseModel):
    phase: str  # "scan" | "embed" | "publish" | "done"
    articles_scanned: int = 0
    articles_total: int = 0
    passages_embedded: int = 0
    passages_to_embed: int = 0
    elapsed: float = 0.0


class BuildStats(BaseModel):
    version: str | None
    changed: bool
    articles_total: int
    articles_embedded: int
    articles_reused: int
    articles_removed: int
    passages_total: int
    passages_embedded: int
    seconds: float


ProgressFn = Callable[[BuildProgress], None]


@contextmanager
def build_lock(root: Path) -> Iterator[None]:
    """One build at a time per index folder, across processes too."""
    root.mkdir(parents=True, exist_ok=True)
    with (root / ".lock").open("w") as handle:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            raise BuildBusy("an index build is already running; try again when it ends") from None
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def _reusable(store: IndexStore, embedder: Embedder, full: bool) -> IndexVersion | None:
    if full:
        return None
    try:
        previous = store.load()
    except IndexMissing:
        return None
    except IndexCorrupt as exc:
        log.warning("rebuilding from scratch: %s", exc)
        return None
    if previous.manifest.model != embedder.id or previous.manifest.recipe != RECIPE:
        log.info("model or recipe changed since %s: re-embedding everything", previous.name)
        return None
    return previous


def build(catalogue: Catalogue, store: IndexStore, embedder: Embedder, *, full: bool = False,
          progress: ProgressFn | None = None) -> BuildStats:
    started = time.monotonic()
    report = progress or (lambda _p: None)
    with build_lock(store.root):
        previous = _reusable(store, embedder, full)
        old_rows: dict[str, list[int]] = {}
        if previous is not None:
            for row, passage in enumerate(previous.passages):
                old_rows.setdefault(passage.article_id, []).append(row)

        state = BuildProgress(phase="scan")
        articles: list[Article] = list(catalogue.articles())
        state.articles_total = len(articles)
        plan: list[tuple[Article, list[int] | list[Passage]]] = []
        fresh: list[Passage] = []
        fresh_inputs: list[str] = []
        reused = 0
        for article in articles:
            if previous is not None and previous.manifest.articles.get(article.id) == \
                    article.content_hash:
                plan.append((article, old_rows.get(article.id, [])))
                reused += 1
            else:
                passages = chunk(article)
                plan.append((article, passages))
                fresh.extend(passages)
                fresh_inputs.extend(passage_input(article, p) for p in passages)
            state.articles_scanned += 1
        removed = 0
        if previous is not None:
            current_ids = {a.id for a in articles}
            removed = sum(1 for aid in previous.manifest.articles if aid not in current_ids)
        state.elapsed = time.monotonic() - started
        report(state)

        if previous is not None and not fresh and not removed:
            return BuildStats(
                version=previous.name, changed=False, articles_total=len(articles),
                articles_embedded=0, articles_reused=reused, articles_removed=0,
                passages_total=len(previous.passages), passages_embedded=0,
                seconds=time.monotonic() - started,
            )

        state.phase = "embed"
        state.passages_to_embed = len(fresh)
        report(state)

        def advance(n: int) -> None:
            state.passages_embedded += n
            state.elapsed = time.monotonic() - started
            report(state)

        fresh_vectors = embedder.passages(fresh_inputs, progress=advance)

        state.phase = "publish"
        report(state)
        passages: list[Passage] = []
        blocks: list[np.ndarray] = []
        cursor = 0
        for _article, rows in plan:
            if rows and isinstance(rows[0], int):
                assert previous is not None
                idx = list(rows)
                passages.extend(previous.passages[i] for i in idx)
                blocks.append(previous.vectors[idx])
            elif rows:
                passages.extend(rows)  # type: ignore[arg-type]
                blocks.append(fresh_vectors[cursor:cursor + len(rows)])
                cursor += len(rows)
        vectors = np.vstack(blocks) if blocks else np.zeros((0, embedder.dim), np.float32)
        manifest = store.publish(model=embedder.id, recipe=RECIPE, articles=articles,
                                 passages=passages, vectors=vectors)
        state.phase = "done"
        state.elapsed = time.monotonic() - started
        report(state)
        return BuildStats(
            version=manifest.version, changed=True, articles_total=len(articles),
            articles_embedded=len(articles) - reused, articles_reused=reused,
            articles_removed=removed, passages_total=len(passages),
            passages_embedded=len(fresh), seconds=time.monotonic() - started,
        )
