"""The fault campaign: newsdesk against crashes, damage and hostile input, driven as an outsider.

    .venv/bin/python faults/campaign.py          # the default run: 10-15 minutes on 2 cores
    .venv/bin/python faults/campaign.py --areas http,fuzz --questions 10000 --kills 14

Real processes (the `newsdesk` command, each with its own NEWSDESK_HOME in a
temporary folder), real HTTP servers on 127.0.0.1 (tests/feed_server.py) and
real discord.py against simcord. Not part of the test suite: pytest collects
tests/ only. One line per area:

    area  tried N, survived M, lost K, tracebacks T, worst time S, peak memory MB (cap)

"lost" counts what a guarantee says must still be there and is not (articles,
answers, answer lines). The exit status is 1 when any area lost anything,
printed a traceback, did not survive a case, or went over its memory cap.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import logging
import os
import random
import resource
import shutil
import signal
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(REPO), str(REPO / "tests")]  # newsdesk from this checkout; the test servers

import hostile  # noqa: E402
from feed_server import FeedServer  # noqa: E402

from corpus.catalogue import Catalogue  # noqa: E402
from corpus.models import Article  # noqa: E402
from corpus.repair import quick_check  # noqa: E402
from index.settings import default_model_cache  # noqa: E402
from index.store import IndexStore  # noqa: E402

SAMPLE = REPO / "corpus" / "sample"
MODEL_CACHE = Path(os.environ.get("NEWSDESK_MODEL_CACHE") or default_model_cache())
TRACEBACK = "Traceback (most recent call last)"
QUESTIONS = ["what did Korea do about DeepSeek", "who founded DeepSeek?",
             "Wie viel Geld hat Aleph Alpha eingesammelt?",
             "What did Italy's Garante do about DeepSeek?",
             "when did the AI Act enter into force?", "what did Taiwan do about DeepSeek?"]
LIGHT_CAP = 512  # MB: a process that fetches, reads files or opens the catalogue
MODEL_CAP = 2048  # MB: a process that loads the embedding model and an index


# -- processes -----------------------------------------------------------------------------

@dataclass
class Run:
    code: int | None  # None: killed by the campaign
    out: str
    err: str
    seconds: float
    peak_mb: float

    @property
    def tracebacks(self) -> int:
        return (self.out + self.err).count(TRACEBACK)

    def why(self) -> str:
        lines = [x for x in self.err.splitlines() if x.strip()]
        return f"exit {self.code}: {lines[-1][:200] if lines else '(no stderr)'}"


def _high_water(pid: int) -> int:
    """The process's own peak resident memory in KB (0 once it has exited). Not wait4's
    ru_maxrss: Linux carries the parent's peak into a child over exec, so every process
    started after the in-process Discord area reported that area's 1.2 GB."""
    try:
        status = Path(f"/proc/{pid}/status").read_text()
    except OSError:
        return 0
    line = next((x for x in status.splitlines() if x.startswith("VmHWM:")), "")
    return int(line.split()[1]) if line else 0


class Proc:
    """A running `newsdesk`, its output in files (not pipes), reaped with wait4 for its
    peak memory."""

    def __init__(self, args: list[str], env: dict[str, str], cwd: Path, stdin: bytes) -> None:
        self._files = [tempfile.TemporaryFile() for _ in range(3)]  # noqa: SIM115 - closed in finish()
        self._files[0].write(stdin)
        self._files[0].seek(0)
        self.started = time.monotonic()
        self.proc = subprocess.Popen([sys.executable, "-m", "bot.cli", *args],
                                     stdin=self._files[0], stdout=self._files[1],
                                     stderr=self._files[2], env=env, cwd=cwd)

    def finish(self, kill_at: float | None = None, limit: float = 900.0) -> Run:
        killed = False
        peak = 0
        while True:
            peak = max(peak, _high_water(self.proc.pid))
            pid, status, usage = os.wait4(self.proc.pid, os.WNOHANG)
            if pid:
                break
            elapsed = time.monotonic() - self.started
            if (kill_at is not None and elapsed >= kill_at) or elapsed > limit:
                os.kill(self.proc.pid, signal.SIGKILL)
                _, status, usage = os.wait4(self.proc.pid, 0)
                killed = True
                break
            time.sleep(0.02)
        seconds = time.monotonic() - self.started
        self.proc.returncode = os.waitstatus_to_exitcode(status)
        out, err = (self._read(f) for f in self._files[1:])
        for f in self._files:
            f.close()
        return Run(None if killed else self.proc.returncode, out, err, seconds,
                   peak / 1024 if peak else usage.ru_maxrss / 1024)

    @staticmethod
    def _read(f: object) -> str:
        f.seek(0)  # type: ignore[attr-defined]
        return f.read().decode("utf-8", "replace")  # type: ignore[attr-defined]


class Home:
    """A data home of its own, and the newsdesk command run against it."""

    def __init__(self, path: Path) -> None:
        self.path = path
        path.mkdir(parents=True, exist_ok=True)

    @property
    def index(self) -> Path:
        return self.path / "index"

    @property
    def catalogue_path(self) -> Path:
        return self.path / "catalogue.sqlite3"

    def env(self) -> dict[str, str]:
        env = {k: v for k, v in os.environ.items()
               if not k.startswith("NEWSDESK_") and k != "DISCORD_TOKEN"}
        return {**env, "NEWSDESK_HOME": str(self.path), "NEWSDESK_MODEL_CACHE": str(MODEL_CACHE),
                "NEWSDESK_ALLOW_HOSTS": "127.0.0.1", "NEWSDESK_HOST_DELAY": "0",
                "NEWSDESK_FETCH_TIMEOUT": "2", "NEWSDESK_FETCH_DEADLINE": "5",
                "PYTHONPATH": str(REPO), "COLUMNS": "80"}

    def start(self, *args: str, stdin: bytes = b"", env: dict[str, str] | None = None) -> Proc:
        return Proc(list(args), {**self.env(), **(env or {})}, self.path, stdin)

    def run(self, *args: str, stdin: bytes = b"", kill_at: float | None = None,
            limit: float = 900.0, env: dict[str, str] | None = None) -> Run:
        return self.start(*args, stdin=stdin, env=env).finish(kill_at, limit)

    def copy(self, dest: Path) -> Home:
        shutil.copytree(self.path, dest, symlinks=True)
        return Home(dest)

    def served(self) -> dict[str, str] | None:
        """What a new process would answer from: article id → content hash (None: nothing)."""
        try:
            return dict(IndexStore(self.index).load().manifest.articles)
        except Exception:
            return None

    def catalogue(self) -> tuple[str | None, set[str]]:
        """(what quick_check finds wrong, the ids stored) — read as a user's process would."""
        problem = quick_check(self.catalogue_path)
        if problem is not None:
            return problem, set()
        try:
            return None, set(Catalogue(self.catalogue_path).hashes())
        except Exception as exc:
            return str(exc), set()


# -- tallies ---------------------------------------------------------------------------------

@dataclass
class Tally:
    area: str
    cap_mb: float
    tried: int = 0
    survived: int = 0
    lost: int = 0
    tracebacks: int = 0
    worst: float = 0.0
    peak_mb: float = 0.0
    notes: list[str] = field(default_factory=list)

    def add(self, run: Run | None, ok: bool, lost: int = 0, what: str = "",
            tried: int = 1, survived: int | None = None) -> None:
        """One case (or `tried` of them at once); a traceback or a loss is no survival."""
        traces = run.tracebacks if run is not None else 0
        self.tried += tried
        self.survived += survived if survived is not None else int(
            ok and not traces and not lost)
        self.lost += lost
        self.tracebacks += traces
        if run is not None:
            self.worst = max(self.worst, run.seconds)
            self.peak_mb = max(self.peak_mb, run.peak_mb)
        if not ok or lost or traces:
            detail = run.why() if run is not None else ""
            self.notes.append(f"{what}: lost {lost}, tracebacks {traces}; {detail}")

    @property
    def failed(self) -> bool:
        return bool(self.lost or self.tracebacks or self.survived < self.tried
                    or self.peak_mb > self.cap_mb)

    def line(self) -> str:
        return (f"{self.area:16} tried {self.tried}, survived {self.survived}, lost "
                f"{self.lost}, tracebacks {self.tracebacks}, worst time {self.worst:.1f} s, "
                f"peak memory {self.peak_mb:.0f} MB (cap {self.cap_mb:.0f} MB)")


@dataclass
class Campaign:
    args: argparse.Namespace
    tmp: Path
    rnd: random.Random
    base: Home | None = None
    index_seconds: float = 30.0
    records: Path | None = None
    record_ids: set[str] = field(default_factory=set)

    def fresh(self, name: str) -> Home:
        return self.base.copy(self.tmp / name)  # type: ignore[union-attr]


def answers(run: Run) -> list[dict]:
    """The JSON lines of `ask --json -` (split on \\n only: U+2028 may sit inside a line)."""
    out = []
    for line in run.out.split("\n"):
        if line.strip():
            with contextlib.suppress(ValueError):
                out.append(json.loads(line))
    return out


def questions(n: int) -> bytes:
    return "".join(QUESTIONS[i % len(QUESTIONS)] + "\n" for i in range(n)).encode()


# -- the base home ---------------------------------------------------------------------------

def area_base(c: Campaign) -> Tally:
    """The bundled sample in two index versions (so a damaged one has an older to fall back
    on), copied for every case that needs a corpus."""
    t = Tally("base", MODEL_CAP)
    base = Home(c.tmp / "base")
    ingest = base.run("ingest", str(SAMPLE))
    t.add(ingest, ingest.code == 0, what="ingest sample")
    first = base.run("index")
    t.add(first, first.code == 0, what="first index")
    c.index_seconds = first.seconds
    extra = c.tmp / "extra"
    extra.mkdir()
    (extra / "extra.md").write_text("---\nid: campaign-extra\ntitle: Sakana AI raises funds\n"
                                    "language: en\n---\nTokyo start-up Sakana AI said on "
                                    "Wednesday it had raised about 30 billion yen in a round led "
                                    "by Nvidia.\n", "utf-8")
    t.add(base.run("ingest", str(extra)), True, what="ingest extra")
    second = base.run("index")
    t.add(second, second.code == 0 and len(IndexStore(base.index).versions()) == 2,
          what="second index")
    c.base = base
    c.records, c.record_ids = _records(c.tmp / "records.jsonl", c.args.records)
    return t


def _records(path: Path, n: int) -> tuple[Path, set[str]]:
    ids = {f"rec-{i:06d}" for i in range(n)}
    with path.open("w", encoding="utf-8") as f:
        for aid in sorted(ids):
            f.write(json.dumps({"id": aid, "title": f"Record {aid}", "language": "en",
                                "text": f"{hostile.BODY} Record {aid} adds its own detail."})
                    + "\n")
    return path, ids


# -- kill -9 ---------------------------------------------------------------------------------

def area_kill_index(c: Campaign) -> Tally:
    """`index --full` killed at random moments: the previous index must always serve, and
    the catalogue must not change."""
    t = Tally("kill -9 index", MODEL_CAP)
    home = c.fresh("kill-index")
    served_before = home.served() or {}
    _, ids_before = home.catalogue()
    for _ in range(c.args.kills):
        at = c.rnd.uniform(0.3, c.index_seconds * 1.1)
        run = home.run("index", "--full", kill_at=at)
        served = home.served()
        problem, ids = home.catalogue()
        lost = len(set(served_before) - set(served or {})) + len(ids_before - ids)
        t.add(run, served is not None and problem is None and run.code in (0, None), lost,
              f"killed at {at:.1f} s")
    asked = home.run("ask", "--json", "what did Korea do about DeepSeek")
    ok = asked.code == 0 and bool(answers(asked)) and bool(answers(asked)[0].get("citations"))
    t.add(asked, ok, 0 if ok else 1, "ask after the kills")
    return t


def area_kill_ingest(c: Campaign) -> Tally:
    """`ingest` of a large JSONL file killed at random moments: what was stored stays, the
    catalogue stays readable, and a last full run stores everything."""
    t = Tally("kill -9 ingest", LIGHT_CAP)
    timing = c.fresh("ingest-timing").run("ingest", str(c.records))
    t.add(timing, timing.code == 0, what="uninterrupted ingest")
    home = c.fresh("kill-ingest")
    _, stored = home.catalogue()
    expected = stored | c.record_ids
    for _ in range(c.args.ingest_kills):
        at = c.rnd.uniform(0.2, max(timing.seconds, 1.0))
        run = home.run("ingest", str(c.records), kill_at=at)
        problem, ids = home.catalogue()
        t.add(run, problem is None, len(stored - ids), f"killed at {at:.1f} s ({problem})")
        stored = ids or stored
    last = home.run("ingest", str(c.records))
    problem, ids = home.catalogue()
    t.add(last, last.code == 0 and problem is None, len(expected - ids), "ingest to the end")
    return t


# -- concurrency -----------------------------------------------------------------------------

def area_concurrency(c: Campaign) -> Tally:
    t = Tally("concurrency", MODEL_CAP)
    for i in range(2):
        _two_indexes(c, t, i)
    for fresh in (True, False):
        _two_ingests(c, t, fresh)
    _answers_during_a_full_index(c, t)
    return t


def _two_indexes(c: Campaign, t: Tally, i: int) -> None:
    """Two `index` at once: both finish, or one builds and the other refuses cleanly."""
    home = c.fresh(f"two-indexes-{i}")
    catalogue = Catalogue(home.catalogue_path)
    changed = next(a for a in catalogue.articles() if a.id == "campaign-extra")
    changed = Article(**{**changed.model_dump(exclude={"content_hash"}),
                         "text": changed.text + f" Update {i}."})
    catalogue.upsert(changed)
    runs = [p.finish() for p in [home.start("index"), home.start("index")]]
    refused = [r for r in runs if r.code == 1 and "already running" in r.err]
    ok = all(r.code == 0 for r in runs) or (len(refused) == 1 and
                                            any(r.code == 0 for r in runs))
    served = home.served() or {}
    lost = int(served.get(changed.id) != changed.content_hash)
    for run in runs:
        t.add(run, ok, lost, f"two indexes #{i}")
        lost = 0


def _two_ingests(c: Campaign, t: Tally, fresh: bool) -> None:
    """Two `ingest` of the same file at once, on a new home (the schema is created twice)
    and on an existing one: both succeed and every record is stored once."""
    home = Home(c.tmp / "two-ingests-new") if fresh else c.fresh("two-ingests-old")
    runs = [p.finish() for p in [home.start("ingest", str(c.records)),
                                 home.start("ingest", str(c.records))]]
    problem, ids = home.catalogue()
    lost = len(c.record_ids - ids)
    for run in runs:
        ok = run.code == 0 and problem is None and "move it aside" not in run.err
        t.add(run, ok, lost, f"two ingests ({'new' if fresh else 'existing'} home)")
        lost = 0


def _answers_during_a_full_index(c: Campaign, t: Tally) -> None:
    home = c.fresh("ask-during-index")
    build = home.start("index", "--full")
    asked = home.run("ask", "--json", "-", stdin=questions(12))
    stats = home.run("stats", "--json")
    built = build.finish()
    got = answers(asked)
    good = [a for a in got if a.get("citations")]
    t.add(asked, asked.code == 0, 12 - len(good), "asks during index --full",
          tried=12, survived=len(good))
    t.add(stats, stats.code == 0, what="stats during index --full")
    t.add(built, built.code == 0, what="the index --full itself")


# -- corruption ------------------------------------------------------------------------------

def _current(home: Home) -> Path:
    return home.index / IndexStore(home.index).versions()[-1]


def _segment(home: Home) -> Path:
    """The newest segment of the newest version: where its vectors and records are."""
    store = IndexStore(home.index)
    segments = store.manifest(store.versions()[-1]).segments
    return home.index / segments[-1].name if segments else _current(home)


def _flip(path: Path, start: int = 0) -> None:
    data = path.read_bytes()
    path.write_bytes(data[:start] + bytes(b ^ 0x5A for b in data[start:]))


def _checkpoint(home: Home) -> None:
    with sqlite3.connect(home.catalogue_path) as db:
        db.execute("PRAGMA wal_checkpoint(TRUNCATE)")


def _leftovers(home: Home) -> None:
    (home.index / ".building-killed").mkdir()
    (home.index / ".building-killed" / "vectors.npy").write_bytes(b"half")
    (home.index / ".CURRENT.424242").write_text("v-000002\n", "utf-8")


DAMAGE: dict[str, Callable[[Home], None]] = {
    "CURRENT deleted": lambda h: (h.index / "CURRENT").unlink(),
    "CURRENT zero-filled": lambda h: (h.index / "CURRENT").write_bytes(b"\0" * 9),
    "CURRENT not UTF-8": lambda h: (h.index / "CURRENT").write_bytes(b"v-00\xff002\n"),
    "CURRENT names a missing version": lambda h: (h.index / "CURRENT").write_text("v-000099\n"),
    "manifest.json garbage": lambda h: (_current(h) / "manifest.json").write_text("{garbage"),
    "vectors.npy truncated": lambda h: (_segment(h) / "vectors.npy").write_bytes(
        (_segment(h) / "vectors.npy").read_bytes()[:-100]),
    "sentences.npy flipped": lambda h: _flip(_segment(h) / "sentences.npy", 200),
    "passages.npy garbage": lambda h: (_segment(h) / "passages.npy").write_text("garbage"),
    "articles.jsonl truncated": lambda h: (_segment(h) / "articles.jsonl").write_bytes(
        (_segment(h) / "articles.jsonl").read_bytes()[:1000]),
    "languages.npz zeroed": lambda h: (_current(h) / "languages.npz").write_bytes(
        b"\0" * (_current(h) / "languages.npz").stat().st_size),
    "catalogue pages flipped": lambda h: (_checkpoint(h), _flip(h.catalogue_path, 4096)),
    "catalogue truncated": lambda h: (_checkpoint(h), h.catalogue_path.write_bytes(
        h.catalogue_path.read_bytes()[:8192])),
    "catalogue header garbage": lambda h: (_checkpoint(h), _flip(h.catalogue_path)),
    "leftovers of killed builds": _leftovers,
}


def area_corruption(c: Campaign) -> Tally:
    """Each stored file kind damaged: answers go on (from an intact version or the index),
    `doctor` repairs, and no article the catalogue or the index held is lost."""
    t = Tally("corruption", MODEL_CAP)
    _, base_ids = c.base.catalogue()  # type: ignore[union-attr]
    for name, harm in DAMAGE.items():
        home = c.fresh("damage-" + "".join(ch if ch.isalnum() else "-" for ch in name))
        harm(home)
        asked = home.run("ask", "--json", "-", stdin=questions(3))
        cited = [a for a in answers(asked) if a.get("citations")]
        t.add(asked, asked.code == 0 and len(cited) == 3, what=f"{name}: ask")
        doctor = home.run("doctor")
        served = home.served()
        problem, ids = home.catalogue()
        lost = len(base_ids - ids - set(served or {}))
        t.add(doctor, doctor.code == 0 and served is not None and problem is None and
              not IndexStore(home.index).leftovers(), lost, f"{name}: doctor")
    return t


# -- hostile files ---------------------------------------------------------------------------

def area_files(c: Campaign) -> Tally:
    """Hostile files between healthy ones, added as a folder source inside the sources
    folder (with a link leading out of it) and ingested directly."""
    t = Tally("hostile files", LIGHT_CAP)
    home = Home(c.tmp / "files")
    folder = home.path / "sources" / "hostile"
    expected = hostile.write_folder(folder, c.args.seed)
    outside = c.tmp / "outside-the-sources-folder"
    outside.mkdir()
    (outside / "secret.md").write_text(f"---\nid: secret\n---\n{hostile.BODY}", "utf-8")
    (folder / "leak.md").symlink_to(outside / "secret.md")
    added = home.run("sources", "add", str(folder))
    problem, ids = home.catalogue()
    leaked = "secret" in ids
    t.add(added, added.code == 0 and problem is None and not leaked,
          len(expected - ids) + leaked, "sources add of the folder")
    fetched = home.run("fetch", "--no-index")
    _, again = home.catalogue()
    t.add(fetched, fetched.code == 0 and "secret" not in again, len(expected - again),
          "fetch (re-reads the folder)")
    other = Home(c.tmp / "files-ingest")
    ingested = other.run("ingest", str(folder))
    _, ids = other.catalogue()
    t.add(ingested, ingested.code == 0, len(expected - ids), "ingest of the folder")
    return t


# -- hostile HTTP ----------------------------------------------------------------------------

def area_http(c: Campaign) -> Tally:
    """`sources add` against hostile servers: each ends in time with one line (or adds what
    it can), and no fetch comes near the memory cap."""
    t = Tally("hostile http", LIGHT_CAP)
    with FeedServer() as server:
        cases = hostile.http_cases(server, c.args.bomb_mb * 1_000_000, c.args.feed_items)
        for name, (url, should_add) in cases.items():
            home = Home(c.tmp / ("http-" + "".join(ch if ch.isalnum() else "-" for ch in name)))
            run = home.run("sources", "add", url, limit=180)
            error_lines = [x for x in run.err.splitlines() if x.startswith("error:")]
            ok = (run.code == 0 and not error_lines) if should_add else (
                run.code == 1 and len(error_lines) == 1)
            ok = ok and run.seconds < 60
            t.add(run, ok, what=name)
    return t


# -- fuzzed questions ------------------------------------------------------------------------

def area_fuzz(c: Campaign) -> Tally:
    """Fuzzed questions through one `ask --json -`: every non-blank line gets an answer or
    an error line, in order, and the process ends normally."""
    t = Tally("fuzzed questions", MODEL_CAP)
    home = c.fresh("fuzz")
    lines = hostile.fuzz_questions(c.args.questions, c.args.seed)
    expected = sum(1 for line in lines if line.strip())
    run = home.run("ask", "--json", "-", stdin=b"\n".join(lines) + b"\n", limit=7200)
    got = answers(run)
    t.add(run, run.code in (0, 1) and len(got) == expected, expected - len(got),
          "ask --json -", tried=expected, survived=len(got))
    return t


# -- Discord ---------------------------------------------------------------------------------

def area_discord(c: Campaign) -> Tally:
    """Concurrent /ask through real discord.py against simcord, measuring how late the
    event loop wakes up (the bot must never block it)."""
    return asyncio.run(_discord(c))


class _Errors(logging.Handler):
    def __init__(self) -> None:
        super().__init__(logging.ERROR)
        self.records: list[logging.LogRecord] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.records.append(record)


async def _discord(c: Campaign) -> Tally:
    import simcord
    from simcord.actors import _slash  # concurrent dispatch: the public slash() serialises

    from bot.desk import Desk
    from bot.discord.client import NewsdeskBot
    from bot.settings import BotSettings

    t = Tally("discord /ask", MODEL_CAP)
    home = c.fresh("discord")
    desk = Desk(BotSettings(home=home.path, model_cache=MODEL_CACHE, _env_file=None))
    desk.warm()  # as `newsdesk bot` does before its loop starts: index, model, reader
    errors = _Errors()
    logging.getLogger().addHandler(errors)
    bot = NewsdeskBot(desk, message_content=True, shard_count=1)
    env = simcord.Env(bot, settle_timeout=600)
    await env.start()
    try:
        await bot.tree.sync()
        guild = env.create_guild(name="campaign")
        channel = guild.create_text_channel("news")
        members = [guild.add_member(env.create_user(f"m{i}")) for i in range(c.args.asks)]
        lags: list[float] = []
        stop = asyncio.Event()
        monitor = asyncio.create_task(_lag(stop, lags))
        started = time.monotonic()
        results = await asyncio.gather(*(
            _slash(m, channel, "ask", {"question": QUESTIONS[i % len(QUESTIONS)]})
            for i, m in enumerate(members)), return_exceptions=True)
        seconds = time.monotonic() - started
        stop.set()
        await monitor
    finally:
        await env.shutdown()
        logging.getLogger().removeHandler(errors)
    answered = sum(1 for r in results if _answered(r))
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    traces = "\n".join(f"{r.getMessage()} {r.exc_info[0].__name__ if r.exc_info else ''}"
                       for r in errors.records)
    run = Run(0, "", traces, seconds, peak)
    run.err += "".join(f"\n{TRACEBACK}\n" for r in errors.records if r.exc_info)
    t.add(run, answered == len(members), len(members) - answered, "concurrent /ask",
          tried=len(members), survived=answered)
    lag = sorted(lags)
    t.notes.insert(0, f"event-loop lag p50 {statistics.median(lag) * 1000:.0f} ms, p99 "
                      f"{lag[int(len(lag) * 0.99) - 1] * 1000:.0f} ms, worst "
                      f"{lag[-1] * 1000:.0f} ms over {seconds:.1f} s")
    return t


async def _lag(stop: asyncio.Event, lags: list[float]) -> None:
    while not stop.is_set():
        t0 = time.perf_counter()
        await asyncio.sleep(0.01)
        lags.append(max(0.0, time.perf_counter() - t0 - 0.01))


def _answered(result: object) -> bool:
    if isinstance(result, BaseException):
        return False
    messages = [*getattr(result, "followups", []), getattr(result, "response", None)]
    return any(m is not None and (bool(m.embeds) or (
        bool(m.content) and "Something went wrong" not in m.content)) for m in messages)


# -- issue 21: repairs killed, hostile model servers, bit rot, a damaged vector cache --------

def _xor_pages(path: Path) -> None:
    """Every page of a SQLite file after the first overwritten (its WAL folded in first)."""
    with sqlite3.connect(path) as db:
        db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    data = path.read_bytes()
    path.write_bytes(data[:4096] + bytes(b ^ 0x5A for b in data[4096:]))


def _served_whole(home: Home) -> int:
    """How many served articles' stored texts do not read back as written."""
    try:
        version = IndexStore(home.index).load()
        return len(version.article_ids) - len(version.texts(version.article_ids))
    except Exception:
        return 1


def area_kill_doctor(c: Campaign) -> Tally:
    """`doctor` killed while it rebuilds a damaged catalogue (once the damaged file is kept,
    then at a random moment): a second `doctor` and an `index` must serve every article."""
    t = Tally("kill -9 doctor", MODEL_CAP)
    want = set(c.base.served() or {})  # type: ignore[union-attr]
    for i in range(c.args.doctor_kills):
        home = c.fresh(f"kill-doctor-{i}")
        _xor_pages(home.catalogue_path)
        proc = home.start("doctor")
        deadline = time.monotonic() + 300
        while not list(home.path.glob("catalogue.sqlite3.damaged-*")) and \
                proc.proc.poll() is None and time.monotonic() < deadline:
            time.sleep(0.002)
        at = time.monotonic() - proc.started + c.rnd.uniform(0.0, 0.4)
        killed = proc.finish(kill_at=at)
        doctor = home.run("doctor")
        index = home.run("index")
        served = set(home.served() or {})
        problem, ids = home.catalogue()
        lost = len(want - served) + len(want - ids)
        t.add(index, killed.code in (None, 0, 1) and doctor.code in (0, 1) and index.code == 0
              and problem is None, lost, f"doctor killed at {at:.2f} s")
    return t


def area_llm(c: Campaign) -> Tally:
    """`ask` with a hostile OpenAI-compatible server, streamed and not: each answered (from
    quotes when the writing fails) within the deadline, memory within the model's cap, the
    key in no output (`-v`: DEBUG)."""
    import llm_server as ls

    t = Tally("hostile model", MODEL_CAP)
    key = "sk-campaign-SECRET-21"
    deadline = 5.0
    modes: dict[str, object] = {
        "stall": ls.stall, "trickle": ls.trickle, "malformed": ls.malformed,
        "malformed stream": ls.malformed_stream, "endless body": ls.endless_body,
        "endless line": ls.endless_line, "echoes the key": ls.echo_key,
        "HTTP 500": ls.Failure(500, f"bad key {key}"), "HTTP 429": ls.Failure(429),
        "JSON to a stream": ls.plain_whatever_asked(ls.Reply("Korea suspended it [1].")),
        "a stream to JSON": ls.streamed_whatever_asked(ls.Reply("Korea suspended it [1].")),
    }
    home = c.fresh("llm")
    with ls.LLMServer() as server:
        for stream in ("true", "false"):
            env = {"NEWSDESK_LLM_URL": server.url, "NEWSDESK_LLM_MODEL": "m",
                   "NEWSDESK_LLM_API_KEY": key, "NEWSDESK_LLM_STREAM": stream,
                   "NEWSDESK_LLM_DEADLINE": str(deadline)}
            for name, mode in modes.items():
                server.script(mode)  # type: ignore[arg-type]
                run = home.run("-v", "ask", "--json", QUESTIONS[0], env=env, limit=300)
                got = answers(run)
                leaked = key in run.out or key in run.err
                ok = run.code == 0 and bool(got) and bool(got[0].get("citations")) and \
                    not leaked
                t.add(run, ok, int(leaked), f"{name} (stream {stream})")
    return t


def area_bit_rot(c: Campaign) -> Tally:
    """Eight bytes of the served segment's articles.jsonl flipped, size and time restored:
    after an `ask` that meets them, `index` rebuilds; on another copy `doctor` does."""
    t = Tally("bit rot", MODEL_CAP)
    for repair in ("index", "doctor"):
        home = c.fresh(f"bit-rot-{repair}")
        store = IndexStore(home.index)
        manifest = store.manifest(store.current_name() or store.versions()[-1])
        path = home.index / (manifest.segments or [])[-1].name / "articles.jsonl"
        before = path.stat()
        data = bytearray(path.read_bytes())
        at = data.index(b'"text":"') + 20
        data[at:at + 8] = bytes(b ^ 0x01 if 0x61 <= b <= 0x79 else b for b in data[at:at + 8])
        path.write_bytes(bytes(data))
        os.utime(path, ns=(before.st_atime_ns, before.st_mtime_ns))
        asked = home.run("ask", "--json", "-", stdin=questions(6))
        t.add(asked, asked.code == 0, what=f"{repair}: ask over the damage")
        fixed = home.run(repair)
        lost = _served_whole(home)
        t.add(fixed, fixed.code == 0 and "up to date" not in fixed.out, lost,
              f"{repair} repairs")
    return t


def area_vector_cache(c: Campaign) -> Tally:
    """A vector cache that is not a database, then a new article: `index` sets the cache
    aside in one line and serves the article."""
    t = Tally("vector cache", MODEL_CAP)
    home = c.fresh("vector-cache")
    cache = home.path / "vectors.sqlite3"
    cache.write_bytes(b"this is not a database" * 1000)
    for suffix in ("-wal", "-shm"):
        cache.with_name(cache.name + suffix).unlink(missing_ok=True)
    extra = c.tmp / "cache-extra.json"
    extra.write_text(json.dumps({"id": "campaign-cache", "title": "Mistral opens Paris lab",
                                 "language": "en", "text": "Mistral AI opened a research "
                                 "lab in Paris on Monday with 200 engineers."}), "utf-8")
    home.run("ingest", str(extra))
    index = home.run("index")
    said = [x for x in index.err.splitlines() if "vector cache" in x]
    served = home.served() or {}
    t.add(index, index.code == 0 and len(said) == 1, int("campaign-cache" not in served),
          "index past a damaged cache")
    return t


# -- main --------------------------------------------------------------------------------------

AREAS: dict[str, Callable[[Campaign], Tally]] = {
    "base": area_base, "kill-index": area_kill_index, "kill-ingest": area_kill_ingest,
    "concurrency": area_concurrency, "corruption": area_corruption, "files": area_files,
    "http": area_http, "fuzz": area_fuzz, "discord": area_discord,
    "kill-doctor": area_kill_doctor, "llm": area_llm, "bit-rot": area_bit_rot,
    "vector-cache": area_vector_cache,
}
NEEDS_BASE = set(AREAS) - {"base", "files", "http"}


def parse(argv: list[str] | None) -> argparse.Namespace:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--areas", default=",".join(AREAS),
                    help=f"comma-separated, from {', '.join(AREAS)}")
    ap.add_argument("--kills", type=int, default=4, help="kill -9 of `index --full`")
    ap.add_argument("--ingest-kills", type=int, default=3, help="kill -9 of `ingest`")
    ap.add_argument("--doctor-kills", type=int, default=4,
                    help="kill -9 of `doctor` rebuilding a damaged catalogue")
    ap.add_argument("--records", type=int, default=5000, help="records in the JSONL ingested")
    ap.add_argument("--questions", type=int, default=1500, help="fuzzed questions")
    ap.add_argument("--asks", type=int, default=50, help="concurrent Discord /ask")
    ap.add_argument("--bomb-mb", type=int, default=1000, help="inflated size of each bomb")
    ap.add_argument("--feed-items", type=int, default=50_000, help="items of the huge feed")
    ap.add_argument("--seed", type=int, default=10)
    ap.add_argument("--keep", action="store_true", help="keep the temporary folder")
    return ap.parse_args(argv)


def main(argv: list[str] | None = None) -> int:
    args = parse(argv)
    wanted = [a.strip() for a in args.areas.split(",") if a.strip()]
    unknown = set(wanted) - set(AREAS)
    if unknown:
        print(f"unknown areas: {', '.join(sorted(unknown))}", file=sys.stderr)
        return 2
    if NEEDS_BASE & set(wanted) and "base" not in wanted:
        wanted.insert(0, "base")
    logging.getLogger().setLevel(logging.ERROR)  # the cases' own output is what is judged
    logging.getLogger().addHandler(logging.NullHandler())
    tmp = Path(tempfile.mkdtemp(prefix="newsdesk-faults-"))
    campaign = Campaign(args, tmp, random.Random(args.seed))
    failed = False
    started = time.monotonic()
    try:
        for name in wanted:
            tally = AREAS[name](campaign)
            print(tally.line(), flush=True)
            for note in tally.notes:
                print(f"    {note}", flush=True)
            failed = failed or tally.failed
    finally:
        if args.keep:
            print(f"kept {tmp}", file=sys.stderr)
        else:
            shutil.rmtree(tmp, ignore_errors=True)
    print(f"{'FAILED' if failed else 'passed'} in {time.monotonic() - started:.0f} s")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
