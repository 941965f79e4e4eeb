"""Segmented FAISS index on disk, published atomically.

Layout under the index folder:

    CURRENT        name of the version being served (replaced with os.replace)
    v-000007/      one version: manifest.json (the live segments, their checksums, the
                   tombstones) and languages.npz: small, rewritten at every publish
    s-000012/      one immutable segment: vectors.npy, sentences.npy, passages.npy (per
                   passage: article, ordinal, start, end, sentence count) and spans.npy (per
                   sentence: start, end), all opened memory-mapped; articles.json (each
                   article's small columns and the byte offset of its record),
                   articles.jsonl (the full records, read by offset for an answer's hits
                   only), held.json, and faiss-<i>.index, one persisted FAISS index per
                   language, built once when the segment is written

A publish writes a segment for new and changed articles only, plus a new version whose
manifest names the live segments and tombstones the articles older segments hold but no
longer serve. Segments and versions are written under temporary names, fsynced, renamed into
place and only then named in CURRENT, so a crash at any point leaves the previous version
intact and loadable. When too many segments of one size tier pile up, the publish merges them
into one (tombstoned rows dropped), so the count of segments stays logarithmic in the archive.

Versions from before segments (every file in the version folder) and segments from before
passages were arrays (passages.jsonl) still load, parsed once into the same arrays; the next
publish or merge rewrites them.
"""

from __future__ import annotations

import contextlib
import json
import logging
import math
import os
import re
import shutil
import tempfile
import weakref
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, date, datetime
from functools import cached_property
from pathlib import Path
from typing import Any, Protocol, TypeVar, overload

import faiss
import numpy as np
from pydantic import BaseModel, ValidationError

from corpus.errors import NewsdeskError
from corpus.models import Article, Passage, Span
from index import ann
from index.language_bias import LanguageOffsets
from index.lexical import Lexical
from index.passage_text import passage_input
from index.provision import file_sha256

log = logging.getLogger("newsdesk." + __name__)

_VERSION = re.compile(r"^v-(\d{6})$")
_SEGMENT = re.compile(r"^s-(\d{6})$")
FILES = ("vectors.npy", "sentences.npy", "passages.jsonl", "articles.jsonl", "languages.npz")
SEGMENT_FILES = ("vectors.npy", "sentences.npy", "passages.npy", "spans.npy", "articles.jsonl",
                 "articles.json", "held.json")
MERGE_FACTOR = 8  # this many segments of one size tier are merged into one
STAMP = ".verified"  # in a segment: the files' stats when their checksums last matched


class IndexMissing(NewsdeskError):
    pass


class IndexCorrupt(NewsdeskError):
    pass


class SegmentRef(BaseModel):
    """A segment as a manifest names it: enough to open and check it without reading it."""

    name: str
    passages: int  # rows it holds, tombstoned ones included
    languages: list[str] = []  # faiss-<i>.index holds the rows of languages[i]
    files: dict[str, str]  # file name → sha256, recorded when the segment was written


class Manifest(BaseModel):
    version: str
    created: datetime
    model: str
    recipe: str
    dim: int
    articles: dict[str, str]  # article id → content hash
    passages: int  # rows served
    files: dict[str, str]  # file name → sha256 (of the version folder's own files)
    segments: list[SegmentRef] | None = None  # None: a version from before segments
    tombstones: dict[str, list[str]] = {}  # segment → article ids it holds but no longer serves


def _fsync_dir(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _fsync_files(folder: Path) -> None:
    for path in folder.iterdir():
        with path.open("rb") as f:
            os.fsync(f.fileno())


def _damaged(name: str, why: str) -> IndexCorrupt:
    return IndexCorrupt(f"the index {name} is damaged ({why}); "
                        "run `newsdesk index --full` to rebuild it")


def _unreadable(name: str, exc: BaseException) -> IndexCorrupt:
    return IndexCorrupt(f"the index {name} cannot be read ({exc.__class__.__name__}); "
                        "run `newsdesk index --full` to rebuild it")


def build_faiss(vectors: np.ndarray) -> faiss.Index:
    """Exact search while it is fast, IVF above (index/ann.py: measured limits)."""
    return ann.build(vectors)


def _ranges(starts: np.ndarray, counts: np.ndarray) -> np.ndarray:
    """The concatenation of range(start, start + count) for each pair, without a loop."""
    total = int(counts.sum())
    if not total:
        return np.zeros(0, np.int64)
    shift = np.repeat(starts - np.concatenate([[0], np.cumsum(counts)[:-1]]), counts)
    return (shift + np.arange(total)).astype(np.int64)


@dataclass(frozen=True, slots=True)
class ArticleInfo:
    """What a loaded version keeps of an article: what filters, recency and citations read.

    Its text is not kept: a version reads it by id for the few hits of an answer
    (`IndexVersion.texts`), so a process grows with its vectors, not its archive's text."""

    id: str
    title: str
    outlet: str
    url: str
    published: date | None
    language: str
    content_hash: str  # of the text (and the rest) the segment's offsets were computed on

    @classmethod
    def of(cls, article: Article) -> ArticleInfo:
        return cls(article.id, article.title, article.outlet, article.url, article.published,
                   article.language, article.content_hash)


COLUMNS = ("id", "title", "outlet", "url", "published", "language", "hash", "at")
ROW = ("article", "ordinal", "start", "end", "sentences")  # the columns of passages.npy


def _columns(infos: list[ArticleInfo], at: list[int]) -> dict[str, list[Any]]:
    return {"id": [a.id for a in infos], "title": [a.title for a in infos],
            "outlet": [a.outlet for a in infos], "url": [a.url for a in infos],
            "published": [a.published.isoformat() if a.published else None for a in infos],
            "language": [a.language for a in infos], "hash": [a.content_hash for a in infos],
            "at": at}


def _infos(columns: dict[str, list[Any]]) -> list[ArticleInfo]:
    dates = [date.fromisoformat(d) if d else None for d in columns["published"]]
    return [ArticleInfo(*values) for values in zip(
        columns["id"], columns["title"], columns["outlet"], columns["url"], dates,
        columns["language"], columns["hash"], strict=True)]


class Passages(Sequence[Passage]):
    """Every passage of a segment or version as integer arrays (memory-mapped from the
    segment when nothing needs remapping); a `Passage` record is made only for a row asked
    for, so loading a million passages builds no million records.

    `table` rows: (article position in `ids`, ordinal, start, end, sentence count);
    `spans`: (start, end) of every sentence, row after row."""

    def __init__(self, ids: list[str], table: np.ndarray, spans: np.ndarray) -> None:
        self.ids = ids
        self.table = table.reshape(-1, len(ROW))
        self.spans = spans.reshape(-1, 2)
        self.article = self.table[:, 0]
        counts = self.table[:, 4].astype(np.int64)
        self.sentence_start = np.concatenate([[0], np.cumsum(counts)]).astype(np.int64)
        if int(self.sentence_start[-1]) != len(self.spans):
            raise ValueError("sentence counts do not match the spans")

    @classmethod
    def of(cls, passages: Iterable[Passage], ids: list[str]) -> Passages:
        """From records (what a build makes), articles numbered by their place in `ids`."""
        position = {aid: i for i, aid in enumerate(ids)}
        rows, spans = [], []
        for p in passages:
            rows.append((position[p.article_id], p.ordinal, p.start, p.end, len(p.sentences)))
            spans.extend((s.start, s.end) for s in p.sentences)
        return cls(ids, np.array(rows, np.int32).reshape(-1, len(ROW)),
                   np.array(spans, np.int32).reshape(-1, 2))

    def __len__(self) -> int:
        return len(self.table)

    @overload
    def __getitem__(self, row: int) -> Passage: ...

    @overload
    def __getitem__(self, row: slice) -> list[Passage]: ...

    def __getitem__(self, row: int | slice) -> Passage | list[Passage]:
        if isinstance(row, slice):
            return [self[r] for r in range(*row.indices(len(self)))]
        article, ordinal, start, end, _ = (int(x) for x in self.table[row])
        spans = self.spans[self.sentence_start[row]:self.sentence_start[row + 1]].tolist()
        return Passage(article_id=self.ids[article], ordinal=ordinal, start=start, end=end,
                       sentences=[Span(start=s, end=e) for s, e in spans])

    def article_id(self, row: int) -> str:
        return self.ids[int(self.article[row])]

    def sentence_spans(self, row: int) -> np.ndarray:
        return self.spans[self.sentence_start[row]:self.sentence_start[row + 1]]

    def pick(self, rows: np.ndarray, place: np.ndarray, ids: list[str]) -> Passages:
        """The given rows, their articles renumbered by `place` (old position → new) into
        `ids`: what a version of several segments, or a merge, is made of."""
        rows = np.asarray(rows, np.int64)
        table = np.array(self.table[rows], np.int32)
        table[:, 0] = place[table[:, 0]]
        starts = self.sentence_start[rows]
        spans = self.spans[_ranges(starts, self.sentence_start[rows + 1] - starts)]
        return Passages(ids, table, np.asarray(spans, np.int32))

    @staticmethod
    def join(parts: list[Passages], ids: list[str]) -> Passages:
        """Parts whose articles are already numbered in `ids`, one after the other."""
        if not parts:
            return Passages(ids, np.zeros((0, len(ROW)), np.int32), np.zeros((0, 2), np.int32))
        return Passages(ids, np.concatenate([p.table for p in parts]),
                        np.concatenate([p.spans for p in parts]))


def _language_rows(passages: Passages, languages: list[str]) -> dict[str, np.ndarray]:
    """Rows of each language, ascending: the order a segment's FAISS index holds them in.
    Languages come in the order their first row does. `languages`: one per article of
    `passages.ids`."""
    codes: dict[str, int] = {}
    code = np.fromiter((codes.setdefault(lang, len(codes)) for lang in languages), np.int64,
                       len(languages))
    names = list(codes)
    rows_code = code[passages.article] if len(passages) else np.zeros(0, np.int64)
    present, first = np.unique(rows_code, return_index=True)
    order = present[np.argsort(first, kind="stable")]
    return {names[c]: np.flatnonzero(rows_code == c) for c in order.tolist()}


class Segment:
    """One immutable segment as loaded: its articles' small columns, its passages as arrays
    and its vectors (all memory-mapped), one FAISS index per language read from disk and
    never rebuilt (except for a version from before segments, whose indexes were never
    written), and where each article's full record lies in its articles.jsonl."""

    def __init__(self, name: str, infos: list[ArticleInfo], passages: Passages,
                 vectors: np.ndarray, sentence_vectors: np.ndarray,
                 indexes: dict[str, faiss.Index] | None, records: Records) -> None:
        self.name = name
        self.infos = infos
        self.passages = passages
        self.vectors = vectors
        self.sentence_vectors = sentence_vectors
        self.records = records
        self.sentence_start = passages.sentence_start
        self.language_rows = _language_rows(passages, [a.language for a in infos])
        if indexes is None:
            indexes = {lang: build_faiss(vectors[rows])
                       for lang, rows in self.language_rows.items()}
        if set(indexes) != set(self.language_rows) or any(
                indexes[lang].ntotal != len(rows) for lang, rows in self.language_rows.items()):
            raise _damaged(name, "its FAISS indexes do not match its passages")
        self.indexes = indexes


class Records:
    """Where a segment's full articles are: lines of its articles.jsonl at known byte
    offsets, read (with `pread`, nothing kept) only for the positions asked; or, for a
    segment never written, the articles themselves."""

    def __init__(self, path: Path | None, at: np.ndarray | None = None,
                 held: list[Article] | None = None) -> None:
        self.path, self.at, self.held = path, at, held

    def lines(self, positions: Iterable[int]) -> list[bytes]:
        assert self.path is not None and self.at is not None
        out = []
        with self.path.open("rb") as f:
            for position in positions:
                f.seek(int(self.at[position]))
                out.append(f.readline())
        return out

    def read(self, positions: Iterable[int]) -> list[Article]:
        if self.held is not None:
            return [self.held[p] for p in positions]
        return [Article.model_validate_json(line) for line in self.lines(positions)]


class Stitched:
    """Rows picked from several memory-mapped arrays, seen as one array and read only where
    asked: what keeps a version of many segments from copying its vectors into memory."""

    def __init__(self, pieces: list[tuple[np.ndarray, np.ndarray]], dim: int) -> None:
        self.pieces = pieces  # (array, the rows of it that are served, in served order)
        self.bounds = np.cumsum([0] + [len(rows) for _, rows in pieces]).astype(np.int64)
        self.shape = (int(self.bounds[-1]), dim)
        self.dtype = np.dtype(np.float32)
        self.ndim = 2

    def __len__(self) -> int:
        return self.shape[0]

    def take(self, rows: np.ndarray) -> np.ndarray:
        rows = np.asarray(rows, np.int64)
        rows = np.where(rows < 0, rows + len(self), rows)
        out = np.empty((len(rows), self.shape[1]), np.float32)
        piece = np.searchsorted(self.bounds, rows, side="right") - 1
        for p in np.unique(piece):
            chosen = piece == p
            array, served = self.pieces[p]
            out[chosen] = array[served[rows[chosen] - self.bounds[p]]]
        return out

    def __getitem__(self, key: Any) -> np.ndarray:
        if isinstance(key, int | np.integer):
            return self.take(np.array([key]))[0]
        if isinstance(key, slice):
            return self.take(np.arange(*key.indices(len(self))))
        key = np.asarray(key)
        return self.take(np.flatnonzero(key) if key.dtype == bool else key)

    def __array__(self, dtype: Any = None, copy: Any = None) -> np.ndarray:
        out = self.take(np.arange(len(self)))
        return out if dtype is None else out.astype(dtype)

    def __matmul__(self, other: np.ndarray) -> np.ndarray:
        return np.asarray(self) @ other


def _served(array: np.ndarray, rows: np.ndarray, pieces: list[tuple[np.ndarray, np.ndarray]],
            dim: int) -> np.ndarray | Stitched:
    """The one array itself when a version serves all of one segment (no copy), else a
    `Stitched` view."""
    if len(pieces) == 1 and len(rows) == len(array):
        return array
    return Stitched(pieces, dim)


class Texts(Protocol):
    """Full articles by id (the catalogue has this call; so does `Held`)."""

    def get_many(self, ids: Iterable[str]) -> dict[str, Article]: ...


class Held:
    """Articles held in memory: a version never written to disk, a Milvus version."""

    def __init__(self, articles: dict[str, Article]) -> None:
        self.articles = articles

    def get_many(self, ids: Iterable[str]) -> dict[str, Article]:
        return {aid: self.articles[aid] for aid in ids if aid in self.articles}


class IndexVersion:
    """One loaded, immutable version: the served rows of its segments, as one array of rows.

    It finds nearest passages and nothing more; how they score against each other is
    index/ranking.py's business. Rows are numbered across segments in manifest order;
    tombstoned rows have no number, so nothing can return them.

    What it holds: vectors and passages as arrays, memory-mapped; per article a small
    `ArticleInfo` (title, outlet, url, date, language, content hash), never its text.
    `texts` reads full articles for the ≤ 8 hits of an answer from the segments' own
    articles.jsonl, by byte offset, each checked against the hash recorded beside its
    offsets. Why the segment's copy and not the catalogue's: it is the exact text the
    passages' offsets were computed on, so an excerpt cannot slice another text whatever
    the catalogue has re-fetched since; and an answering shard of a shared index needs no
    catalogue at all (README, "Deployment"). Where the catalogue is at hand (`catalogue`,
    set by the Desk that builds the index), `quotable` also leaves out an article whose
    catalogue text has moved on since (re-fetched, not yet reindexed) or left it: what a
    member opens (`newsdesk show`) would not hold the quote. One log line says so; the
    next `newsdesk index` serves the new text."""

    catalogue: Texts | None = None  # the current texts, when this process has them

    def __init__(self, manifest: Manifest, segments: list[Segment],
                 tombstones: dict[str, set[str]], offsets: LanguageOffsets) -> None:
        self.manifest = manifest
        self.segments = segments
        self.offsets = offsets
        self.articles: dict[str, ArticleInfo] = {}
        self.to_version: list[np.ndarray] = []  # per segment: its row → version row, or -1
        self.homes: list[np.ndarray] = []  # per segment: its positions of served articles
        parts: list[tuple[Passages, np.ndarray, np.ndarray]] = []
        vectors, sentences = [], []
        rows = 0
        for segment in segments:
            dead = tombstones.get(segment.name, set())
            alive = np.fromiter((a.id not in dead for a in segment.infos), bool,
                                len(segment.infos))
            home = np.flatnonzero(alive)
            place = np.full(len(segment.infos), -1, np.int64)
            before = len(self.articles)
            place[home] = before + np.arange(len(home))
            self.articles.update((segment.infos[i].id, segment.infos[i]) for i in home.tolist())
            if len(self.articles) != before + len(home):
                raise _damaged(manifest.version, "an article is served by two segments")
            self.homes.append(home)
            live = np.flatnonzero(alive[segment.passages.article]) if len(segment.passages) \
                else np.zeros(0, np.int64)
            mapping = np.full(len(segment.passages), -1, np.int64)
            mapping[live] = rows + np.arange(len(live))
            rows += len(live)
            self.to_version.append(mapping)
            parts.append((segment.passages, live, place))
            starts = segment.sentence_start
            vectors.append((segment.vectors, live))
            sentences.append((segment.sentence_vectors,
                              _ranges(starts[live], starts[live + 1] - starts[live])))
        ids = list(self.articles)
        whole = len(segments) == 1 and len(vectors[0][1]) == len(segments[0].passages) and \
            len(self.homes[0]) == len(segments[0].infos)  # served as written: no copy
        self.passages = segments[0].passages if whole else Passages.join(
            [passages.pick(live, place, ids) for passages, live, place in parts], ids)
        dim = manifest.dim
        self.vectors = (_served(segments[0].vectors, vectors[0][1], vectors, dim)
                        if segments else np.zeros((0, dim), np.float32))
        self.sentence_vectors = (
            _served(segments[0].sentence_vectors, sentences[0][1], sentences, dim)
            if segments else np.zeros((0, dim), np.float32))
        self.sentence_start = self.passages.sentence_start
        self.article_bounds = np.cumsum([0] + [len(h) for h in self.homes]).astype(np.int64)

    @classmethod
    def in_memory(cls, manifest: Manifest, articles: dict[str, Article],
                  passages: list[Passage], vectors: np.ndarray, sentence_vectors: np.ndarray,
                  offsets: LanguageOffsets) -> IndexVersion:
        """A version of one segment never written to disk (its FAISS indexes built here):
        what benchmarks make synthetic archives with."""
        held = list(articles.values())
        infos = [ArticleInfo.of(a) for a in held]
        table = Passages.of(passages, [a.id for a in held])
        segment = Segment("s-memory", infos, table, vectors, sentence_vectors, None,
                          Records(None, held=held))
        return cls(manifest.model_copy(update={"passages": len(passages)}), [segment], {},
                   offsets)

    def texts(self, ids: Iterable[str]) -> dict[str, Article]:
        """The full articles of `ids` this version serves, read from their segments (see the
        class docstring): the text every excerpt of them slices. A record that does not
        hash as it did when written is left out, said in one log line."""
        wanted = [aid for aid in dict.fromkeys(ids) if aid in self.articles]
        found = self._read(wanted)
        out = {aid: a for aid, a in found.items()
               if a.content_hash == self.articles[aid].content_hash}
        if len(out) < len(wanted):
            lost = [aid for aid in wanted if aid not in out]
            self._distrust(lost)
            log.warning("the index %s holds %d article(s) whose stored text does not match "
                        "its hash (%s): left out of answers; `newsdesk index` (or `newsdesk "
                        "doctor`) rebuilds them", self.name, len(lost), ", ".join(lost[:5]))
        return out

    def _distrust(self, ids: list[str]) -> None:
        """Drop the stamps of the segments holding `ids`: their files changed without their
        size or time changing (bit rot), so the next build hashes them in full, finds the
        damage and rebuilds instead of saying "up to date". Best effort (a read-only index
        is hashed at every load anyway)."""
        position = self.article_position
        for aid in ids:
            s = int(np.searchsorted(self.article_bounds, position[aid], side="right")) - 1
            path = self.segments[s].records.path
            if path is not None:
                with contextlib.suppress(OSError):
                    (path.parent / STAMP).unlink(missing_ok=True)

    def quotable(self, ids: Iterable[str]) -> dict[str, Article]:
        """`texts`, less the articles the catalogue has changed or dropped since this
        version was built (when it was given the catalogue): only texts a member opens
        unchanged are quoted."""
        out = self.texts(ids)
        if self.catalogue is None or not out:
            return out
        try:
            now = self.catalogue.get_many(list(out))
        except NewsdeskError as exc:  # a damaged catalogue (the Desk says so once): the
            log.debug("%s; quoting the index's texts unchecked", exc)  # index still answers
            return out
        moved = [aid for aid in out if aid not in now
                 or now[aid].content_hash != self.articles[aid].content_hash]
        if moved:
            log.info("%d article(s) changed or left the catalogue since the index %s was "
                     "built (%s): not quoted until `newsdesk index` indexes them", len(moved),
                     self.name, ", ".join(_shown(out[aid]) for aid in moved[:5]))
        return {aid: a for aid, a in out.items() if aid not in moved}

    def _read(self, ids: list[str]) -> dict[str, Article]:
        position = self.article_position
        by_segment: dict[int, list[int]] = {}
        for aid in ids:
            p = position[aid]
            s = int(np.searchsorted(self.article_bounds, p, side="right")) - 1
            by_segment.setdefault(s, []).append(int(self.homes[s][p - self.article_bounds[s]]))
        out: dict[str, Article] = {}
        for s, local in by_segment.items():
            try:
                out.update((a.id, a) for a in self.segments[s].records.read(local))
            except (OSError, ValueError) as exc:
                log.warning("%s", _unreadable(self.segments[s].name, exc))
        return out

    def article_of(self, row: int) -> ArticleInfo:
        """The article of one passage row."""
        return self.articles[self.passages.article_id(row)]

    @cached_property
    def lexical(self) -> Lexical:
        """Built on first use only: BM25 is off by default (it measured worse). It reads
        every article's text once, in batches, and keeps only its own term statistics."""
        inputs = [""] * len(self.passages)
        ids = self.article_ids
        for i in range(0, len(ids), 1000):
            for aid, article in self.texts(ids[i:i + 1000]).items():
                for row in self.rows_of(aid):
                    inputs[row] = passage_input(article, self.passages[row])
        return Lexical(inputs)

    @property
    def name(self) -> str:
        return self.manifest.version

    @cached_property
    def row_language(self) -> np.ndarray:
        """The language of every row (an array of str; made on first use)."""
        languages = np.array([a.language for a in self.articles.values()], dtype=object)
        return languages[self.row_article] if len(languages) else np.zeros(0, object)

    @cached_property
    def languages(self) -> list[str]:
        """The groups `search_group` searches, in a fixed order: the order their first row
        comes in (other backends have no FAISS groups)."""
        return list(_language_rows(self.passages, [a.language for a in self.articles.values()]))

    @cached_property
    def _by_article(self) -> tuple[np.ndarray, np.ndarray]:
        """(rows sorted by article, stable; where each article's rows begin in it)."""
        order = np.argsort(self.row_article, kind="stable")
        counts = np.bincount(self.row_article, minlength=len(self.article_ids))
        return order, np.concatenate([[0], np.cumsum(counts)]).astype(np.int64)

    @cached_property
    def article_ids(self) -> list[str]:
        return list(self.articles)

    @cached_property
    def article_position(self) -> dict[str, int]:
        return {aid: i for i, aid in enumerate(self.article_ids)}

    @cached_property
    def row_article(self) -> np.ndarray:
        """For each passage row, the position of its article in `article_ids`: what turns a
        choice of articles into a mask of rows in one step."""
        return np.asarray(self.passages.article, np.int64)

    def rows_of(self, article_id: str) -> list[int]:
        """Every passage row of one article, in reading order."""
        position = self.article_position.get(article_id)
        if position is None:
            return []
        order, starts = self._by_article
        return order[starts[position]:starts[position + 1]].tolist()

    def sentences_of(self, row: int) -> np.ndarray:
        return self.sentence_vectors[self.sentence_start[row]:self.sentence_start[row + 1]]

    @cached_property
    def _groups(self) -> dict[tuple[int, str], tuple[np.ndarray, np.ndarray | None]]:
        """(segment, language) → (version row of each position in that FAISS index, -1 if
        tombstoned; the served positions, None when all are): worked out once, not at each
        query (at 1M rows that was ~5 ms of CPU per question)."""
        groups = {}
        for at, (segment, mapping) in enumerate(zip(self.segments, self.to_version,
                                                    strict=True)):
            for language, local in segment.language_rows.items():
                rows = mapping[local]
                served = rows >= 0
                groups[at, language] = (rows, None if served.all() else served)
        return groups

    def search_group(self, language: str, query: np.ndarray, k: int,
                     allowed: np.ndarray | None = None) -> tuple[np.ndarray, np.ndarray]:
        """(rows, inner products) of the `k` nearest passages of one language, nearest first.

        `allowed`: a mask over every row of the version; only those rows may be returned, and
        FAISS searches among them, so a narrow filter still gets its full `k`. Each segment
        is searched among its served rows and the hits merged."""
        q = np.ascontiguousarray(np.asarray(query, np.float32).reshape(1, -1))
        found_rows, found_scores = [], []
        for at, segment in enumerate(self.segments):
            if (at, language) not in self._groups or k <= 0:
                continue
            rows, served = self._groups[at, language]
            ok = served
            if allowed is not None:
                ok = (np.ones(len(rows), bool) if ok is None else ok) & \
                    allowed[np.where(rows >= 0, rows, 0)]
            admitted = len(rows) if ok is None else int(ok.sum())
            hits = ann.search(segment.indexes[language], q, min(k, admitted), ok)
            found_rows.append(rows[hits[1]])
            found_scores.append(hits[0])
        if not found_rows:
            return np.zeros(0, np.int64), np.zeros(0, np.float32)
        rows, scores = np.concatenate(found_rows), np.concatenate(found_scores)
        order = np.argsort(-scores, kind="stable")[:k]
        return rows[order], scores[order]


_loaded: weakref.WeakValueDictionary[tuple[Any, ...], Segment] = weakref.WeakValueDictionary()


def _open_array(path: Path) -> np.ndarray:
    return np.load(path, mmap_mode="r", allow_pickle=False)


def _read_arrays(folder: Path) -> tuple[list[ArticleInfo], Passages, Records]:
    """A segment as written since passages are arrays: nothing parsed but the articles'
    small columns."""
    columns = json.loads((folder / "articles.json").read_text("utf-8"))
    infos = _infos(columns)
    passages = Passages([a.id for a in infos], _open_array(folder / "passages.npy"),
                        _open_array(folder / "spans.npy"))
    return infos, passages, Records(folder / "articles.jsonl", np.array(columns["at"], np.int64))


def _read_records(folder: Path) -> tuple[list[ArticleInfo], Passages, Records]:
    """A segment (or a version from before segments) written as JSON records: parsed once
    into the same arrays; the next merge or full build rewrites it."""
    at, infos, offset = [], [], 0
    with (folder / "articles.jsonl").open("rb") as f:
        for line in f:
            at.append(offset)
            infos.append(ArticleInfo.of(Article.model_validate_json(line)))
            offset += len(line)
    ids = [a.id for a in infos]
    known = set(ids)
    records = list(_read_jsonl(folder / "passages.jsonl", Passage))
    if any(p.article_id not in known for p in records):
        raise ValueError("a passage of an article the segment does not hold")
    return infos, Passages.of(records, ids), Records(folder / "articles.jsonl",
                                                      np.array(at, np.int64))


def _read_jsonl(path: Path, model: type[BaseModel]) -> Iterator[Any]:
    with path.open(encoding="utf-8") as f:
        for line in f:
            yield model.model_validate_json(line)


V = TypeVar("V")


def newest_intact(current: str | None, versions: list[str],
                  load_version: Callable[[str], V], no_pointer: str) -> V:
    """The version `current` names; if it is damaged, the newest older one that loads.

    Shared by every store: a missing or damaged pointer is no reason to re-embed a whole
    corpus; the newest intact version serves and the next build rewrites the pointer."""
    if current is None and not versions:
        raise IndexMissing("there is no index yet; run `newsdesk index`")
    if current is None:
        log.warning("%s; serving the newest intact version (`newsdesk index` repairs it)",
                    no_pointer)
        candidates = list(reversed(versions))
    else:
        candidates = [current] + [v for v in reversed(versions) if v < current]
    first_error: IndexCorrupt | None = None
    for name in candidates:
        try:
            version = load_version(name)
        except IndexCorrupt as exc:
            first_error = first_error or exc
            log.warning("%s", exc)
            continue
        if current is not None and name != current:
            log.warning("serving the older index %s because %s is damaged", name, current)
        return version
    assert first_error is not None
    raise first_error


class IndexStore:
    def __init__(self, root: Path) -> None:
        self.root = root

    def versions(self) -> list[str]:
        if not self.root.is_dir():
            return []
        return sorted(p.name for p in self.root.iterdir() if _VERSION.match(p.name))

    def segment_names(self) -> list[str]:
        if not self.root.is_dir():
            return []
        return sorted(p.name for p in self.root.iterdir() if _SEGMENT.match(p.name))

    def current_name(self) -> str | None:
        """The version CURRENT names; None when it is missing or damaged."""
        try:
            raw = (self.root / "CURRENT").read_bytes()
        except OSError:
            return None
        name = raw.decode("utf-8", "replace").strip()
        return name if _VERSION.match(name) else None

    def load(self) -> IndexVersion:
        """The current version; if it is damaged, the newest older one that loads.

        A missing or damaged CURRENT is no reason to re-embed a whole corpus: the newest
        intact version serves, and the next build (or `newsdesk doctor`) rewrites CURRENT.
        """
        return newest_intact(
            self.current_name(), self.versions(), self.load_version,
            f"the index pointer {self.root / 'CURRENT'} is missing or damaged")

    def manifest(self, name: str) -> Manifest:
        try:
            raw = (self.root / name / "manifest.json").read_text("utf-8")
            return Manifest.model_validate_json(raw)
        except (OSError, ValueError, ValidationError) as exc:
            raise _unreadable(name, exc) from None

    def intact(self, name: str) -> Manifest | None:
        """The version's manifest if its files and its segments' files are as written (by
        their stamps: a few `stat` calls, nothing read); None if not."""
        try:
            manifest = self.manifest(name)
            self._check(self.root / name, manifest.files, name)
            for ref in manifest.segments or []:
                self._check(self.root / ref.name, ref.files, name)
        except IndexCorrupt:
            return None
        return manifest

    def verify(self, name: str) -> Manifest:
        """The version's manifest once every file of it and of its segments matches its
        checksum (all hashed: what `newsdesk doctor` asks); IndexCorrupt if not."""
        manifest = self.manifest(name)
        self._check(self.root / name, manifest.files, name, trust_stamp=False)
        for ref in manifest.segments or []:
            self._check(self.root / ref.name, ref.files, name, trust_stamp=False)
        return manifest

    def _check(self, folder: Path, files: dict[str, str], name: str, *,
               trust_stamp: bool = True) -> None:
        """Every file against the checksum recorded when it was written.

        A segment is immutable, so once its files matched, a stamp of their sizes and times
        stands for the hashing at later loads; a file changed since is hashed again."""
        stamp_path = folder / STAMP
        try:
            stamp = json.loads(stamp_path.read_text("utf-8")) if trust_stamp else {}
        except (OSError, ValueError):
            stamp = {}
        fresh: dict[str, list[Any]] = {}
        try:
            for file, digest in files.items():
                info = (folder / file).stat()
                seen = [digest, info.st_size, info.st_mtime_ns]
                if stamp.get(file) == seen:
                    fresh[file] = seen
                    continue
                if file_sha256(folder / file) != digest:
                    stamp_path.unlink(missing_ok=True)  # every later check hashes again
                    raise _damaged(name, f"{folder.name}/{file} does not match its checksum")
                fresh[file] = seen
        except OSError as exc:
            raise _unreadable(name, exc) from None
        if fresh != stamp:
            self._write_stamp(folder, fresh)

    @staticmethod
    def _write_stamp(folder: Path, stamp: dict[str, list[Any]]) -> None:
        """Best effort: a read-only index is checked in full at each load instead."""
        tmp = folder / f"{STAMP}.{os.getpid()}"
        try:
            tmp.write_text(json.dumps(stamp), "utf-8")
            os.replace(tmp, folder / STAMP)
        except OSError:
            tmp.unlink(missing_ok=True)

    def stored_articles(self, name: str) -> Iterator[Article]:
        """The full articles a verified version serves: what rebuilds a lost catalogue."""
        manifest = self.manifest(name)
        if manifest.segments is None:
            yield from _read_jsonl(self.root / name / "articles.jsonl", Article)
            return
        for ref in manifest.segments:
            dead = set(manifest.tombstones.get(ref.name, []))
            for article in _read_jsonl(self.root / ref.name / "articles.jsonl", Article):
                if article.id not in dead:
                    yield article

    def load_version(self, name: str) -> IndexVersion:
        manifest = self.manifest(name)
        folder = self.root / name
        self._check(folder, manifest.files, name)
        try:
            with np.load(folder / "languages.npz", allow_pickle=False) as data:
                offsets = LanguageOffsets([str(x) for x in data["languages"]], data["means"])
        except (OSError, ValueError, KeyError) as exc:
            raise _unreadable(name, exc) from None
        if manifest.segments is None:
            log.info("the index %s predates segments: its FAISS indexes are built at each "
                     "load until the next `newsdesk index` rewrites it as one segment", name)
            segments = [self._load_segment(name, folder, manifest.dim, manifest.files, None)]
        else:
            segments = [self.segment(ref, manifest.dim, name) for ref in manifest.segments]
        tombstones = {k: set(v) for k, v in manifest.tombstones.items()}
        version = IndexVersion(manifest, segments, tombstones, offsets)
        if len(version.passages) != manifest.passages:
            raise IndexCorrupt(f"the index {name} is inconsistent; run `newsdesk index --full`")
        return version

    def segment(self, ref: SegmentRef, dim: int, version: str) -> Segment:
        """A segment, hashed once and loaded once per process however many versions use
        it; its files' stats are compared with the stamp at every load all the same, so a
        damaged file is found before a version is served from it."""
        self._check(self.root / ref.name, ref.files, version)
        key = (str(self.root), ref.name, *sorted(ref.files.items()))  # a name can come back
        segment = _loaded.get(key)
        if segment is None:
            segment = self._load_segment(version, self.root / ref.name, dim, ref.files,
                                         ref.languages)
            _loaded[key] = segment
        return segment

    def _load_segment(self, version: str, folder: Path, dim: int, files: dict[str, str],
                      languages: list[str] | None) -> Segment:
        try:
            vectors = _open_array(folder / "vectors.npy")
            sentence_vectors = _open_array(folder / "sentences.npy")
            if "passages.npy" in files:
                infos, passages, records = _read_arrays(folder)
            else:
                infos, passages, records = _read_records(folder)
            indexes = None if languages is None else {
                lang: ann.read(folder / f"faiss-{i}.index")
                for i, lang in enumerate(languages)}
        except (OSError, ValueError, KeyError, TypeError, RuntimeError,
                ValidationError) as exc:
            raise _unreadable(version, exc) from None
        if len(passages) and (vectors.shape != (len(passages), dim)
                              or sentence_vectors.shape != (len(passages.spans), dim)
                              or int(passages.article.max()) >= len(infos)
                              or int(passages.article.min()) < 0):
            raise IndexCorrupt(f"the index {version} is inconsistent; "
                               "run `newsdesk index --full`")
        return Segment(folder.name, infos, passages, vectors, sentence_vectors, indexes,
                       records)

    # -- writing (only under the build lock) --------------------------------------------

    def publish(self, *, model: str, recipe: str, articles: list[Article],
                passages: list[Passage], vectors: np.ndarray, sentence_vectors: np.ndarray,
                languages: list[str], language_means: np.ndarray) -> Manifest:
        """Write the whole index as one new segment and a version naming only it, then
        switch CURRENT to it: a full build, a changed model, a version from before segments."""
        self.root.mkdir(parents=True, exist_ok=True)
        ref = self._write_records(articles, passages, vectors, sentence_vectors)
        dim = int(vectors.shape[1]) if vectors.ndim == 2 else 0
        return self._write_version(
            model=model, recipe=recipe, dim=dim, articles=articles, passages=len(passages),
            segments=[ref], tombstones={}, languages=languages, language_means=language_means)

    def publish_changes(self, previous: Manifest, *, model: str, recipe: str,
                        articles: list[Article], fresh: list[Article], passages: list[Passage],
                        vectors: np.ndarray, sentence_vectors: np.ndarray,
                        languages: list[str], language_means: np.ndarray) -> Manifest:
        """Publish what changed since `previous` (a segmented version's manifest): one new
        segment holding the `fresh` articles (new or changed) and their rows, the older
        segments kept as they are with every article removed from the catalogue or in
        `fresh` tombstoned; then merge a size tier that grew too long. Nothing of the older
        segments is loaded but their list of articles (a merge loads what it merges).

        `articles`: the whole catalogue, for the manifest's content hashes."""
        assert previous.segments is not None
        keep = {a.id for a in articles} - {a.id for a in fresh}
        tombstones = {}
        served = 0
        refs = []
        for ref in previous.segments:
            held = self.held(ref)
            dead = set(previous.tombstones.get(ref.name, []))
            dead |= {aid for aid in held if aid not in keep}
            if dead >= held.keys():
                continue  # nothing of it is served any more: the manifest drops it
            refs.append(ref)
            if dead:
                tombstones[ref.name] = dead
            served += sum(n for aid, n in held.items() if aid not in dead)
        if fresh:
            refs.append(self._write_records(fresh, passages, vectors, sentence_vectors))
            served += len(passages)
        refs, tombstones = self._merge_tier(refs, tombstones, previous.dim)
        return self._write_version(
            model=model, recipe=recipe, dim=previous.dim, articles=articles,
            passages=served, segments=refs, tombstones=tombstones, languages=languages,
            language_means=language_means)

    def held(self, ref: SegmentRef) -> dict[str, int]:
        """Article id → passage rows, of every article a segment holds (its `held.json`)."""
        try:
            return json.loads((self.root / ref.name / "held.json").read_text("utf-8"))
        except (OSError, ValueError) as exc:
            raise _unreadable(ref.name, exc) from None

    def _merge_tier(self, refs: list[SegmentRef], tombstones: dict[str, set[str]], dim: int
                    ) -> tuple[list[SegmentRef], dict[str, set[str]]]:
        """Segments of one size tier (powers of MERGE_FACTOR in rows), once MERGE_FACTOR of
        them are live, become one segment of their served rows: each row is rewritten about
        log(archive) times in all, and a search visits few segments."""
        tiers: dict[int, list[SegmentRef]] = {}
        for ref in refs:
            tiers.setdefault(_tier(ref.passages), []).append(ref)
        full = [group for group in tiers.values() if len(group) >= MERGE_FACTOR]
        if not full:
            return refs, tombstones
        group = full[0]
        loaded = {ref.name: self.segment(ref, dim, "merge") for ref in group}
        merged = self._merge(group, tombstones, loaded, dim)
        names = {r.name for r in group}
        at = refs.index(group[0])
        refs = [r for r in refs[:at] if r.name not in names] + [merged] + \
            [r for r in refs[at:] if r.name not in names]
        log.info("merged %d segments of about %d rows into %s", len(group),
                 MERGE_FACTOR ** _tier(group[0].passages), merged.name)
        return refs, {k: v for k, v in tombstones.items() if k not in names}

    def _merge(self, group: list[SegmentRef], tombstones: dict[str, set[str]],
               loaded: dict[str, Segment], dim: int) -> SegmentRef:
        """The served rows of `group` as one segment: arrays and the articles' stored lines
        copied over, nothing parsed."""
        infos: list[ArticleInfo] = []
        lines: list[bytes] = []
        parts, vectors, sentences = [], [], []
        for ref in group:
            segment = loaded[ref.name]
            dead = tombstones.get(ref.name, set())
            alive = np.fromiter((a.id not in dead for a in segment.infos), bool,
                                len(segment.infos))
            home = np.flatnonzero(alive)
            place = np.full(len(segment.infos), -1, np.int64)
            place[home] = len(infos) + np.arange(len(home))
            infos.extend(segment.infos[i] for i in home.tolist())
            lines.extend(segment.records.lines(home.tolist()))
            live = np.flatnonzero(alive[segment.passages.article]) if len(segment.passages) \
                else np.zeros(0, np.int64)
            parts.append(segment.passages.pick(live, place, []))
            starts = segment.sentence_start
            vectors.append(np.asarray(segment.vectors[live], np.float32))
            sentences.append(np.asarray(segment.sentence_vectors[
                _ranges(starts[live], starts[live + 1] - starts[live])], np.float32))
        ids = [a.id for a in infos]
        return self._write_segment(
            infos, lines, Passages.join(parts, ids),
            np.vstack(vectors) if vectors else np.zeros((0, dim), np.float32),
            np.vstack(sentences) if sentences else np.zeros((0, dim), np.float32))

    @contextmanager
    def _new_folder(self, name: str) -> Iterator[Path]:
        """A folder filled in a hidden temporary place, then renamed to `name` with its
        files and the rename fsynced; nothing of it is left if filling fails. Segments and
        versions are both written so: a reader sees all of one or none of it."""
        tmp = Path(tempfile.mkdtemp(prefix=".building-", dir=self.root))
        try:
            yield tmp
            _fsync_files(tmp)
            tmp.rename(self.root / name)
            _fsync_dir(self.root)
        except BaseException:
            shutil.rmtree(tmp, ignore_errors=True)
            raise

    def _write_records(self, articles: list[Article], passages: list[Passage],
                       vectors: np.ndarray, sentence_vectors: np.ndarray) -> SegmentRef:
        """A new segment from a build's records."""
        ids = [a.id for a in articles]
        lines = [a.model_dump_json(exclude={"content_hash"}).encode("utf-8") + b"\n"
                 for a in articles]
        return self._write_segment([ArticleInfo.of(a) for a in articles], lines,
                                   Passages.of(passages, ids), vectors, sentence_vectors)

    def _write_segment(self, articles: list[ArticleInfo], lines: list[bytes],
                       passages: Passages, vectors: np.ndarray,
                       sentence_vectors: np.ndarray) -> SegmentRef:
        """A new immutable segment, its FAISS indexes built here once and persisted.

        `lines`: each article's full record, one JSON line each (articles.jsonl, read by
        byte offset); `passages` numbers articles by their place in `articles`."""
        existing = self.segment_names()
        name = f"s-{int(existing[-1][2:]) + 1 if existing else 1:06d}"
        ids = [a.id for a in articles]
        groups = _language_rows(passages, [a.language for a in articles])
        with self._new_folder(name) as tmp:
            np.save(tmp / "vectors.npy", np.ascontiguousarray(vectors, dtype=np.float32))
            np.save(tmp / "sentences.npy",
                    np.ascontiguousarray(sentence_vectors, dtype=np.float32))
            np.save(tmp / "passages.npy", np.ascontiguousarray(passages.table, np.int32))
            np.save(tmp / "spans.npy", np.ascontiguousarray(passages.spans, np.int32))
            at, offset = [], 0
            with (tmp / "articles.jsonl").open("wb") as f:
                for line in lines:
                    line = line if line.endswith(b"\n") else line + b"\n"
                    at.append(offset)
                    f.write(line)
                    offset += len(line)
            (tmp / "articles.json").write_text(json.dumps(_columns(articles, at)), "utf-8")
            counts = np.bincount(np.asarray(passages.article, np.int64), minlength=len(ids))
            (tmp / "held.json").write_text(
                json.dumps(dict(zip(ids, counts.tolist(), strict=True))), "utf-8")
            for i, rows in enumerate(groups.values()):
                faiss.write_index(build_faiss(np.asarray(vectors)[rows]),
                                  str(tmp / f"faiss-{i}.index"))
            files = {p.name: file_sha256(p) for p in sorted(tmp.iterdir())}
        return SegmentRef(name=name, passages=len(passages), languages=list(groups),
                          files=files)

    def _write_version(self, *, model: str, recipe: str, dim: int, articles: list[Article],
                       passages: int, segments: list[SegmentRef],
                       tombstones: dict[str, set[str]], languages: list[str],
                       language_means: np.ndarray) -> Manifest:
        """The small part of a publish: a manifest naming the segments, then CURRENT."""
        existing = self.versions()
        number = int(existing[-1][2:]) + 1 if existing else 1
        name = f"v-{number:06d}"
        with self._new_folder(name) as tmp:
            with (tmp / "languages.npz").open("wb") as f:
                np.savez(f, languages=np.array(languages, dtype=str), means=language_means)
            manifest = Manifest(
                version=name, created=datetime.now(UTC), model=model, recipe=recipe, dim=dim,
                articles={a.id: a.content_hash for a in articles}, passages=passages,
                files={"languages.npz": file_sha256(tmp / "languages.npz")}, segments=segments,
                tombstones={k: sorted(v) for k, v in tombstones.items()},
            )
            (tmp / "manifest.json").write_text(manifest.model_dump_json(indent=1), "utf-8")
        self.point_to(name)
        self.prune(keep=3)
        return manifest

    def point_to(self, name: str) -> None:
        """Make `name` the served version, atomically (only under the build lock)."""
        pointer = self.root / f".CURRENT.{os.getpid()}"
        pointer.write_text(name + "\n", "utf-8")
        with pointer.open("rb") as f:
            os.fsync(f.fileno())
        os.replace(pointer, self.root / "CURRENT")
        _fsync_dir(self.root)

    def prune(self, keep: int) -> None:
        """Drop old versions, segments no kept version names and leftovers of killed
        builds; CURRENT is always kept.

        Only called under the build lock: no other build is running, so every leftover,
        however young, belongs to a build that died.
        """
        current = self.current_name()
        for name in self.versions()[:-keep]:
            if name != current:
                shutil.rmtree(self.root / name, ignore_errors=True)
        self.remove_leftovers()
        named = self._named_segments(self.versions())
        if named is None:  # a manifest that does not read may name any segment: keep all
            return
        for name in self.segment_names():
            if name not in named:
                shutil.rmtree(self.root / name, ignore_errors=True)

    def _named_segments(self, versions: Iterable[str]) -> set[str] | None:
        named: set[str] = set()
        for name in versions:
            try:
                named.update(r.name for r in self.manifest(name).segments or [])
            except IndexCorrupt:
                return None
        return named

    def leftovers(self) -> list[Path]:
        """Half-written versions and pointers of builds that died (kill -9, power loss)."""
        if not self.root.is_dir():
            return []
        return sorted([*self.root.glob(".building-*"), *self.root.glob(".CURRENT.*")])

    def remove_leftovers(self) -> int:
        """Only under the build lock, when no build can be writing them."""
        found = self.leftovers()
        for leftover in found:
            if leftover.is_dir() and not leftover.is_symlink():
                shutil.rmtree(leftover, ignore_errors=True)
            else:
                leftover.unlink(missing_ok=True)
        return len(found)


def _tier(rows: int) -> int:
    return int(math.log(max(rows, 1), MERGE_FACTOR))


def _shown(article: Article) -> str:
    """An article as a person knows it: its title, else where it came from; the internal
    id only when it has neither."""
    return f"“{article.title}”" if article.title else (article.url or article.id)
