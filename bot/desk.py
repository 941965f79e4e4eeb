"""The newsdesk itself: one object the CLI and the Discord bot both drive.

Everything here is blocking (SQLite, torch, FAISS); the Discord face calls it
from worker threads, never on the event loop.
"""

from __future__ import annotations

import contextlib
import logging
import threading
import time
from collections.abc import Callable, Iterator
from datetime import date
from pathlib import Path

from pydantic import BaseModel

import corpus
from bot.answer import Answer, compose, nothing_found, validate_question
from bot.answer.followup import resolve
from bot.answer.reader import Reader
from bot.answer.reader import load as load_reader
from bot.settings import BotSettings
from bot.stories import Rule, Story
from bot.stories import stories as group_stories
from bot.writer import Writer, WriterHealth
from corpus.catalogue import HAND, Catalogue
from corpus.errors import NewsdeskError
from corpus.fetcher import Fetcher
from corpus.ingest import IngestReport, ingest_paths
from corpus.language import question_language
from corpus.models import Article
from corpus.poll import SourceOutcome, detect_kind, fetch_source
from corpus.registry import Registry, Source, SourceError
from index.backend import open_store
from index.builder import BuildStats, ProgressFn, PruneStats, build, prune_cache
from index.embedder import Embedder
from index.filters import Filters
from index.language_bias import language_null
from index.milvus import MilvusStore
from index.provision import provision
from index.ranking import ArticleRef, Candidate
from index.retriever import Retriever
from index.store import IndexMissing, IndexVersion, Manifest

log = logging.getLogger("newsdesk." + __name__)

SAMPLE_DIR = Path(corpus.__file__).parent / "sample"


def _shown(text: str) -> str:
    """Odd input echoed back in one readable line (5,000 characters help nobody)."""
    text = text.encode("utf-8", "replace").decode("utf-8")
    return text if len(text) <= 120 else text[:119] + "…"


class ArticleNotFound(NewsdeskError):
    pass


class AnswerOnly(NewsdeskError):
    pass


class Stats(BaseModel):
    articles: int
    languages: dict[str, int]
    index_version: str | None
    indexed_articles: int
    indexed_passages: int
    index_created: str | None
    model: str | None
    pending: int = 0  # articles the next build would add or re-embed (Desk.backlog)
    removed: int = 0  # removed articles the index holds until the next build (never quoted)
    writer: WriterHealth | None = None  # None: answers are quotes only (no NEWSDESK_LLM_URL)


class Desk:
    def __init__(self, settings: BotSettings | None = None,
                 embedder: Embedder | None = None) -> None:
        self.settings = settings or BotSettings()
        self.settings.ensure_home()
        self.catalogue = Catalogue(self.settings.catalogue_path)
        self.store = open_store(self.settings)  # FAISS folders, or Milvus (NEWSDESK_STORE)
        self.registry = Registry(self.settings.catalogue_path)
        self._embedder = embedder  # loaded on first use when not given
        self._reader: Reader | None = None
        self._retriever: Retriever | None = None
        self._followed = time.monotonic()
        self._version: IndexVersion | None = None
        self._lock = threading.Lock()
        self._reader_lock = threading.Lock()  # its own: loading it must not hold up the encoder
        self.writer = Writer.from_settings(self.settings)  # None unless NEWSDESK_LLM_URL

    @property
    def embedder(self) -> Embedder:
        with self._lock:
            if self._embedder is None:
                self._embedder = Embedder(self.settings)
            return self._embedder

    def reader(self) -> Reader | None:
        """The trained reader, assembled and loaded on first use; None when turned off."""
        if not self.settings.reader:
            return None
        if self._reader is None:
            with self._reader_lock:
                if self._reader is None:
                    self._reader = load_reader(self.settings.models_dir,
                                               provision(self.settings.models_dir),
                                               self.settings.threads)
        return self._reader

    def warm(self) -> None:
        """Load the index, the encoder and the reader now, not at the first question. The bot
        does it before its event loop starts: loading a tokenizer holds the GIL (up to 0.8 s
        measured from a thread), so a first question that loaded both stalled the loop of
        the fault campaign's Discord area for 1.6 s."""
        self.retriever()
        self.embedder.load()
        self.reader()

    def _prefetch_reader(self) -> None:
        """A cold process loads the reader while the encoder loads and searches: the two are
        half a gigabyte each. A failure here is left for the answer's own call to raise."""
        if not self.settings.reader or self._reader is not None:
            return

        def load() -> None:
            with contextlib.suppress(Exception):
                self.reader()

        threading.Thread(target=load, name="newsdesk-reader-load", daemon=True).start()

    def index_version(self) -> IndexVersion:
        """The published index, loaded once per process (a cold `ask` used to load it twice)."""
        version = self._version
        if version is None:
            version = self.store.load()
            if not self.settings.answer_only:  # a shard's own catalogue is not the index's
                version.catalogue = self.catalogue  # what it opens: never quote another text
            self._version = version
        return version

    def retriever(self) -> Retriever:
        if self._retriever is None:
            version = self.index_version()
            embedder = self.embedder
            with self._lock:
                if self._retriever is None:
                    null = language_null(embedder, self.settings.models_dir,
                                         self.settings.sentence_weight)
                    self._retriever = Retriever(embedder, version, self.settings.per_article,
                                                self.settings.lexical_weight,
                                                self.settings.sentence_weight,
                                                self.settings.language_offset_scale, null)
        self._follow(self._retriever)
        return self._retriever

    def _follow(self, retriever: Retriever) -> None:
        """Switch to a version another process published (another shard, the indexer):
        checked at most every `follow_seconds`, so shards on one index answer alike."""
        now = time.monotonic()
        if now - self._followed < self.settings.follow_seconds:
            return
        self._followed = now
        name = self.store.current_name()
        if name is not None and name != retriever.version.name:
            self._version = None
            retriever.swap(self.index_version())

    def ingest(self, paths: list[Path], progress: Callable[[str], None] | None = None,
               source_id: str | None = None, within: Path | None = None) -> IngestReport:
        """Without `source_id`, a hand ingest: listed as HAND, so no source's removal takes
        these articles away."""
        return ingest_paths(self.catalogue, paths, self.settings.max_file_bytes, progress,
                            source_id=source_id or HAND, within=within)

    def reindex(self, full: bool = False, progress: ProgressFn | None = None) -> BuildStats:
        """Build a new version; the retriever switches to it only once it is published."""
        self._may_change("build the index")
        stats = build(self.catalogue, self.store, self.embedder, self.settings.models_dir,
                      full=full, progress=progress,
                      vector_cache=self.settings.vector_cache_path)
        if stats.changed:
            self._version = None
            if self._retriever is not None:
                self._retriever.swap(self.index_version())
        return stats

    def prune_cache(self, days: int) -> PruneStats:
        """Drop embedding-cache rows nobody used for `days` days, this catalogue's texts
        dated today first (the cache may be shared with other data homes)."""
        return prune_cache(self.catalogue, self.embedder, self.settings.vector_cache_path, days)

    def _may_change(self, what: str) -> None:
        """An answering shard of a shared index (NEWSDESK_ANSWER_ONLY) never publishes: its
        catalogue is not the one the index is built from."""
        if self.settings.answer_only:
            raise AnswerOnly(f"this process only answers (NEWSDESK_ANSWER_ONLY): {what} "
                             "where the index is built, with `newsdesk fetch` or "
                             "`newsdesk index`")

    # -- sources ---------------------------------------------------------------
    def add_source(self, location: str, added_by: str, *, within: Path | None = None,
                   progress: Callable[[str], None] | None = None
                   ) -> tuple[Source, SourceOutcome | IngestReport]:
        """A folder, a feed or an article URL; web sources are fetched (back-filled) at once."""
        self._may_change("add a source")
        if not location.strip().lower().startswith(("http://", "https://")):
            if "://" in location:
                raise SourceError("only http and https links, or folders, can be sources")
            source = self.add_folder(location, added_by, within=within)
            try:
                return source, self.refresh_folders(only=source.id)
            except BaseException:  # e.g. the catalogue is busy: leave no half-added source
                self.registry.remove(source.id)
                raise
        url = location.strip()
        with Fetcher(self.settings.fetch_settings()) as fetcher:
            if not fetcher.allowed_by_robots(url):
                raise SourceError(f"robots.txt of that site disallows fetching {url}")
            kind, _ = detect_kind(fetcher, url)
            source = self.registry.add(kind, url, added_by)
            outcome = fetch_source(source, fetcher, self.catalogue, self.registry, progress)
        if outcome.status == "error":  # nothing usable: leave no half-added source behind
            self.registry.remove(source.id)
            raise SourceError(f"cannot add {url}: {outcome.errors[0]}")
        return source, outcome

    def fetch(self, due_only: bool = True, progress: Callable[[str], None] | None = None
              ) -> list[SourceOutcome]:
        """Fetch web sources (those due, or all) and re-read folders; one failure stops none."""
        self._may_change("fetch sources")
        now = time.time()
        period = self.settings.poll_minutes * 60
        outcomes = []
        with Fetcher(self.settings.fetch_settings()) as fetcher:
            for source in self.registry.all():
                if source.kind == "folder":
                    continue
                if due_only and source.last_fetch and now - source.last_fetch < period:
                    continue
                outcomes.append(fetch_source(source, fetcher, self.catalogue, self.registry,
                                             progress))
        folders = self.refresh_folders()
        if folders.changed or folders.errors:
            outcomes.append(SourceOutcome(source_id="folders", location="folders",
                                          added=folders.added, updated=folders.updated,
                                          unchanged=folders.unchanged, errors=folders.errors,
                                          status="partial" if folders.errors else "ok"))
        return outcomes

    def add_folder(self, location: str, added_by: str, *, within: Path | None = None) -> Source:
        """A folder source; `within` confines it (moderators on Discord may not roam the disk)."""
        path = self._folder_path(location, within)
        if within is not None and path == within.resolve():
            raise SourceError("give a folder inside the sources folder, not the sources "
                              "folder itself")
        for source in self.registry.all():
            other = Path(source.location)
            if source.kind == "folder" and path != other and (
                    path.is_relative_to(other) or other.is_relative_to(path)):
                raise SourceError(f"{_shown(location)} overlaps the folder source "
                                  f"{source.id} ({other}); one file, one source")
        return self.registry.add("folder", str(path), added_by)

    @staticmethod
    def _folder_path(location: str, within: Path | None) -> Path:
        """The real path of an existing folder; SourceError for anything else, however odd."""
        shown = _shown(location)
        if "\x00" in location:
            raise SourceError("a folder path cannot contain a NUL character")
        try:
            path = Path(location).expanduser()
            if within is not None:
                if path.is_absolute() or ".." in path.parts:
                    raise SourceError("give a folder path relative to the sources folder")
                path = within / path
            path = path.resolve()
            if within is not None and not path.is_relative_to(within.resolve()):
                raise SourceError("that folder is outside the sources folder")
            if not path.is_dir():
                raise SourceError(f"{shown}: no such folder")
        except (OSError, ValueError, RuntimeError) as exc:  # too long, a link loop, …
            reason = getattr(exc, "strerror", None) or exc
            raise SourceError(f"{shown} is not a usable folder path ({reason})") from None
        return path

    def _confinement(self, folder: Path) -> Path | None:
        """Folders inside the sources folder (the ones Discord may add) read nothing outside
        it, whatever links they hold; folders added from the command line are the user's."""
        root = self.settings.sources_root.resolve()
        return root if folder.is_relative_to(root) else None

    def sources(self) -> list[Source]:
        """Every source, oldest first."""
        return self.registry.all()

    def source(self, target: str, *, within: Path | None = None) -> Source:
        """A source by its id or its location: a link as added, a folder by any path to it
        (relative to `within` when given, as Discord's folders are)."""
        text = target.strip()
        found = self.registry.find(text) if text else None
        if found is None and text and "://" not in text:
            try:
                found = self.registry.find(str(((within or Path.cwd()) / Path(text)
                                                 .expanduser()).resolve()))
            except (OSError, ValueError, RuntimeError):
                found = None
        if found is None:
            raise SourceError(f"no source has the id or location {_shown(target)!r}; "
                              "`sources list` shows them")
        return found

    def source_choices(self, typed: str, limit: int = 25) -> list[Source]:
        """Sources whose id or location holds what was typed: what `/sources remove`
        offers as the moderator types."""
        needle = typed.strip().lower()
        return [s for s in self.registry.all()
                if needle in s.id.lower() or needle in s.location.lower()][:limit]

    def remove_source(self, target: str, *, within: Path | None = None) -> tuple[Source, int]:
        """Remove a source given by its id or location (see `source`); returns it and how
        many articles left the catalogue (those another source lists stay)."""
        return self.registry.remove(self.source(target, within=within).id)

    def refresh_folders(self, only: str | None = None) -> IngestReport:
        """Re-read folder sources; files gone from a readable folder leave the catalogue."""
        total = IngestReport()
        for source in self.registry.all():
            if source.kind != "folder" or (only and source.id != only):
                continue
            folder = Path(source.location)
            if not folder.is_dir():
                self.registry.record(source.id, status="error", error="the folder is missing")
                total.errors.append(f"{folder}: the folder is missing")
                continue
            report = self.ingest([folder], source_id=source.id,
                                 within=self._confinement(folder))
            gone = self.catalogue.ids_of_source(source.id) - set(report.ids)
            self.catalogue.unlist(source.id, gone)
            self.registry.record(source.id, status="ok" if not report.errors else "partial",
                                 item_count=len(report.ids),
                                 error="; ".join(report.errors[:3]) or None)
            for key in ("added", "updated", "unchanged"):
                setattr(total, key, getattr(total, key) + getattr(report, key))
            total.errors += report.errors
        return total

    def pending(self) -> int:
        """How far the catalogue is ahead of the published index: articles it lacks or holds
        an older text of, plus those it still holds after they left the catalogue. Content
        hashes against the served version's manifest; nothing is embedded or loaded."""
        waiting, removed = self.backlog()
        return waiting + removed

    def backlog(self) -> tuple[int, int]:
        """`pending`, told apart: (articles to add or re-embed, removed articles the index
        still holds). Said apart too: a removal is not something waiting to be searchable."""
        if self.settings.answer_only:  # it never builds: nothing waits for it
            return 0, 0
        published = self._published_hashes()
        current = self.catalogue.hashes(duplicates=False)
        stale = sum(1 for aid, digest in current.items() if published.get(aid) != digest)
        return stale, len(published.keys() - current.keys())

    def _published_hashes(self) -> dict[str, str]:
        """Article id → content hash of the version served (CURRENT, else the newest)."""
        if isinstance(self.store, MilvusStore):
            return self.store.published_hashes()
        versions = self.store.versions()
        name = self.store.current_name() or (versions[-1] if versions else None)
        if name is None:
            return {}
        try:
            raw = (self.store.root / name / "manifest.json").read_text("utf-8")
            return Manifest.model_validate_json(raw).articles
        except (OSError, ValueError):  # damaged: the next build starts over, all is pending
            return {}

    def needs_sample(self) -> bool:
        return self.catalogue.count() == 0

    def load_sample(self, progress: ProgressFn | None = None) -> BuildStats:
        self.ingest([SAMPLE_DIR])
        return self.reindex(progress=progress)

    def ask(self, question: str, k: int = 8, context: list[str] | None = None,
            locale: str = "", filters: Filters | None = None) -> Answer:
        return self.ask_with_hits(question, k, context, locale, filters)[0]

    def ask_with_hits(self, question: str, k: int = 8, context: list[str] | None = None,
                      locale: str = "", filters: Filters | None = None
                      ) -> tuple[Answer, list[Candidate]]:
        """`context`: earlier questions of a conversation, so "and Taiwan?" makes sense;
        `locale`: the asker's (e.g. Discord's), a hint for the question's language;
        `filters`: which articles may answer (since a day, one outlet, one language)."""
        question = validate_question(question, self.settings.max_question_chars)
        language = question_language(question, locale)
        self._prefetch_reader()
        retriever = self.retriever()
        context = (context or [])[-2:]
        asked = resolve(question, context, language)  # "and Germany?" → with its subject
        if asked != question:
            context = []  # the thread's earlier question would pull its own article back
        candidates = retriever.search(asked, k=k, context=context, language=language,
                                      filters=filters)
        answer = compose(asked, candidates, self.settings.min_relevance,
                         self.settings.max_citations, language,
                         min_significance=self.settings.min_significance,
                         reader=self.reader(), min_answer=self.settings.min_answer)
        answer.question = question
        if answer.abstained:  # say what was searched, so a member can widen it
            answer.searched = retriever.searched(filters, self._left(retriever.version))
            answer.text = nothing_found(answer.searched, language)
        if self.writer is not None:  # the quoted answer stands unless a checked one is written
            answer = self.writer.write(answer, language, self.embedder)
        return answer, candidates

    def more_like(self, article_ids: list[str], exclude: list[str] | None = None, k: int = 5,
                  filters: Filters | None = None) -> list[ArticleRef]:
        """"More like this": the next best articles on the story of `article_ids` (e.g. an
        answer's citations), leaving out those and `exclude` (already shown); each must
        stand out from unrelated text as a cited article must (min_significance)."""
        return self.retriever().more_like(article_ids, exclude, k, filters,
                                          self.settings.min_significance)

    def outlets(self) -> list[str]:
        """The outlets the served index holds, as `Filters(outlet=...)` accepts them (what
        `/ask outlet:` offers as a member types)."""
        return sorted({a.outlet for a in self.retriever().version.articles.values()
                       if a.outlet}, key=str.casefold)

    def stories(self, since: date | None = None, language: str | None = None,
                outlet: str | None = None, headline_language: str | None = None
                ) -> list[Story]:
        """The stories of the served index with an article published since `since`, in
        `language`, by `outlet` (each optional), most covered first; headlines in
        `headline_language` where a story has an article in it (default: `language`).
        FilterError for an outlet or a language the index never held."""
        filters = Filters.read(since=since, outlet=outlet, language=language)
        rule = Rule(similarity=self.settings.story_similarity, days=self.settings.story_days,
                    names=self.settings.story_names)
        catalogue = None if self.settings.answer_only else self.catalogue
        version = self.retriever().version  # what is served now, another process's build too
        return group_stories(version, catalogue, rule, filters, headline_language,
                             self.embedder.queries)

    def newest_published(self) -> date | None:
        """The newest date of the served index's articles: what a digest of an old archive
        says when nothing is recent."""
        dates = [a.published for a in self.index_version().articles.values() if a.published]
        return max(dates) if dates else None

    def articles(self) -> Iterator[Article]:
        """Every article in the catalogue (an evaluation maps its questions' links to ids)."""
        return self.catalogue.articles()

    def tuned(self, **changes: object) -> None:
        """Answer with other settings from now on (an evaluation's --min-relevance); the
        settings object is replaced, never changed, so nothing holding the old one sees it
        move."""
        self.settings = self.settings.model_copy(update=changes)

    def _left(self, version: IndexVersion) -> frozenset[str]:
        """Articles the served index holds that left the catalogue since: never quoted, so
        not counted as searched either."""
        if self.settings.answer_only:
            return frozenset()
        try:
            left = self.catalogue.removed() & version.articles.keys()
            return frozenset(left - self.catalogue.get_many(list(left)).keys())
        except NewsdeskError:  # a damaged catalogue: the index's own count stands
            return frozenset()

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
        backlog = self.backlog()
        return Stats(
            articles=self.catalogue.count(),
            languages=self.catalogue.languages(),
            index_version=manifest.version if manifest else None,
            indexed_articles=len(manifest.articles) if manifest else 0,
            indexed_passages=manifest.passages if manifest else 0,
            index_created=manifest.created.isoformat(timespec="seconds") if manifest else None,
            model=manifest.model if manifest else None,
            pending=backlog[0],
            removed=backlog[1],
            writer=self.writer.health() if self.writer else None,
        )
