"""The index in Milvus: the path past one machine, behind the same retriever and ranking.

Why: when the archive or the traffic outgrows one machine, the vectors belong in an engine
that shards and replicates them, and several answering processes (shards) must read one
index. Milvus does that; `milvus-lite` runs the same client API embedded (a `….db` path),
so tests and a laptop use the code a cluster (`http://host:19530`) runs.

One version is four collections, named after the alias readers follow:

    <alias>_v000007_articles    every article of the version (its text in parts of at most
                                 16,000 characters, a VARCHAR holds 65,535 bytes)
    <alias>_v000007_sentences   sentence vectors, id = sentence number
    <alias>_v000007_passages    passage vectors + payload: language (the partition key),
                                 article, published, outlet, the passage's spans
    <alias>_v000007_manifest    the manifest and the language means; written last

A publish writes, flushes, loads and counts all four, then moves the alias to the new
manifest collection in one call (`alter_alias`): a reader resolves the alias once and reads
that version's collections by name, so it sees the old version or the new one, never half of
one; a publish that fails drops what it wrote and the alias still names the old version.
Old versions are dropped like FAISS folders (the newest three and the served one stay), so a
process that follows the alias (Desk checks every `follow_seconds`) has time to move on.

What stays in each process: the manifest, the passages' spans and the articles (their text
is what every quote slices, and must be the text the vectors were made from). The vectors
stay in Milvus and are fetched by id when the ranking needs them (a few hundred per question,
kept in a bounded cache).

pymilvus is imported only when a Milvus store is opened: FAISS users need none of it.
"""

from __future__ import annotations

import json
import logging
import re
import threading
from collections import OrderedDict
from collections.abc import Iterator
from datetime import UTC, date, datetime
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

from corpus.errors import NewsdeskError
from corpus.models import Article, Passage, Span
from index.language_bias import LanguageOffsets
from index.store import (
    ArticleInfo,
    Held,
    IndexCorrupt,
    IndexVersion,
    Manifest,
    Passages,
    newest_intact,
)

if TYPE_CHECKING:
    from pymilvus import MilvusClient

    from index.settings import IndexSettings

log = logging.getLogger("newsdesk." + __name__)

PARTS = ("articles", "sentences", "passages", "manifest")  # written in this order
TEXT_PART = 16_000  # characters: at most 64,000 UTF-8 bytes, under VARCHAR's 65,535
BATCH = 1_000  # rows per insert or fetch
TEXT_BATCH = 64  # article parts per insert (up to 4 MB)
ID_LENGTH = 4_096
CACHE_VECTORS = 50_000  # vectors kept per version (~77 MB at 384 dimensions)
FLAT_LIMIT = 200_000  # rows searched exactly; HNSW above (FAISS segments: index/ann.py)
HNSW = {"M": 32, "efConstruction": 200}
EF_SEARCH = 128


class MilvusUnavailable(NewsdeskError):
    pass


def _client(uri: str, token: str = "") -> MilvusClient:
    """A client, or one line saying what to set: the usual failure is a second process on
    one milvus-lite file, which the embedded engine locks."""
    try:
        from pymilvus import MilvusClient
        from pymilvus.exceptions import MilvusException
    except ImportError:
        raise MilvusUnavailable("NEWSDESK_STORE=milvus needs the Milvus client: "
                                "pip install 'newsdesk[milvus]'") from None

    quiet = logging.getLogger("milvus_lite.server_manager")
    level = quiet.level
    quiet.setLevel(logging.CRITICAL)  # its traceback for a locked file becomes our one line
    try:
        return MilvusClient(uri=uri, token=token)
    except MilvusException as exc:
        if uri.endswith(".db"):
            raise MilvusUnavailable(
                f"cannot open the Milvus file {uri} ({exc.message}); milvus-lite serves one "
                "process at a time: for several, run a Milvus server and set "
                "NEWSDESK_MILVUS_URI=http://host:19530") from None
        raise MilvusUnavailable(f"cannot reach Milvus at {uri} ({exc.message}); is the "
                                "server running, and is NEWSDESK_MILVUS_URI right?") from None
    finally:
        quiet.setLevel(level)


def _milvus_error(exc: BaseException) -> bool:
    from pymilvus.exceptions import MilvusException

    return isinstance(exc, MilvusException)


def _day(value: date | None) -> int:
    """Published dates as yyyymmdd integers, so `published >= 20250101` filters natively."""
    return value.year * 10_000 + value.month * 100 + value.day if value else 0


def _quoted(text: str) -> str:
    return json.dumps(text, ensure_ascii=False)


def _members(field: str, values: np.ndarray, all_values: np.ndarray) -> str:
    """`field in [...]` or `field not in [...]`, whichever list is shorter."""
    left_out = np.setdiff1d(all_values, values, assume_unique=True)
    if len(left_out) < len(values):
        return f"{field} not in {left_out.tolist()}"
    return f"{field} in {values.tolist()}"


class RemoteVectors:
    """Rows of one Milvus collection's vectors, fetched by id when indexed like an array.

    What the ranking does with `version.vectors` and `version.sentence_vectors` (an int, a
    slice, an array of rows) works unchanged; fetched rows are kept in a bounded cache, since
    the leading articles' sentences are asked for more than once per question."""

    ndim = 2
    dtype = np.dtype(np.float32)

    def __init__(self, client: MilvusClient, collection: str, count: int, dim: int,
                 keep: int = CACHE_VECTORS) -> None:
        self.client = client
        self.collection = collection
        self.shape = (count, dim)
        self.keep = keep
        self._cache: OrderedDict[int, np.ndarray] = OrderedDict()
        self._lock = threading.Lock()

    def __len__(self) -> int:
        return self.shape[0]

    def __getitem__(self, key: Any) -> np.ndarray:
        if isinstance(key, (int, np.integer)):
            return self.fetch(np.array([int(key)]))[0]
        if isinstance(key, slice):
            return self.fetch(np.arange(*key.indices(self.shape[0])))
        return self.fetch(np.asarray(key, dtype=np.int64).reshape(-1))

    def __array__(self, dtype: Any = None, copy: Any = None) -> np.ndarray:
        """Every vector, read in order without the cache: what a rebuild reuses."""
        out = np.zeros(self.shape, np.float32)
        for low in range(0, self.shape[0], BATCH):
            for hit in self.client.query(self.collection, filter=f"id >= {low} and id < "
                                         f"{low + BATCH}", output_fields=["vector"]):
                out[int(hit["id"])] = hit["vector"]
        return out if dtype is None else out.astype(dtype)

    def fetch(self, rows: np.ndarray) -> np.ndarray:
        """The vectors of `rows`, in that order (repeats allowed)."""
        out = np.zeros((len(rows), self.shape[1]), np.float32)
        if not len(rows):
            return out
        if rows.min() < 0 or rows.max() >= self.shape[0]:
            raise IndexError(f"row out of range for {self.collection}")
        wanted = [int(r) for r in np.unique(rows)]
        with self._lock:
            found = {r: self._cache[r] for r in wanted if r in self._cache}
        missing = [r for r in wanted if r not in found]
        for i in range(0, len(missing), BATCH):
            for hit in self.client.get(self.collection, ids=missing[i:i + BATCH],
                                       output_fields=["vector"]):
                found[int(hit["id"])] = np.asarray(hit["vector"], np.float32)
        if len(found) < len(wanted):
            raise IndexCorrupt(f"the Milvus collection {self.collection} lacks vectors; "
                               "run `newsdesk index --full` to rebuild it")
        with self._lock:
            for r in missing:
                self._cache[r] = found[r]
            while len(self._cache) > self.keep:
                self._cache.popitem(last=False)
        for i, r in enumerate(rows.tolist()):
            out[i] = found[r]
        return out


class MilvusVersion(IndexVersion):
    """One published version whose passage search runs in Milvus.

    Everything the ranking reads is here under the names IndexVersion gives it; only
    `search_group` differs: the nearest passages of one language come from a Milvus search
    whose filter expression holds the language (the partition key) and what `allowed`
    admits."""

    def __init__(self, manifest: Manifest, articles: dict[str, Article],
                 passages: list[Passage], offsets: LanguageOffsets, client: MilvusClient,
                 collections: dict[str, str], n_sentences: int) -> None:
        self.manifest = manifest
        self.articles = {aid: ArticleInfo.of(a) for aid, a in articles.items()}
        self.held = Held(articles)  # texts stay in memory here (no segment files to read)
        self.passages = Passages.of(passages, list(articles))
        self.offsets = offsets
        self.client = client
        self.collections = collections
        dim = manifest.dim
        self.vectors = RemoteVectors(client, collections["passages"], len(passages), dim)
        self.sentence_vectors = RemoteVectors(client, collections["sentences"], n_sentences,
                                              dim)
        counts = [len(p.sentences) for p in passages]
        self.sentence_start = np.concatenate([[0], np.cumsum(counts)]).astype(np.int64)
        self.row_language = [articles[p.article_id].language for p in passages]
        by_language: dict[str, list[int]] = {}
        for row, language in enumerate(self.row_language):
            by_language.setdefault(language, []).append(row)
        self.group_rows = {lang: np.array(rows, np.int64) for lang, rows in by_language.items()}
        self.search_params: dict[str, Any] = {"metric_type": "IP"}
        if len(passages) > FLAT_LIMIT:
            self.search_params["params"] = {"ef": EF_SEARCH}

    @property
    def languages(self) -> list[str]:
        return list(self.group_rows)

    def _read(self, ids: list[str]) -> dict[str, Article]:
        return self.held.get_many(ids)

    @cached_property
    def all_articles(self) -> np.ndarray:
        return np.arange(len(self.article_ids))

    def where(self, language: str, allowed: np.ndarray | None) -> str:
        """The Milvus filter for one language's rows that `allowed` admits.

        Filters and "more like this" choose whole articles, so the mask becomes the list of
        article numbers it admits or leaves out (whichever is shorter); a mask that splits
        an article falls back to passage ids."""
        expression = f"language == {_quoted(language)}"
        if allowed is None or allowed.all():
            return expression
        articles = np.zeros(len(self.article_ids), bool)
        articles[self.row_article[allowed]] = True
        if np.array_equal(articles[self.row_article], allowed):
            return f"{expression} and " + _members("article", np.flatnonzero(articles),
                                                   self.all_articles)
        return f"{expression} and " + _members("id", np.flatnonzero(allowed),
                                               np.arange(len(allowed)))

    def search_group(self, language: str, query: np.ndarray, k: int,
                     allowed: np.ndarray | None = None) -> tuple[np.ndarray, np.ndarray]:
        rows = self.group_rows[language]
        k = min(k, len(rows) if allowed is None else int(allowed[rows].sum()))
        if k <= 0:
            return np.zeros(0, np.int64), np.zeros(0, np.float32)
        hits = self.client.search(self.collections["passages"],
                                  data=[np.asarray(query, np.float32).tolist()], limit=k,
                                  filter=self.where(language, allowed),
                                  search_params=self.search_params)[0]
        return (np.array([int(h["id"]) for h in hits], np.int64),
                np.array([h["distance"] for h in hits], np.float32))


class MilvusStore:
    """Versions as Milvus collections, the served one named by an alias (see the module).

    `root` is a local folder for the build lock only: one indexer per index, as with FAISS;
    Milvus itself has no lock a second indexer on another machine would respect."""

    def __init__(self, uri: str, root: Path, alias: str = "newsdesk", token: str = "") -> None:
        self.uri = uri
        self.root = root
        self.alias = alias
        self.token = token
        self._pattern = re.compile(rf"^{re.escape(alias)}_v(\d{{6}})_({'|'.join(PARTS)})$")
        self._opened: MilvusClient | None = None
        self._lock = threading.Lock()

    @classmethod
    def from_settings(cls, settings: IndexSettings) -> MilvusStore:
        uri = settings.milvus_uri or str(settings.index_dir / "milvus.db")
        if uri.endswith(".db"):
            Path(uri).parent.mkdir(parents=True, exist_ok=True)
        token = settings.milvus_token.get_secret_value() if settings.milvus_token else ""
        return cls(uri, settings.index_dir, settings.milvus_alias, token)

    @property
    def client(self) -> MilvusClient:
        """Opened on first use: a Desk that never searches never connects."""
        with self._lock:
            if self._opened is None:
                self._opened = _client(self.uri, self.token)
            return self._opened

    def close(self) -> None:
        with self._lock:
            if self._opened is not None:
                self._opened.close()
                self._opened = None

    # -- names -----------------------------------------------------------------
    def collection(self, name: str, part: str) -> str:
        return f"{self.alias}_v{name[2:]}_{part}"

    def _parts(self) -> dict[str, set[str]]:
        """Version name → the parts Milvus holds of it."""
        found: dict[str, set[str]] = {}
        for collection in self.client.list_collections():
            if match := self._pattern.match(collection):
                found.setdefault(f"v-{match.group(1)}", set()).add(match.group(2))
        return found

    def versions(self) -> list[str]:
        """Complete versions (their manifest collection, written last, exists), oldest first."""
        return sorted(name for name, parts in self._parts().items() if "manifest" in parts)

    def current_name(self) -> str | None:
        """The version the alias names; None when there is no alias yet."""
        if not self._has_alias():
            return None
        target = self.client.describe_alias(self.alias)["collection_name"]
        match = self._pattern.match(target)
        return f"v-{match.group(1)}" if match else None

    # -- reading ---------------------------------------------------------------
    def load(self) -> IndexVersion:
        """The version the alias names; if it cannot be read, the newest older one that can."""
        return newest_intact(self.current_name(), self.versions(), self.load_version,
                             f"the Milvus alias {self.alias} is missing")

    def load_version(self, name: str) -> MilvusVersion:
        from pymilvus.exceptions import MilvusException

        collections = {part: self.collection(name, part) for part in PARTS}
        try:
            for collection in collections.values():
                self.client.load_collection(collection)
            manifest, offsets = self._manifest(collections["manifest"])
            articles = self._articles(collections["articles"])
            passages = list(self._passages(collections["passages"], manifest.passages))
            n_sentences = self._count(collections["sentences"])
        except IndexCorrupt:
            raise
        except (MilvusException, ValueError, KeyError, TypeError) as exc:
            raise IndexCorrupt(f"the index {name} cannot be read from Milvus "
                               f"({exc.__class__.__name__}: {str(exc)[:200]}); run "
                               "`newsdesk index --full` to rebuild it") from None
        manifest.articles = {aid: hash_ for aid, (_, hash_) in articles.items()}
        if (len(passages) != manifest.passages
                or n_sentences != sum(len(p.sentences) for p in passages)
                or any(p.article_id not in articles for p in passages)):
            raise IndexCorrupt(f"the index {name} is inconsistent; run `newsdesk index --full`")
        return MilvusVersion(manifest, {aid: a for aid, (a, _) in articles.items()}, passages,
                             offsets, self.client, collections, n_sentences)

    def _rows(self, collection: str, fields: list[str], total: int, key: str = "id",
              where: str = "", step: int = BATCH) -> Iterator[dict]:
        """Every row whose `key` lies in 0..total-1, a window of `step` keys per query: a
        plain query stops at 16,384 rows, and pymilvus's iterator warns on milvus-lite."""
        extra = f" and {where}" if where else ""
        for low in range(0, total, step):
            yield from self.client.query(
                collection, filter=f"{key} >= {low} and {key} < {low + step}{extra}",
                output_fields=fields)

    def _count(self, collection: str, where: str = "") -> int:
        return int(self.client.query(collection, filter=where,
                                     output_fields=["count(*)"])[0]["count(*)"])

    def _manifest(self, collection: str) -> tuple[Manifest, LanguageOffsets]:
        rows = sorted(self.client.query(collection, filter="id >= 0",
                                        output_fields=["kind", "name", "record", "vector"]),
                      key=lambda row: int(row["id"]))
        head = [row for row in rows if row["kind"] == "manifest"]
        if len(head) != 1:
            raise IndexCorrupt(f"{collection} holds no manifest; run `newsdesk index --full`")
        manifest = Manifest.model_validate(head[0]["record"])
        means = [row for row in rows if row["kind"] == "language"]
        matrix = np.array([row["vector"] for row in means], np.float32).reshape(-1, manifest.dim)
        return manifest, LanguageOffsets([row["name"] for row in means], matrix)

    def _articles(self, collection: str) -> dict[str, tuple[Article, str]]:
        """Article id → (the article, its content hash as published), in publish order;
        IndexCorrupt when a text does not hash to what was published."""
        records: dict[int, dict] = {}
        texts: dict[int, dict[int, str]] = {}
        total = self._count(collection, "part == 0")
        for row in self._rows(collection, ["article", "part", "text", "record"], total,
                              key="article", step=TEXT_BATCH):
            number = int(row["article"])
            texts.setdefault(number, {})[int(row["part"])] = row["text"]
            if int(row["part"]) == 0:
                records[number] = row["record"]
        out: dict[str, tuple[Article, str]] = {}
        for number in sorted(records):
            parts = texts[number]
            if sorted(parts) != list(range(len(parts))):
                raise IndexCorrupt(f"{collection} lacks part of an article; "
                                   "run `newsdesk index --full`")
            record = dict(records[number])
            published_hash = record.pop("content_hash")
            article = Article.model_validate(
                {**record, "text": "".join(parts[i] for i in range(len(parts)))})
            if article.content_hash != published_hash:
                raise IndexCorrupt(f"the article {article.id} in {collection} does not match "
                                   "its hash; run `newsdesk index --full`")
            out[article.id] = (article, published_hash)
        return out

    def _passages(self, collection: str, total: int) -> Iterator[Passage]:
        rows = sorted(self._rows(collection, ["article_id", "ordinal", "start", "end",
                                              "sentences"], total),
                      key=lambda row: int(row["id"]))
        for expected, row in enumerate(rows):
            if int(row["id"]) != expected:
                raise IndexCorrupt(f"{collection} lacks passage {expected}; "
                                   "run `newsdesk index --full`")
            yield Passage(article_id=row["article_id"], ordinal=int(row["ordinal"]),
                          start=int(row["start"]), end=int(row["end"]),
                          sentences=[Span(start=s, end=e) for s, e in row["sentences"]])

    def published_hashes(self) -> dict[str, str]:
        """Article id → content hash of the served version, without reading any text."""
        name = self.current_name()
        if name is None:
            return {}
        collection = self.collection(name, "articles")
        self.client.load_collection(collection)
        total = self._count(collection, "part == 0")
        return {row["record"]["id"]: row["record"]["content_hash"]
                for row in self._rows(collection, ["record"], total, key="article",
                                      where="part == 0")}

    # -- writing ---------------------------------------------------------------
    def publish(self, *, model: str, recipe: str, articles: list[Article],
                passages: list[Passage], vectors: np.ndarray, sentence_vectors: np.ndarray,
                languages: list[str], language_means: np.ndarray) -> Manifest:
        """Write a complete new version, then move the alias to it (under the build lock)."""
        existing = self._parts()
        number = int(max(existing)[2:]) + 1 if existing else 1
        name = f"v-{number:06d}"
        dim = int(vectors.shape[1]) if vectors.ndim == 2 else 0
        manifest = Manifest(version=name, created=datetime.now(UTC), model=model,
                            recipe=recipe, dim=dim,
                            articles={a.id: a.content_hash for a in articles},
                            passages=len(passages), files={})
        collections = {part: self.collection(name, part) for part in PARTS}
        try:
            position = {a.id: i for i, a in enumerate(articles)}
            self._write_articles(collections["articles"], articles)
            self._write_vectors(collections["sentences"], np.asarray(sentence_vectors), dim,
                                ({} for _ in range(len(sentence_vectors))))
            by_id = {a.id: a for a in articles}
            self._write_vectors(collections["passages"], np.asarray(vectors), dim,
                                (self._payload(p, by_id[p.article_id], position)
                                 for p in passages), payload=True)
            self._write_manifest(collections["manifest"], manifest, languages,
                                 np.asarray(language_means, np.float32), dim)
            expected = {"articles": sum(self._text_parts(a) for a in articles),
                        "sentences": len(sentence_vectors), "passages": len(passages),
                        "manifest": 1 + len(languages)}
            for part, collection in collections.items():
                self.client.flush(collection)
                self.client.load_collection(collection)
                if (count := self._count(collection)) != expected[part]:
                    raise IndexCorrupt(f"Milvus holds {count} rows of {collection}, not "
                                       f"{expected[part]}; the index was not published")
        except BaseException as exc:
            self._drop_quietly(name)
            if _milvus_error(exc):
                raise MilvusUnavailable(f"Milvus refused the new index {name} "
                                        f"({getattr(exc, 'message', exc)}); "
                                        "the previous version still serves") from exc
            raise
        self.point_to(name)
        self.prune(keep=3)
        return manifest

    def point_to(self, name: str) -> None:
        """Make `name` the served version in one call (only under the build lock)."""
        target = self.collection(name, "manifest")
        if self._has_alias():
            self.client.alter_alias(target, self.alias)
        else:
            self.client.create_alias(target, self.alias)

    def _has_alias(self) -> bool:
        """Asked first: pymilvus logs a traceback for every call that names a missing alias."""
        return self.alias in self.client.list_aliases().get("aliases", [])

    def prune(self, keep: int) -> None:
        """Drop old versions and what killed builds left; the served one always stays.

        Only under the build lock: no other build is writing, so an incomplete version is a
        dead build's."""
        current = self.current_name()
        complete = self.versions()
        for name, parts in self._parts().items():
            if name == current:
                continue
            if "manifest" not in parts or name in complete[:-keep]:
                self._drop(name)

    def _drop_quietly(self, name: str) -> None:
        """After a failed publish: what stays behind is pruned by the next build."""
        try:
            self._drop(name)
        except Exception as exc:  # the original failure is the one to report
            log.warning("could not drop the unpublished %s: %s", name, exc)

    def _drop(self, name: str) -> None:
        for part in reversed(PARTS):  # the manifest first: a partial version is never complete
            collection = self.collection(name, part)
            if self.client.has_collection(collection):
                self.client.drop_collection(collection)

    @staticmethod
    def _text_parts(article: Article) -> int:
        return max(1, -(-len(article.text) // TEXT_PART))

    @staticmethod
    def _payload(passage: Passage, article: Article, position: dict[str, int]) -> dict:
        return {"language": article.language, "article": position[article.id],
                "article_id": passage.article_id, "ordinal": passage.ordinal,
                "start": passage.start, "end": passage.end,
                "sentences": [[s.start, s.end] for s in passage.sentences],
                "published": _day(article.published), "outlet": article.outlet.casefold()}

    def _create(self, collection: str, dim: int, fields: list[tuple[str, Any, dict]],
                rows: int, key: Any = None) -> None:
        from pymilvus import DataType

        schema = self.client.create_schema(auto_id=False)
        schema.add_field("id", key or DataType.INT64, is_primary=True,
                         **({"max_length": 64} if key else {}))
        schema.add_field("vector", DataType.FLOAT_VECTOR, dim=max(dim, 2))
        for field, kind, options in fields:
            schema.add_field(field, kind, **options)
        index = self.client.prepare_index_params()
        # exact below FLAT_LIMIT rows; above, HNSW: a Milvus server builds it in its own
        # index nodes, not in this process (the FAISS store uses IVF, index/ann.py)
        if rows > FLAT_LIMIT:
            index.add_index("vector", index_type="HNSW", metric_type="IP", params=HNSW)
        else:
            index.add_index("vector", index_type="FLAT", metric_type="IP")
        self.client.create_collection(collection, schema=schema)
        # not waiting for the index: pymilvus's wait asks for a timestamp milvus-lite does not
        # serve (an error logged, retried); the collection is loaded and counted before use
        self.client.create_index(collection, index, sync=False)

    def _write_articles(self, collection: str, articles: list[Article]) -> None:
        """Every article, its text in parts; Milvus wants a vector in every collection, so
        these rows carry a two-number zero vector that nothing searches."""
        from pymilvus import DataType

        self._create(collection, 2, [
            ("article", DataType.INT64, {}), ("part", DataType.INT64, {}),
            ("text", DataType.VARCHAR, {"max_length": 65_535}),
            ("record", DataType.JSON, {})], 0, key=DataType.VARCHAR)
        rows: list[dict] = []
        for number, article in enumerate(articles):
            record = article.model_dump(mode="json", exclude={"text", "content_hash"})
            for part in range(self._text_parts(article)):
                text = article.text[part * TEXT_PART:(part + 1) * TEXT_PART]
                rows.append({"id": f"{number}.{part}", "vector": [0.0, 0.0], "article": number,
                             "part": part, "text": text,
                             "record": {**record, "content_hash": article.content_hash}
                             if part == 0 else {}})
                if len(rows) == TEXT_BATCH:
                    self.client.insert(collection, rows)
                    rows = []
        if rows:
            self.client.insert(collection, rows)

    def _write_vectors(self, collection: str, vectors: np.ndarray, dim: int,
                       payloads: Iterator[dict], payload: bool = False) -> None:
        from pymilvus import DataType

        fields = [
            ("language", DataType.VARCHAR, {"max_length": 32, "is_partition_key": True}),
            ("article", DataType.INT64, {}),
            ("article_id", DataType.VARCHAR, {"max_length": ID_LENGTH}),
            ("ordinal", DataType.INT64, {}), ("start", DataType.INT64, {}),
            ("end", DataType.INT64, {}), ("sentences", DataType.JSON, {}),
            ("published", DataType.INT64, {}),
            ("outlet", DataType.VARCHAR, {"max_length": ID_LENGTH}),
        ] if payload else []
        self._create(collection, dim, fields, len(vectors))
        rows: list[dict] = []
        for row, extra in enumerate(payloads):
            rows.append({"id": row, "vector": vectors[row].astype(np.float32), **extra})
            if len(rows) == BATCH:
                self.client.insert(collection, rows)
                rows = []
        if rows:
            self.client.insert(collection, rows)

    def _write_manifest(self, collection: str, manifest: Manifest, languages: list[str],
                        means: np.ndarray, dim: int) -> None:
        """The manifest (without its article hashes, which the articles carry: a JSON value
        is kept small) and one row per language mean."""
        from pymilvus import DataType

        self._create(collection, dim, [("kind", DataType.VARCHAR, {"max_length": 16}),
                                       ("name", DataType.VARCHAR, {"max_length": 32}),
                                       ("record", DataType.JSON, {})], 0)
        head = manifest.model_dump(mode="json")
        head["articles"] = {}
        rows = [{"id": 0, "vector": np.zeros(max(dim, 2), np.float32), "kind": "manifest",
                 "name": manifest.version, "record": head}]
        rows += [{"id": i + 1, "vector": means[i], "kind": "language", "name": language,
                  "record": {}} for i, language in enumerate(languages)]
        self.client.insert(collection, rows)
