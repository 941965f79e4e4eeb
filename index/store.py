"""Versioned FAISS index on disk, published atomically.

Layout under the index folder:

    CURRENT        name of the version being served (replaced with os.replace)
    v-000007/      one complete version: manifest.json, vectors.npy,
                   passages.jsonl, articles.jsonl

A version is written under a temporary name, fsynced, renamed into place and
only then named in CURRENT, so a crash at any point leaves the previous
version intact and loadable.
"""

from __future__ import annotations

import hashlib
import logging
import os
import re
import shutil
import tempfile
from collections.abc import Iterator
from datetime import UTC, datetime
from functools import cached_property
from pathlib import Path

import faiss
import numpy as np
from pydantic import BaseModel, ValidationError

from corpus.errors import NewsdeskError
from corpus.models import Article, Passage
from index.language_bias import LanguageOffsets
from index.lexical import Lexical
from index.passage_text import passage_input

log = logging.getLogger("newsdesk." + __name__)

_VERSION = re.compile(r"^v-(\d{6})$")
FILES = ("vectors.npy", "sentences.npy", "passages.jsonl", "articles.jsonl", "languages.npz")
FLAT_LIMIT = 200_000  # exact search below this many vectors; HNSW above


class IndexMissing(NewsdeskError):
    pass


class IndexCorrupt(NewsdeskError):
    pass


class Manifest(BaseModel):
    version: str
    created: datetime
    model: str
    recipe: str
    dim: int
    articles: dict[str, str]  # article id → content hash
    passages: int
    files: dict[str, str]  # file name → sha256


def _sha256(path: Path) -> str:
    h = hashlib.sha256()
    with path.open("rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


def _fsync_dir(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def build_faiss(vectors: np.ndarray) -> faiss.Index:
    """Exact inner product for a news corpus; HNSW once exact search would be slow."""
    dim = vectors.shape[1] if vectors.ndim == 2 and vectors.shape[1] else 1
    if len(vectors) <= FLAT_LIMIT:
        index = faiss.IndexFlatIP(dim)
    else:
        index = faiss.IndexHNSWFlat(dim, 32, faiss.METRIC_INNER_PRODUCT)
        index.hnsw.efSearch = 128
    if len(vectors):
        index.add(np.ascontiguousarray(vectors, dtype=np.float32))
    return index


class IndexVersion:
    """One loaded, immutable version: its records, its vectors and one FAISS index per language.

    It finds nearest passages and nothing more; how they score against each other is
    index/ranking.py's business."""

    def __init__(self, manifest: Manifest, articles: dict[str, Article],
                 passages: list[Passage], vectors: np.ndarray, sentence_vectors: np.ndarray,
                 offsets: LanguageOffsets) -> None:
        self.manifest = manifest
        self.articles = articles
        self.passages = passages
        self.vectors = vectors
        self.sentence_vectors = sentence_vectors
        self.offsets = offsets
        counts = [len(p.sentences) for p in passages]
        self.sentence_start = np.concatenate([[0], np.cumsum(counts)]).astype(np.int64)
        # one FAISS index per language, so every language gets its own candidates
        by_language: dict[str, list[int]] = {}
        for row, p in enumerate(passages):
            by_language.setdefault(articles[p.article_id].language, []).append(row)
        self.groups = {
            lang: (np.array(rows, np.int64), build_faiss(vectors[rows]))
            for lang, rows in by_language.items()
        }
        self.row_language = [articles[p.article_id].language for p in passages]

    @cached_property
    def lexical(self) -> Lexical:
        """Built on first use only: BM25 is off by default (it measured worse)."""
        return Lexical([passage_input(self.articles[p.article_id], p) for p in self.passages])

    @property
    def name(self) -> str:
        return self.manifest.version

    @cached_property
    def _article_rows(self) -> dict[str, list[int]]:
        rows: dict[str, list[int]] = {}
        for row, p in enumerate(self.passages):
            rows.setdefault(p.article_id, []).append(row)
        return rows

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
        position = self.article_position
        return np.fromiter((position[p.article_id] for p in self.passages), np.int64,
                           len(self.passages))

    def rows_of(self, article_id: str) -> list[int]:
        """Every passage row of one article, in reading order."""
        return self._article_rows.get(article_id, [])

    def sentences_of(self, row: int) -> np.ndarray:
        return self.sentence_vectors[self.sentence_start[row]:self.sentence_start[row + 1]]

    def search_group(self, language: str, query: np.ndarray, k: int,
                     allowed: np.ndarray | None = None) -> tuple[np.ndarray, np.ndarray]:
        """(rows, inner products) of the `k` nearest passages of one language, nearest first.

        `allowed`: a mask over every row of the version; only those rows may be returned, and
        FAISS searches among them, so a narrow filter still gets its full `k`."""
        rows, index = self.groups[language]
        params = None
        if allowed is not None:
            local = np.flatnonzero(allowed[rows])
            if len(local) < len(rows):
                params = faiss.SearchParameters(sel=faiss.IDSelectorBatch(local))
            k = min(k, len(local))
        k = min(k, len(rows))
        if k <= 0:
            return np.zeros(0, np.int64), np.zeros(0, np.float32)
        q = np.ascontiguousarray(query.reshape(1, -1), dtype=np.float32)
        scores, local_rows = index.search(q, k, params=params)
        found = local_rows[0] >= 0
        return rows[local_rows[0][found]], scores[0][found]


class IndexStore:
    def __init__(self, root: Path) -> None:
        self.root = root

    def versions(self) -> list[str]:
        if not self.root.is_dir():
            return []
        return sorted(p.name for p in self.root.iterdir() if _VERSION.match(p.name))

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
        current = self.current_name()
        versions = self.versions()
        if current is None and not versions:
            raise IndexMissing("there is no index yet; run `newsdesk index`")
        if current is None:
            log.warning("the index pointer %s is missing or damaged; serving the newest "
                        "intact version (`newsdesk index` repairs it)", self.root / "CURRENT")
            candidates = list(reversed(versions))
        else:
            candidates = [current] + [v for v in reversed(versions) if v < current]
        first_error: IndexCorrupt | None = None
        for name in candidates:
            try:
                version = self.load_version(name)
            except IndexCorrupt as exc:
                first_error = first_error or exc
                log.warning("%s", exc)
                continue
            if current is not None and name != current:
                log.warning("serving the older index %s because %s is damaged", name, current)
            return version
        assert first_error is not None
        raise first_error

    def verify(self, name: str) -> Manifest:
        """The version's manifest once every file matches its checksum; IndexCorrupt if not."""
        folder = self.root / name
        try:
            manifest = Manifest.model_validate_json((folder / "manifest.json").read_text("utf-8"))
            for file in FILES:
                if _sha256(folder / file) != manifest.files.get(file):
                    raise IndexCorrupt(
                        f"the index {name} is damaged ({file} does not match its checksum); "
                        "run `newsdesk index --full` to rebuild it"
                    )
        except IndexCorrupt:
            raise
        except (OSError, ValueError, ValidationError) as exc:
            raise IndexCorrupt(
                f"the index {name} cannot be read ({exc.__class__.__name__}); "
                "run `newsdesk index --full` to rebuild it"
            ) from None
        return manifest

    def stored_articles(self, name: str) -> Iterator[Article]:
        """The full articles a verified version holds: what rebuilds a lost catalogue."""
        with (self.root / name / "articles.jsonl").open(encoding="utf-8") as f:
            for line in f:
                yield Article.model_validate_json(line)

    def load_version(self, name: str) -> IndexVersion:
        folder = self.root / name
        manifest = self.verify(name)
        try:
            vectors = np.load(folder / "vectors.npy", allow_pickle=False)
            sentence_vectors = np.load(folder / "sentences.npy", allow_pickle=False)
            with np.load(folder / "languages.npz", allow_pickle=False) as data:
                offsets = LanguageOffsets([str(x) for x in data["languages"]], data["means"])
            with (folder / "passages.jsonl").open(encoding="utf-8") as f:
                passages = [Passage.model_validate_json(line) for line in f]
            with (folder / "articles.jsonl").open(encoding="utf-8") as f:
                articles = {a.id: a for a in (Article.model_validate_json(line) for line in f)}
        except IndexCorrupt:
            raise
        except (OSError, ValueError, KeyError, ValidationError) as exc:
            raise IndexCorrupt(
                f"the index {name} cannot be read ({exc.__class__.__name__}); "
                "run `newsdesk index --full` to rebuild it"
            ) from None
        n_sentences = sum(len(p.sentences) for p in passages)
        if len(passages) and (vectors.shape != (len(passages), manifest.dim)
                              or sentence_vectors.shape != (n_sentences, manifest.dim)
                              or any(p.article_id not in articles for p in passages)):
            raise IndexCorrupt(f"the index {name} is inconsistent; run `newsdesk index --full`")
        return IndexVersion(manifest, articles, passages, vectors, sentence_vectors, offsets)

    def publish(self, *, model: str, recipe: str, articles: list[Article],
                passages: list[Passage], vectors: np.ndarray, sentence_vectors: np.ndarray,
                languages: list[str], language_means: np.ndarray) -> Manifest:
        """Write a complete new version, then switch CURRENT to it (under the build lock)."""
        self.root.mkdir(parents=True, exist_ok=True)
        existing = self.versions()
        number = int(existing[-1][2:]) + 1 if existing else 1
        name = f"v-{number:06d}"
        tmp = Path(tempfile.mkdtemp(prefix=".building-", dir=self.root))
        try:
            np.save(tmp / "vectors.npy", np.ascontiguousarray(vectors, dtype=np.float32))
            np.save(tmp / "sentences.npy",
                    np.ascontiguousarray(sentence_vectors, dtype=np.float32))
            with (tmp / "languages.npz").open("wb") as f:
                np.savez(f, languages=np.array(languages, dtype=str), means=language_means)
            with (tmp / "passages.jsonl").open("w", encoding="utf-8") as f:
                f.writelines(p.model_dump_json() + "\n" for p in passages)
            with (tmp / "articles.jsonl").open("w", encoding="utf-8") as f:
                f.writelines(a.model_dump_json(exclude={"content_hash"}) + "\n" for a in articles)
            manifest = Manifest(
                version=name, created=datetime.now(UTC), model=model, recipe=recipe,
                dim=int(vectors.shape[1]) if vectors.ndim == 2 else 0,
                articles={a.id: a.content_hash for a in articles}, passages=len(passages),
                files={file: _sha256(tmp / file) for file in FILES},
            )
            (tmp / "manifest.json").write_text(manifest.model_dump_json(indent=1), "utf-8")
            for file in (*FILES, "manifest.json"):
                with (tmp / file).open("rb") as f:
                    os.fsync(f.fileno())
            tmp.rename(self.root / name)
            _fsync_dir(self.root)
        except BaseException:
            shutil.rmtree(tmp, ignore_errors=True)
            raise
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
        """Drop old versions and leftovers of killed builds; CURRENT is always kept.

        Only called under the build lock: no other build is running, so every leftover,
        however young, belongs to a build that died.
        """
        current = self.current_name()
        for name in self.versions()[:-keep]:
            if name != current:
                shutil.rmtree(self.root / name, ignore_errors=True)
        self.remove_leftovers()

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
