"""Incremental indexing: embed only new or changed articles, then publish atomically.

Vectors go through the embedding cache (index/vector_cache.py): a text embedded
once, by any earlier run, killed or not, is looked up instead of embedded again.
"""

from __future__ import annotations

import fcntl
import logging
import sqlite3
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from pydantic import BaseModel

from corpus.catalogue import Catalogue
from corpus.chunker import chunk
from corpus.errors import NewsdeskError
from corpus.models import Article, Passage
from index.embedder import Embedder
from index.language_bias import language_means
from index.passage_text import RECIPE, passage_input
from index.store import IndexCorrupt, IndexMissing, IndexStore, IndexVersion, Manifest
from index.vector_cache import encode, open_cache, replace_damaged, text_key

log = logging.getLogger("newsdesk." + __name__)


_KEPT_VERSIONS = 3  # as many as IndexStore keeps after a publish
# indexed articles that may leave the catalogue without a recorded removal (an upgrade
# from a release that recorded none): beyond this share of the served ones, a build refuses
LOSS_SHARE = 0.02


class BuildBusy(NewsdeskError):
    pass


class CatalogueLoss(NewsdeskError):
    """The catalogue lacks indexed articles that no removal asked for: a damaged or
    half-rebuilt catalogue, not a change to publish."""


def _served_hashes(store: IndexStore) -> dict[str, str]:
    """Article id → content hash of the version served now; {} when none reads."""
    if not isinstance(store, IndexStore):
        published = getattr(store, "published_hashes", None)
        return published() if published is not None else {}
    versions = store.versions()
    name = store.current_name() or (versions[-1] if versions else None)
    if name is None:
        return {}
    try:
        return store.manifest(name).articles
    except IndexCorrupt:
        return {}


def refuse_unasked_losses(catalogue: Catalogue, served: dict[str, str]) -> None:
    """CatalogueLoss when more than LOSS_SHARE of the served articles left the catalogue
    with no removal recorded. Why: a catalogue that lost rows (damage, a rebuild killed
    half-way) looks like a corpus that shrank, and publishing it would take those
    articles out of every answer; refusing keeps the served index, which `doctor` then
    restores the catalogue from."""
    present = catalogue.hashes()
    vanished = [aid for aid in served if aid not in present]
    if not vanished:
        return
    unasked = sorted(set(vanished) - catalogue.removed())
    if len(unasked) <= max(1, int(LOSS_SHARE * len(served))):
        return
    raise CatalogueLoss(
        f"the catalogue lacks {len(unasked)} of the {len(served)} indexed articles and no "
        f"removal asked for it ({', '.join(unasked[:3])}{' …' if len(unasked) > 3 else ''}): "
        "nothing was published and the index keeps serving them; run `newsdesk doctor` to "
        "restore the catalogue")


class BuildProgress(BaseModel):
    phase: str  # "scan" | "embed" (passages, then sentences) | "publish" | "done"
    articles_scanned: int = 0
    articles_total: int = 0
    passages_embedded: int = 0  # done, from the cache or computed
    passages_to_embed: int = 0
    sentences_embedded: int = 0
    sentences_to_embed: int = 0
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
    sentences_embedded: int
    seconds: float
    vectors_computed: int = 0  # by the model in this run; the rest of the embedded ones
    vectors_cached: int = 0  # came from the embedding cache


ProgressFn = Callable[[BuildProgress], None]


@dataclass
class _Part:
    """One article's slice of the new version: reused rows or freshly chunked passages."""

    article: Article
    passages: list[Passage]
    vectors: np.ndarray | None = None
    sentence_vectors: np.ndarray | None = None


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


def _reuse(previous: IndexVersion) -> dict[str, _Part]:
    """Every article of a version that is rewritten whole (Milvus, a version from before
    segments), with its rows and vectors: its texts read once, in one pass."""
    # read once: a Milvus version fetches its vectors by id, one call per article is slow
    vectors, sentence_vectors = np.asarray(previous.vectors), np.asarray(previous.sentence_vectors)
    texts = previous.texts(previous.article_ids)
    parts = {}
    for aid, article in texts.items():
        idx = previous.rows_of(aid)
        if not idx:
            continue
        sentence_rows = np.concatenate(
            [np.arange(previous.sentence_start[r], previous.sentence_start[r + 1]) for r in idx]
        )
        parts[aid] = _Part(article, [previous.passages[r] for r in idx],
                           vectors[idx], sentence_vectors[sentence_rows])
    return parts


def _served_segmented(store: IndexStore, embedder: Embedder) -> Manifest | None:
    """The served version's manifest when it is segmented, intact by its stamps (a few
    `stat` calls) and of this model and recipe: what a build starts from without loading
    the version."""
    name = store.current_name() if isinstance(store, IndexStore) else None
    manifest = store.intact(name) if name is not None else None
    if manifest is None or manifest.segments is None or manifest.recipe != RECIPE or \
            manifest.model != embedder.id:
        return None
    return manifest


def _segmented(store: IndexStore, previous: IndexVersion | None) -> bool:
    """A FAISS store with a segmented version to build on: only what changed is written."""
    if not isinstance(store, IndexStore) or previous is None:
        return False
    if previous.manifest.segments is None:
        log.warning("the index %s predates segments: this build rewrites it once as one "
                    "segment", previous.name)
        return False
    return True


def _tidy(store: IndexStore) -> None:
    """Finish the clean-up a publish killed after switching CURRENT could not: its temp
    folders, and versions and segments past keeping. A build with nothing to publish would
    otherwise leave them (a segment's worth of disk each) until the next change
    (benchmarks/bench_kill.py found one). A few `stat`s and three small manifests."""
    if isinstance(store, IndexStore):
        store.prune(keep=_KEPT_VERSIONS)


def _texts(parts: list[_Part]) -> tuple[list[str], list[str]]:
    """What the model reads for these articles: each passage, then each of its sentences."""
    passages = [passage_input(p.article, x) for p in parts for x in p.passages]
    sentences = [p.article.text[s.start:s.end]
                 for p in parts for x in p.passages for s in x.sentences]
    return passages, sentences


class PruneStats(BaseModel):
    kept: int  # rows this catalogue uses, dated today
    removed: int  # rows nobody used for `days` days
    left: int  # rows in the cache now, every model's


def prune_cache(catalogue: Catalogue, embedder: Embedder, vector_cache: Path,
                days: int) -> PruneStats:
    """Drop the cache's rows nobody used for `days` days, after dating today every text
    this catalogue uses (see index/vector_cache.py: the cache may be shared, so what
    another home needs is known only by its use). Cost: chunking the catalogue (no
    model work), a key lookup and a 12-byte date per text, one range of the dates' index."""
    cache = open_cache(vector_cache)
    try:
        passages, sentences = _texts([_Part(a, chunk(a)) for a in catalogue.articles()])
        keys = list(dict.fromkeys(text_key(embedder.passage_prefix, t)
                                  for t in passages + sentences))
        kept = cache.touch(embedder.id, embedder.recipe, keys)
        removed = cache.prune(days)
        return PruneStats(kept=kept, removed=removed, left=cache.rows())
    finally:
        cache.close()


def _embed(embedder: Embedder, vector_cache: Path | None, passages: list[str],
           sentences: list[str], state: BuildProgress, tick: Callable[..., None]
           ) -> tuple[tuple[np.ndarray, int], tuple[np.ndarray, int]]:
    """Vectors of the passages and the sentences, through the cache. A cache found damaged
    while it is read (its header opened fine) is set aside and the work done again with a
    new one: derived data never stops a build."""
    for attempt in (1, 2):
        cache = open_cache(vector_cache) if vector_cache is not None else None
        state.passages_embedded = state.sentences_embedded = 0
        try:
            done = (encode(embedder, cache, passages,
                           progress=lambda n: tick(passages_embedded=state.passages_embedded + n),
                           label="passages"),
                    encode(embedder, cache, sentences,
                           progress=lambda n: tick(
                               sentences_embedded=state.sentences_embedded + n),
                           label="sentences"))
        except sqlite3.DatabaseError as exc:
            if cache is None or attempt == 2:
                raise
            cache.close()
            cache = None
            assert vector_cache is not None
            replace_damaged(vector_cache, str(exc)).close()
            continue
        finally:
            if cache is not None:
                cache.close()
        return done
    raise AssertionError("unreachable")


def _stack(blocks: list[np.ndarray | None], embedder: Embedder) -> np.ndarray:
    """Rows of every part; only an index with no rows at all asks the model its width."""
    filled = [b for b in blocks if b is not None and len(b)]
    return np.vstack(filled) if filled else np.zeros((0, embedder.dim), np.float32)


def build(catalogue: Catalogue, store: IndexStore, embedder: Embedder, cache_dir: Path, *,
          full: bool = False, progress: ProgressFn | None = None,
          vector_cache: Path | None = None) -> BuildStats:
    """`vector_cache`: the embedding cache's file; None embeds everything it needs afresh."""
    started = time.monotonic()
    report = progress or (lambda _p: None)
    state = BuildProgress(phase="scan")

    def tick(**changes: object) -> None:
        for key, value in changes.items():
            setattr(state, key, value)
        state.elapsed = time.monotonic() - started
        report(state)

    with build_lock(store.root):
        base = None if full else _served_segmented(store, embedder)
        if base is not None and base.articles == catalogue.hashes(duplicates=False):
            _tidy(store)
            return BuildStats(  # a no-op compares content hashes and loads nothing
                version=base.version, changed=False, articles_total=len(base.articles),
                articles_embedded=0, articles_reused=len(base.articles), articles_removed=0,
                passages_total=base.passages, passages_embedded=0, sentences_embedded=0,
                seconds=time.monotonic() - started)
        previous = None if base is not None else _reusable(store, embedder, full)
        if base is None and previous is not None and _segmented(store, previous):
            base = previous.manifest  # the served version is damaged: an older one serves
        incremental = base is not None
        known = base.articles if base is not None else \
            previous.manifest.articles if previous is not None else {}
        old = _reuse(previous) if previous is not None and not incremental else {}
        served = known if known and not full else _served_hashes(store)
        if served:
            refuse_unasked_losses(catalogue, served)
        articles = list(catalogue.articles())
        tick(articles_total=len(articles))
        parts: list[_Part] = []
        fresh: list[_Part] = []
        for article in articles:
            unchanged = known.get(article.id) == article.content_hash
            if unchanged and not incremental:  # its rows are copied into the new version
                parts.append(old.get(article.id) or _Part(article, []))  # [] : no passage
            elif not unchanged:
                part = _Part(article, chunk(article))
                parts.append(part)
                fresh.append(part)
            state.articles_scanned += 1
        current = {a.id for a in articles}
        removed = sum(1 for aid in known if aid not in current)
        tick()
        legacy = isinstance(store, IndexStore) and previous is not None and not incremental
        if previous is not None and not fresh and not removed and not legacy:
            if store.current_name() != previous.name:
                log.warning("the index pointer is repaired: it names %s again", previous.name)
                store.point_to(previous.name)
            _tidy(store)
            return BuildStats(
                version=previous.name, changed=False, articles_total=len(articles),
                articles_embedded=0, articles_reused=len(articles), articles_removed=0,
                passages_total=len(previous.passages), passages_embedded=0,
                sentences_embedded=0, seconds=time.monotonic() - started,
            )

        passage_inputs, sentence_inputs = _texts(fresh)
        tick(phase="embed", passages_to_embed=len(passage_inputs),
             sentences_to_embed=len(sentence_inputs))
        (passage_vectors, computed), (sentence_vectors, computed_s) = _embed(
            embedder, vector_cache, passage_inputs, sentence_inputs, state, tick)
        computed += computed_s
        languages, means = language_means(embedder, cache_dir)

        tick(phase="publish")
        log.info("publishing %d new or changed articles (%d passages)", len(fresh),
                 len(passage_inputs))
        p_cursor = s_cursor = 0
        for part in fresh:
            n_p = len(part.passages)
            n_s = sum(len(x.sentences) for x in part.passages)
            part.vectors = passage_vectors[p_cursor:p_cursor + n_p]
            part.sentence_vectors = sentence_vectors[s_cursor:s_cursor + n_s]
            p_cursor, s_cursor = p_cursor + n_p, s_cursor + n_s
        kept = [p for p in (fresh if incremental else parts) if p.passages]
        rows = {"passages": [x for p in kept for x in p.passages],
                "vectors": _stack([p.vectors for p in kept], embedder),
                "sentence_vectors": _stack([p.sentence_vectors for p in kept], embedder)}
        if incremental:
            assert isinstance(store, IndexStore) and base is not None
            manifest = store.publish_changes(
                base, model=embedder.id, recipe=RECIPE, articles=articles,
                fresh=[p.article for p in fresh], languages=languages, language_means=means,
                **rows)
        else:
            manifest = store.publish(model=embedder.id, recipe=RECIPE, articles=articles,
                                     languages=languages, language_means=means, **rows)
        tick(phase="done")
        return BuildStats(
            version=manifest.version, changed=True, articles_total=len(articles),
            articles_embedded=len(fresh), articles_reused=len(articles) - len(fresh),
            articles_removed=removed, passages_total=manifest.passages,
            passages_embedded=len(passage_inputs), sentences_embedded=len(sentence_inputs),
            seconds=time.monotonic() - started, vectors_computed=computed,
            vectors_cached=len(passage_inputs) + len(sentence_inputs) - computed,
        )
