"""The `newsdesk` command: ask, ingest, index, and look things up from a terminal."""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import logging
import os
import signal
import sqlite3
import sys
from collections.abc import Iterator, Sequence
from pathlib import Path

from rich.markup import escape

from bot import scrub
from bot.answer import Answer, QuestionError
from bot.messages import say
from bot.progress import build_bar, count_bar, log_handler, stderr
from bot.settings import BotSettings
from corpus.catalogue import HAND
from corpus.errors import CatalogueError, NewsdeskError
from index.vector_cache import KEEP_DAYS

log = logging.getLogger("newsdesk." + __name__)
BOT_DB = "bot.sqlite3"  # the bot's storage: guild settings, answers, votes
FACES = ("discord", "cli")
SAMPLE_SECONDS = 25  # indexing the bundled sample with an empty embedding cache (measured)


def _desk():
    return _desk_from(BotSettings())


def _desk_from(settings: BotSettings):
    from bot.desk import Desk  # deferred: importing torch takes seconds

    return Desk(settings)


def _ready(desk) -> None:
    """First run: load the bundled sample corpus; no index yet: build one. A damaged
    catalogue does not stop answers: the published index holds what they quote."""
    from bot.desk import SAMPLE_DIR
    from index.store import IndexMissing

    if desk.settings.answer_only:  # a shard answers from what the indexer published
        if desk.store.current_name() is None:
            raise IndexMissing("no index is published yet; run `newsdesk index` where the "
                               "catalogue is (this process only answers)")
        return
    try:
        empty = desk.needs_sample()
    except CatalogueError as exc:
        try:
            desk.index_version()
        except IndexMissing:
            raise exc from None
        log.warning("%s; answering from the published index meanwhile", exc)
        return
    if empty:
        count = len(list(SAMPLE_DIR.glob("*.md")))
        log.info("the catalogue is empty: loading and indexing the bundled sample corpus (%d "
                 "articles; about %d s the first time on a busy 2-core machine, a few seconds "
                 "once the embedding cache holds its vectors)", count, SAMPLE_SECONDS)
        with build_bar() as progress:
            desk.load_sample(progress)
        return
    try:
        desk.index_version()
    except IndexMissing:
        log.info("no index yet: building it")
        with build_bar() as progress:
            desk.reindex(progress=progress)
        return
    for line in _backlog_lines(*desk.backlog()):
        log.warning("%s", line)


def _waiting(count: int) -> str:
    return f"{count} article{' waits' if count == 1 else 's wait'} to be indexed"


def _backlog_lines(waiting: int, removed: int) -> list[str]:
    """What the next `newsdesk index` changes, additions and removals each in its words."""
    lines = [f"{_waiting(waiting)}: `newsdesk index` makes them searchable"] if waiting else []
    if removed:
        lines.append(f"{removed} removed article{'' if removed == 1 else 's'} still "
                     f"{'sits' if removed == 1 else 'sit'} in the index (never quoted) until "
                     "the next `newsdesk index`")
    return lines


def render(answer: Answer) -> str:
    lines = [answer.text]
    if answer.closest:
        lines += ["", say("closest", answer.language)]
        for ref in answer.closest:
            meta = " · ".join(x for x in (ref.outlet, str(ref.published or ""), ref.language)
                              if x)
            lines += [f"  {ref.title or ref.id} — {meta}"] + ([f"    {ref.url}"] if ref.url else [])
    for c in answer.citations:
        meta = " · ".join(x for x in (c.outlet, str(c.published or ""), c.language) if x)
        lines += ["", f"[{c.n}] {c.title} — {meta}"]
        lines += [f"    {c.url}"] if c.url else []
        lines += [f"    “{c.excerpt}”"]
    return "\n".join(lines).rstrip()


# characters str.splitlines() (and many line readers) end a line at, which JSON leaves raw:
# escaped, so one question is one output line for any reader
_LINE_BREAKS = {"\u2028": "\\u2028", "\u2029": "\\u2029", "\x85": "\\u0085"}
SHOWN_CHARS = 200  # of a question echoed back in an error line


def one_line_json(value: object) -> str:
    text = json.dumps(value, ensure_ascii=False)
    for char, escaped in _LINE_BREAKS.items():
        text = text.replace(char, escaped)
    return text


def answer_json(answer: Answer) -> str:
    return one_line_json(answer.model_dump(mode="json"))


def _echoed(raw: bytes) -> str:
    """A question as an error line shows it: a 5 MB line is not worth echoing whole."""
    shown = raw[:SHOWN_CHARS * 4 + 4].decode("utf-8", "replace").strip()
    return shown if len(shown) <= SHOWN_CHARS and len(raw) <= SHOWN_CHARS * 4 else \
        shown[:SHOWN_CHARS] + "…"


def _stdin_lines() -> Iterator[bytes]:
    """Lines of standard input ended by \n alone (a \r before it is dropped): a bare \r,
    \x85 or U+2028 inside a question does not end it."""
    for raw in sys.stdin.buffer:  # bytes: one line that is not UTF-8 must not end the stream
        yield raw.rstrip(b"\n").removesuffix(b"\r")


_FILTER_KEYS = ("since", "outlet", "language")


def _asked(raw: bytes, defaults: dict[str, str | None]) -> tuple[str, dict[str, str | None]]:
    """One line of `ask -`: a plain question, or a JSON record {"question": …, "since": …,
    "outlet": …, "language": …} whose filters override the command line's."""
    line = raw.decode("utf-8", "surrogateescape")
    if not line.lstrip().startswith("{"):
        return line, defaults
    try:
        record = json.loads(line)
    except ValueError:
        return line, defaults  # a question that happens to open with a brace
    if not isinstance(record, dict) or not isinstance(record.get("question"), str):
        raise QuestionError('a JSON line needs a "question" string')
    unknown = set(record) - {"question", "context", *_FILTER_KEYS}
    if unknown:
        raise QuestionError(f"unknown keys in the JSON line: {', '.join(sorted(unknown))} "
                            f"(known: question, context, {', '.join(_FILTER_KEYS)})")
    filters = {key: record.get(key, defaults[key]) for key in _FILTER_KEYS}
    if any(v is not None and not isinstance(v, str) for v in filters.values()):
        raise QuestionError(f"{', '.join(_FILTER_KEYS)} must be strings")
    return record["question"], filters


def _context(raw: bytes, default: list[str]) -> list[str]:
    """A JSON line's "context": the conversation's earlier questions, oldest first."""
    line = raw.decode("utf-8", "surrogateescape")
    try:
        record = json.loads(line) if line.lstrip().startswith("{") else None
    except ValueError:
        return default
    if not isinstance(record, dict) or "context" not in record:
        return default
    context = record["context"]
    if not isinstance(context, list) or not all(isinstance(q, str) for q in context):
        raise QuestionError('"context" must be a list of earlier questions (strings), oldest '
                            "first")
    return context


class _Recorder:
    """Questions asked here are kept where the bot keeps Discord's (face `cli`), so `audit
    --unanswered` shows what the corpus lacks whichever face was asked."""

    def __init__(self, settings: BotSettings, enabled: bool) -> None:
        self.enabled = enabled and not settings.answer_only
        self.path = settings.home / BOT_DB
        self._storage = None

    def __call__(self, answer: Answer) -> None:
        if not self.enabled:
            return
        try:
            asyncio.run(self._record(answer))
        except (sqlite3.Error, OSError) as exc:  # an answer stands without its record
            log.warning("this question is not recorded for `newsdesk audit` (%s)", exc)
            self.enabled = False

    async def _record(self, answer: Answer) -> None:
        from bot.discord.storage import Storage

        if self._storage is None:
            storage = Storage(self.path)
            await storage.setup()
            self._storage = storage
        await self._storage.record_answer(None, None, 0, answer.question,
                                          [c.article_id for c in answer.citations],
                                          answer.abstained, answer, face="cli")


def cmd_ask(args: argparse.Namespace) -> int:
    from index.filters import Filters

    defaults = {key: getattr(args, key) for key in _FILTER_KEYS}
    filters = Filters.read(**defaults)  # a bad --since fails before the model loads
    desk = _desk()
    _ready(desk)
    record = _Recorder(desk.settings, not args.no_record)
    context = args.context or []
    if args.question == "-":
        status = 0
        for raw in _stdin_lines():
            if not raw.strip():
                continue
            try:
                question, given = _asked(raw, defaults)
                answer = desk.ask(question, filters=Filters.read(**given),
                                  context=_context(raw, context))
            except NewsdeskError as exc:
                print(one_line_json({"question": _echoed(raw), "error": str(exc)}), flush=True)
                status = 1
                continue
            print(answer_json(answer) if args.json else render(answer) + "\n", flush=True)
            record(answer)
        return status
    answer = desk.ask(args.question, filters=filters, context=context)
    print(answer_json(answer) if args.json else render(answer))
    record(answer)
    return 0


DIGEST_DAYS = 7  # what `digest` shows without --since


def _note(text: str) -> None:
    stderr.print(text, markup=False, highlight=False)


def cmd_digest(args: argparse.Namespace) -> int:
    """The stories since a day, most covered first. Without --since, the last week; an
    archive with nothing that recent (the bundled sample is from 2025) shows the week up
    to its newest article instead, and says so."""
    from datetime import date, timedelta

    from bot.digest import story_json, story_markdown, story_text
    from index.filters import FilterError, parse_since

    try:
        since = parse_since(args.since) if args.since is not None else None
    except FilterError as exc:
        _note(f"error: {exc}")
        return 2
    desk = _desk()
    _ready(desk)
    newest = desk.newest_published()
    if since is None:
        since = date.today() - timedelta(days=DIGEST_DAYS)
        if newest is not None and newest < since:
            since = newest - timedelta(days=DIGEST_DAYS)
            _note(f"nothing was published in the last {DIGEST_DAYS} days; the newest article "
                  f"is from {newest}: the {DIGEST_DAYS} days up to it, since {since} "
                  "(--since changes this)")
    stories = desk.stories(since=since, language=args.language, outlet=args.outlet)
    if not stories:
        told = f"; the newest article is from {newest}" if newest else ""
        _note(f"no stories since {since}{told}")
        return 0
    if args.json:
        for story in stories:
            print(story_json(story))
    elif args.markdown:
        print(f"## News since {since}\n")
        print("\n\n".join(story_markdown(story) for story in stories))
    else:
        print("\n\n".join(story_text(story, n) for n, story in enumerate(stories, 1)))
    return 0


CHAT_HELP = ("Ask a question; a follow-up (\"and what did Germany do?\") is read with the "
             "earlier questions, as in a Discord thread. /new starts a new subject, /quit or "
             "Ctrl-D ends.")
CHAT_CONTEXT = 3  # earlier questions kept, as a Discord thread keeps them


def cmd_chat(args: argparse.Namespace) -> int:
    """One process for a whole conversation: the model loads once, so every question after
    the first is answered in the warm time."""
    from index.filters import Filters

    filters = Filters.read(since=args.since, outlet=args.outlet, language=args.language)
    desk = _desk()
    _ready(desk)
    desk.embedder.load()  # now, not on the first question
    record = _Recorder(desk.settings, not args.no_record)
    history = _readline_history(desk.settings.home / "chat_history")
    stderr.print(CHAT_HELP, markup=False, highlight=False)
    earlier: list[str] = []
    while True:
        try:
            question = input("? " if sys.stdin.isatty() else "").strip()
        except EOFError:
            break
        if question in ("/quit", "/exit"):
            break
        if question == "/new":
            earlier = []
            continue
        if not question:
            continue
        try:
            answer = desk.ask(question, filters=filters, context=earlier[-CHAT_CONTEXT:])
        except NewsdeskError as exc:
            stderr.print(f"error: {exc}", markup=False, highlight=False)
            continue
        print(render(answer) + "\n", flush=True)
        record(answer)
        earlier.append(question)
    history()
    return 0


def _readline_history(path: Path):
    """Up-arrow recalls earlier questions, across sessions; returns what saves them. A
    Python without readline (some builds) chats without it."""
    try:
        import readline
    except ImportError:
        return lambda: None
    with contextlib.suppress(OSError):
        readline.read_history_file(path)
    readline.set_history_length(1000)

    def save() -> None:
        with contextlib.suppress(OSError):
            readline.write_history_file(path)

    return save


def cmd_ingest(args: argparse.Namespace) -> int:
    desk = _desk()
    with count_bar("reading files") as progress:
        report = desk.ingest([Path(p) for p in args.paths], progress)
    for error in report.errors:
        stderr.print(f"[yellow]skipped[/] {escape(error)}", highlight=False, markup=True)
    print(f"added {report.added}, updated {report.updated}, unchanged {report.unchanged}, "
          f"errors {len(report.errors)}")
    if report.changed:
        print("run `newsdesk index` to make them searchable")
    return 1 if report.errors and not (report.added or report.updated or report.unchanged) else 0


def cmd_index(args: argparse.Namespace) -> int:
    if args.prune_cache is not None and args.prune_cache < 0:
        raise NewsdeskError(f"--prune-cache takes a number of days, 0 or more (not "
                            f"{args.prune_cache})")
    desk = _desk()
    with build_bar() as progress:
        stats = desk.reindex(full=args.full, progress=progress)
    if not stats.changed:
        print(f"index {stats.version} is up to date ({stats.articles_total} articles)")
    else:
        print(f"index {stats.version}: {stats.articles_total} articles, {stats.passages_total} "
              f"passages; embedded {stats.passages_embedded} passages of "
              f"{stats.articles_embedded} articles (computed {stats.vectors_computed} vectors, "
              f"{stats.vectors_cached} from the cache), removed {stats.articles_removed} "
              f"articles in {stats.seconds:.1f} s")
    if args.prune_cache is not None:
        pruned = desk.prune_cache(args.prune_cache)
        print(f"vector cache: kept the {pruned.kept} vectors this catalogue uses, removed "
              f"{pruned.removed} unused for {args.prune_cache} days or more; {pruned.left} left")
    return 0


def cmd_article(args: argparse.Namespace) -> int:
    article = _desk().article(args.id)
    if args.json:
        print(json.dumps(article.model_dump(mode="json"), ensure_ascii=False))
    else:
        print(f"{article.title}\n{article.outlet} · {article.published or ''} · "
              f"{article.language}\n{article.url}\n\n{article.text}")
    return 0


def cmd_stats(args: argparse.Namespace) -> int:
    stats = _desk().stats()
    if args.json:
        print(stats.model_dump_json())
        return 0
    langs = ", ".join(f"{k or '?'} {v}" for k, v in stats.languages.items())
    print(f"articles: {stats.articles} ({langs})")
    print(f"index: {stats.index_version or 'none'} — {stats.indexed_articles} articles, "
          f"{stats.indexed_passages} passages, built {stats.index_created or '-'}")
    for line in _backlog_lines(stats.pending, stats.removed):
        print(line)
    print(f"model: {stats.model or '-'}")
    print(f"writer: {stats.writer.describe() if stats.writer else 'off (quotes only)'}")
    return 0


def cmd_model(args: argparse.Namespace) -> int:
    from index.embedder import Embedder

    settings = BotSettings()
    embedder = Embedder(settings)
    print(f"embedding model ready: {embedder.name} ({embedder.dim} dimensions)")
    if settings.reader:
        from bot.answer.reader import load as load_reader
        from index.provision import provision

        reader = load_reader(settings.models_dir, provision(settings.models_dir))
        print(f"reader ready: {reader.folder.name}")
    print(f"model cache: {settings.models_dir} (NEWSDESK_MODEL_CACHE moves it)")
    return 0


def cmd_doctor(args: argparse.Namespace) -> int:
    from bot.doctor import examine
    from index.embedder import Embedder

    settings = BotSettings()

    def rebuild() -> str:
        stats = _desk_from(settings).reindex()
        return (f"{stats.version} published ({stats.articles_total} articles; "
                f"{stats.vectors_cached} vectors from the cache, {stats.vectors_computed} "
                "computed)")

    findings = examine(settings, fix=not args.dry_run,
                       model_check=lambda: Embedder(settings).load().id, rebuild=rebuild)
    for finding in findings:
        print(finding.line(), flush=True)
    return 1 if any(f.status == "problem" for f in findings) else 0


def cmd_eval(args: argparse.Namespace) -> int:
    from rich.table import Table

    from bot import evaluation as ev

    desk = _desk()
    path = Path(args.file)
    if not path.is_file():
        raise ev.EvalError(f"no such file: {path}")
    tmp = None
    if path.suffix == ".json":
        articles, questions = ev.squad_corpus(path, args.pool.split(",") if args.pool else None)
        desk, tmp = ev.temporary_desk(desk, articles)
        log.info("indexing %d paragraphs from %s", len(articles), path.name)
        with build_bar() as progress:
            desk.reindex(progress=progress)
    else:
        _ready(desk)
        urls = {a.url: a.id for a in desk.articles() if a.url}
        questions = ev.read_jsonl(path, urls)
    if args.min_relevance is not None:
        desk.tuned(min_relevance=args.min_relevance)
    try:
        with count_bar("asking") as progress:
            outcomes = ev.run(desk, questions, on_each=progress)
    finally:
        if tmp is not None:
            tmp.cleanup()
    overall = ev.figures(outcomes)
    if args.outcomes:
        Path(args.outcomes).write_text("".join(o.model_dump_json() + "\n" for o in outcomes),
                                       "utf-8")
    if args.json:
        print(json.dumps({"overall": overall.model_dump(),
                          "by_language": {k: v.model_dump() for k, v in
                                          ev.breakdown(outcomes, "language").items()},
                          "by_type": {k: v.model_dump() for k, v in
                                      ev.breakdown(outcomes, "type").items()}}))
        return 0
    columns = ["n", "R@1", "R@5", "MRR", "cited first", "keyword", "in lead", "in highlight",
               "off-topic", "off-topic extra", "declined (ans.)", "unans.", "declined (unans.)"]
    table = Table(*(["group", *columns]), title=f"{path.name} (min_relevance "
                  f"{desk.settings.min_relevance})")

    def row(name: str, f: ev.Figures) -> None:
        cells = [f.n, f.r1, f.r5, f.mrr, f.cited_first, f.keyword_in_excerpt, f.answer_in_lead,
                 f.answer_in_highlight, f.off_topic, f.off_topic_extra, f.wrongly_declined,
                 f.unanswerable,
                 f.declined_unanswerable]
        table.add_row(name, *("-" if c is None else str(c) for c in cells))

    row("all", overall)
    for key in ("language", "type"):
        groups = ev.breakdown(outcomes, key)
        if len(groups) > 1:
            for name, f in groups.items():
                row(f"{key}={name}", f)
    from rich.console import Console

    Console(width=200).print(table)
    if args.sweep:
        print("\nthreshold  declined(answerable)  declined(unanswerable)")
        for t, wrong, right in ev.sweep(outcomes):
            print(f"{t:9.3f}  {wrong!s:>20}  {right!s:>22}")
        if overall.answerable:
            print(f"calibrated min_relevance (≤ 1 in 50 answerable declined): "
                  f"{ev.calibrated_threshold(outcomes)}")
    return 0


def _describe(outcome) -> str:
    from corpus.poll import SourceOutcome

    if not isinstance(outcome, SourceOutcome):  # a folder's IngestReport
        return (f"added {outcome.added}, updated {outcome.updated}, unchanged "
                f"{outcome.unchanged}, errors {len(outcome.errors)}")
    parts = [f"{outcome.status}: {outcome.items} items", f"added {outcome.added}",
             f"updated {outcome.updated}", f"unchanged {outcome.unchanged}"]
    if outcome.duplicates:
        parts.append(f"duplicates {outcome.duplicates}")
    if outcome.summaries:
        parts.append(f"feed summaries {outcome.summaries}")
    if outcome.errors:
        parts.append(f"errors {len(outcome.errors)}")
    return ", ".join(parts)


def cmd_sources(args: argparse.Namespace) -> int:
    from datetime import datetime

    desk = _desk()
    if args.action == "list":
        rows = desk.sources()
        by_hand = len(desk.catalogue.ids_of_source(HAND))
        if not rows and not by_hand:
            print("no sources yet: `newsdesk sources add PATH-OR-URL`")
        if by_hand:
            print(f"{HAND:12}  {by_hand} articles added by hand (`newsdesk ingest`); no "
                  "source's removal takes them away")
        for s in rows:
            when = datetime.fromtimestamp(s.last_fetch).strftime("%Y-%m-%d %H:%M") \
                if s.last_fetch else "never"
            error = f"  last error: {s.last_error}" if s.last_error else ""
            print(f"{s.id}  {s.kind:6}  {s.status:12}  {s.item_count:4} items  "
                  f"fetched {when}  {s.location}{error}")
        return 0
    if args.action == "add":
        with count_bar("fetching") as progress:
            source, outcome = desk.add_source(args.target, "cli", progress=progress)
        for error in outcome.errors:
            stderr.print(f"[yellow]skipped[/] {escape(error)}", markup=True, highlight=False)
        print(f"added {source.kind} source {source.id}: {_describe(outcome)}")
        waiting, _ = desk.backlog()
        if waiting:  # an all-unchanged folder another listing already brought: nothing to do
            print(f"{_waiting(waiting)}: run `newsdesk index` to make them searchable")
        return 0
    source, removed = desk.remove_source(args.target)
    if not removed:
        print(f"removed {source.id} ({source.location}); its articles stay, each listed by "
              "another source or added by hand (`newsdesk ingest`)")
        return 0
    print(f"removed {source.id} ({source.location}) and its {removed} article"
          f"{'' if removed == 1 else 's'} no other source lists; they leave the index at the "
          "next `newsdesk index` or `newsdesk fetch`")
    return 0


def cmd_fetch(args: argparse.Namespace) -> int:
    desk = _desk()
    with count_bar("fetching items") as progress:
        outcomes = desk.fetch(due_only=not args.all, progress=progress)
    if not outcomes:
        print("nothing is due (use --all to fetch every source now)")
    for outcome in outcomes:
        print(f"{outcome.source_id}  {_describe(outcome)}  {outcome.location}")
        for error in outcome.errors[:5]:
            stderr.print(f"  {error}", markup=False, highlight=False)
    # whatever changed, in this fetch or before it (`sources add`, `ingest`, a removal)
    if not args.no_index and desk.pending():
        with build_bar() as progress:
            stats = desk.reindex(progress=progress)
        print(f"index {stats.version}: embedded {stats.passages_embedded} passages of "
              f"{stats.articles_embedded} articles in {stats.seconds:.1f} s")
    return 0


def cmd_run(args: argparse.Namespace) -> int:
    import asyncio

    import discord

    from bot.discord.client import NewsdeskBot

    settings = BotSettings()
    token = settings.discord_token.get_secret_value().strip() if settings.discord_token else ""
    if not token:
        stderr.print("error: DISCORD_TOKEN is not set; put it in the environment or in .env",
                      markup=False, highlight=False)
        return 2
    if args.sync_guild:
        settings = settings.model_copy(update={"sync_guild": args.sync_guild})
    desk = _desk_from(settings)
    _ready(desk)
    desk.warm()

    if settings.discord_api:
        discord.http.Route.BASE = settings.discord_api.rstrip("/")
    if settings.discord_gateway:
        import yarl

        discord.gateway.DiscordWebSocket.DEFAULT_GATEWAY = yarl.URL(settings.discord_gateway)

    async def main() -> int:
        bot = NewsdeskBot(desk, message_content=args.message_content,
                          shard_count=settings.shard_count)
        async with bot:
            try:
                await bot.start(token)
            except discord.LoginFailure:
                stderr.print("error: Discord rejected the token (401 Unauthorized); "
                             "check DISCORD_TOKEN", markup=False, highlight=False)
                return 2
            except discord.PrivilegedIntentsRequired:
                stderr.print("error: enable the Message Content intent for the bot in the "
                             "Discord developer portal, or run without --message-content",
                             markup=False, highlight=False)
                return 2
        return 0

    return asyncio.run(main())


def cmd_audit(args: argparse.Namespace) -> int:
    """What members asked in vain, on Discord and from the command line: read from the
    bot's own storage."""
    import asyncio

    from bot.discord.storage import Storage

    settings = BotSettings()
    path = settings.home / BOT_DB
    if not path.is_file():
        print("no questions recorded yet with this home (Discord's and `newsdesk ask`'s are)")
        return 0

    async def read():
        storage = Storage(path)
        await storage.setup()
        return await storage.unanswered(args.guild, limit=args.limit, face=args.face)

    rows = asyncio.run(read())
    if args.json:
        for row in rows:
            print(row.model_dump_json())
        return 0
    if not rows:
        print("no unanswered questions: every question got an answer and no 👎")
    for row in rows:
        print(f"{row.asked:>4}×  {row.question}  ({row.declined} declined, "
              f"{row.down_votes} 👎)")
    return 0


def parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="newsdesk", description=__doc__)
    p.add_argument("-v", "--verbose", action="store_true", help="debug logging")
    sub = p.add_subparsers(dest="command", required=True)
    ask = sub.add_parser("ask", help="answer a question with cited excerpts")
    ask.add_argument("question", help="the question, or - to read one per line from stdin")
    ask.add_argument("--json", action="store_true", help="print the Answer as JSON")
    ask.add_argument("--since", help="only articles published since: 7d, 4w, 6m, 1y, a month "
                     "(2025-01) or a day (2025-01-15)")
    ask.add_argument("--outlet", help="only articles of this outlet (as `newsdesk stats` "
                     "and answers name it)")
    ask.add_argument("--language", help="only articles in this language (fr, de, …)")
    ask.add_argument("--context", action="append", metavar="EARLIER",
                     help="an earlier question of the conversation (repeat, oldest first): a "
                     "follow-up is read with them, as in a Discord thread")
    ask.add_argument("--no-record", action="store_true",
                     help="keep the question out of `newsdesk audit --unanswered`")
    ask.set_defaults(func=cmd_ask)
    chat = sub.add_parser("chat", help="ask, read, ask a follow-up: one warm process")
    for name, text in (("--since", "only articles published since (as for ask)"),
                       ("--outlet", "only articles of this outlet"),
                       ("--language", "only articles in this language")):
        chat.add_argument(name, help=text)
    chat.add_argument("--no-record", action="store_true",
                      help="keep the questions out of `newsdesk audit --unanswered`")
    chat.set_defaults(func=cmd_chat)
    digest = sub.add_parser("digest", help="the stories since a day, most covered first: "
                            "each article that reports one event, across outlets and languages")
    digest.add_argument("--since", help="12h, 1d, 2w, 6m, a month (2025-01) or a day "
                        f"(2025-01-15); default: the last {DIGEST_DAYS} days, or the "
                        f"{DIGEST_DAYS} days up to the newest article")
    digest.add_argument("--language", help="only stories told in this language (fr, de, …), "
                        "headlined in it")
    digest.add_argument("--outlet", help="only stories this outlet reports")
    form = digest.add_mutually_exclusive_group()
    form.add_argument("--json", action="store_true", help="one JSON object per story and line")
    form.add_argument("--markdown", action="store_true", help="Markdown for a newsletter")
    digest.set_defaults(func=cmd_digest)
    ingest = sub.add_parser("ingest", help="add files or folders of articles to the catalogue")
    ingest.add_argument("paths", nargs="+")
    ingest.set_defaults(func=cmd_ingest)
    index = sub.add_parser("index", help="embed new and changed articles, publish a new index")
    index.add_argument("--full", action="store_true", help="re-embed everything")
    index.add_argument("--prune-cache", type=int, nargs="?", const=KEEP_DAYS, metavar="DAYS",
                       help="then drop the vector cache's rows nobody used for DAYS days "
                       f"(default {KEEP_DAYS}); this catalogue's vectors are kept")
    index.set_defaults(func=cmd_index)
    article = sub.add_parser("article", help="show one stored article with its full text")
    article.add_argument("id")
    article.add_argument("--json", action="store_true")
    article.set_defaults(func=cmd_article)
    stats = sub.add_parser("stats", help="catalogue and index figures")
    stats.add_argument("--json", action="store_true")
    stats.set_defaults(func=cmd_stats)
    ev = sub.add_parser("eval", help="measure retrieval and answers on a QA file")
    ev.add_argument("file", help="JSONL questions about the catalogue, or a SQuAD JSON file")
    ev.add_argument("--pool", help="SQuAD: take paragraphs from these parallel languages, "
                    "paragraph i in LANGS[i %% n] (e.g. de, or ar,de,el,en)")
    ev.add_argument("--min-relevance", type=float, help="override the abstention threshold")
    ev.add_argument("--sweep", action="store_true", help="print abstention at each threshold")
    ev.add_argument("--json", action="store_true")
    ev.add_argument("--outcomes", metavar="FILE", help="also write each question's outcome "
                    "(ranked articles, lead, short answer, reader score) as JSON lines")
    ev.set_defaults(func=cmd_eval)
    sources = sub.add_parser("sources", help="list, add or remove folders, feeds and URLs")
    sources_sub = sources.add_subparsers(dest="action", required=True)
    sources_sub.add_parser("list", help="every source with its last fetch and status")
    add = sources_sub.add_parser("add", help="a folder, an RSS/Atom feed or an article URL")
    add.add_argument("target")
    remove = sources_sub.add_parser("remove", help="remove a source and the articles no "
                                    "other source lists")
    remove.add_argument("target", metavar="ID-OR-LOCATION")
    sources.set_defaults(func=cmd_sources)
    fetch = sub.add_parser("fetch", help="fetch the sources that are due, then index "
                           "whatever waits to be indexed")
    fetch.add_argument("--all", action="store_true", help="fetch every source now")
    fetch.add_argument("--no-index", action="store_true", help="do not index afterwards")
    fetch.set_defaults(func=cmd_fetch)
    run = sub.add_parser("run", help="start the Discord bot (token from DISCORD_TOKEN)")
    run.add_argument("--message-content", action="store_true",
                     help="request the Message Content intent (needed for mode `all`)")
    run.add_argument("--sync-guild", type=int, help="sync slash commands to this guild now")
    run.set_defaults(func=cmd_run)
    audit = sub.add_parser("audit", help="what members asked that the corpus lacks")
    audit.add_argument("--unanswered", action="store_true", required=True,
                       help="questions declined or voted 👎, most frequent first")
    audit.add_argument("--guild", type=int, help="one guild only (default: every guild)")
    audit.add_argument("--face", choices=FACES, help="asked on Discord or from the command "
                       "line (default: both)")
    audit.add_argument("--limit", type=int, default=20)
    audit.add_argument("--json", action="store_true", help="one JSON record per line")
    audit.set_defaults(func=cmd_audit)
    model = sub.add_parser("model", help="provision and load the embedding model")
    model.set_defaults(func=cmd_model)
    doctor = sub.add_parser("doctor", help="check the catalogue, sources, index and model; "
                            "repair what can be repaired without losing anything")
    doctor.add_argument("--dry-run", action="store_true", help="report only, repair nothing")
    doctor.set_defaults(func=cmd_doctor)
    return p


def _configure_logging(verbose: bool) -> None:
    """corpus, index and bot log under one `newsdesk` logger, so its level is the one
    setting for all three; other libraries speak from WARNING (discord.py from INFO: its
    connects and resumes are what an operator of `run` watches). A program that already
    configured logging (a test, an embedding app) keeps its own."""
    root = logging.getLogger()
    if root.handlers:
        return
    root.addHandler(scrub.install(log_handler()))
    root.setLevel(logging.WARNING)
    logging.getLogger("newsdesk").setLevel(logging.DEBUG if verbose else logging.INFO)
    logging.getLogger("discord").setLevel(logging.INFO)


def _stdout_closed() -> int:
    """`newsdesk … | head -1`: the reader has all it wanted, which is no error worth a
    traceback. What is still buffered goes nowhere (else Python's exit flush complains),
    and the status is what a shell reports for a command ended by SIGPIPE."""
    os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
    return 128 + signal.SIGPIPE


def main(argv: Sequence[str] | None = None) -> int:
    args = parser().parse_args(argv)
    _configure_logging(args.verbose)
    try:
        status = args.func(args)
        sys.stdout.flush()  # inside the try: a closed pipe shows here for short outputs
        return status
    except BrokenPipeError:
        return _stdout_closed()
    except NewsdeskError as exc:
        stderr.print(f"error: {exc}", markup=False, highlight=False)
        return 1
    except KeyboardInterrupt:
        stderr.print("interrupted", markup=False)
        return 130


if __name__ == "__main__":
    sys.exit(main())
