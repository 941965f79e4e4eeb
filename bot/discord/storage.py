"""The bot's own SQLite file: per-guild settings, audit log, answers and feedback.

All access goes through aiosqlite, so the event loop never waits on disk.
One guild's rows never affect another's: every query is keyed by guild id.
"""

from __future__ import annotations

import asyncio
import json
import sqlite3
import time
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager, closing
from pathlib import Path
from typing import Literal

import aiosqlite
from pydantic import BaseModel, ConfigDict

from bot.answer import Answer
from corpus.migrations import Step, add_column, migrate

Mode = Literal["mention", "all"]
DEFAULT_COOLDOWN = 10.0
# When an answer gets a thread for follow-ups: never; when a member asks for one (the
# answer's Follow up button); or under every answer, as before this setting existed.
ThreadMode = Literal["off", "on-follow-up", "always"]
DEFAULT_THREADS: ThreadMode = "on-follow-up"  # a calm channel: no "started a thread" per answer

_SCHEMA = """
CREATE TABLE IF NOT EXISTS guilds (
    guild_id INTEGER PRIMARY KEY,
    moderator_role INTEGER,
    cooldown REAL NOT NULL DEFAULT 10
);
CREATE TABLE IF NOT EXISTS channels (
    guild_id INTEGER NOT NULL,
    channel_id INTEGER NOT NULL,
    mode TEXT NOT NULL DEFAULT 'mention',
    PRIMARY KEY (guild_id, channel_id)
);
CREATE TABLE IF NOT EXISTS audit (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    guild_id INTEGER NOT NULL,
    user_id INTEGER NOT NULL,
    user_name TEXT NOT NULL,
    action TEXT NOT NULL,
    detail TEXT NOT NULL,
    at REAL NOT NULL
);
CREATE TABLE IF NOT EXISTS answers (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    guild_id INTEGER,
    channel_id INTEGER,
    user_id INTEGER NOT NULL,
    question TEXT NOT NULL,
    cited TEXT NOT NULL,
    abstained INTEGER NOT NULL,
    at REAL NOT NULL
);
CREATE TABLE IF NOT EXISTS feedback (
    answer_id INTEGER NOT NULL REFERENCES answers(id),
    user_id INTEGER NOT NULL,
    vote INTEGER NOT NULL,
    at REAL NOT NULL,
    PRIMARY KEY (answer_id, user_id)
);
CREATE TABLE IF NOT EXISTS threads (
    thread_id INTEGER NOT NULL,
    question TEXT NOT NULL,
    at REAL NOT NULL
);
CREATE INDEX IF NOT EXISTS threads_id ON threads(thread_id);
CREATE INDEX IF NOT EXISTS answers_guild ON answers(guild_id, at);
CREATE INDEX IF NOT EXISTS audit_guild ON audit(guild_id, at);
"""
_THREAD_CHANNELS = """
CREATE TABLE IF NOT EXISTS thread_channels (
    guild_id INTEGER NOT NULL,
    channel_id INTEGER NOT NULL,
    threads TEXT NOT NULL,
    PRIMARY KEY (guild_id, channel_id)
);
"""
_PRIVATE_CHANNELS = """
CREATE TABLE IF NOT EXISTS private_channels (
    guild_id INTEGER NOT NULL,
    channel_id INTEGER NOT NULL,
    PRIMARY KEY (guild_id, channel_id)
);
"""
_NEWS = """
CREATE TABLE IF NOT EXISTS news_channels (
    guild_id INTEGER NOT NULL,
    channel_id INTEGER NOT NULL,
    added_at REAL NOT NULL,
    PRIMARY KEY (guild_id, channel_id)
);
CREATE TABLE IF NOT EXISTS news_guilds (
    guild_id INTEGER PRIMARY KEY,
    paused INTEGER NOT NULL DEFAULT 0,
    hourly INTEGER NOT NULL DEFAULT 6
);
CREATE TABLE IF NOT EXISTS news_posts (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    guild_id INTEGER NOT NULL,
    channel_id INTEGER NOT NULL,
    message_id INTEGER,
    state TEXT NOT NULL,
    story TEXT NOT NULL,
    at REAL NOT NULL,
    digested INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX IF NOT EXISTS news_posts_channel ON news_posts(channel_id, at);
CREATE TABLE IF NOT EXISTS news_post_articles (
    post_id INTEGER NOT NULL REFERENCES news_posts(id),
    article_id TEXT NOT NULL,
    PRIMARY KEY (post_id, article_id)
);
CREATE INDEX IF NOT EXISTS news_post_articles_article ON news_post_articles(article_id);
CREATE TABLE IF NOT EXISTS news_seen (
    article_id TEXT PRIMARY KEY,
    at REAL NOT NULL
);
CREATE TABLE IF NOT EXISTS news_sources (
    source_id TEXT PRIMARY KEY,
    at REAL NOT NULL
);
CREATE TABLE IF NOT EXISTS news_digests (
    guild_id INTEGER PRIMARY KEY,
    channel_id INTEGER NOT NULL,
    every TEXT NOT NULL,
    at TEXT NOT NULL,
    timezone TEXT NOT NULL,
    last_due REAL
);
CREATE TABLE IF NOT EXISTS news_follows (
    guild_id INTEGER NOT NULL,
    user_id INTEGER NOT NULL,
    topic TEXT NOT NULL,
    PRIMARY KEY (guild_id, user_id, topic)
);
CREATE TABLE IF NOT EXISTS news_state (
    key TEXT PRIMARY KEY,
    value TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS news_told (
    user_id INTEGER NOT NULL,
    article_id TEXT NOT NULL,
    PRIMARY KEY (user_id, article_id)
);
"""
# released steps are never edited: a schema change is a new step at the end. (Step 1's
# `DEFAULT 10` for cooldown is never used: rows are always written with DEFAULT_COOLDOWN.)
_STEPS: list[Step] = [
    _SCHEMA,
    _PRIVATE_CHANNELS,
    # the whole Answer as JSON, so its Sources and More buttons work after a restart
    add_column("answers", "body", "TEXT"),
    # where a question was asked: `discord`, or `cli` (newsdesk ask / chat), for the audit
    add_column("answers", "face", "TEXT NOT NULL DEFAULT 'discord'"),
    # the guild's thread setting (NULL: DEFAULT_THREADS) and the channels that override it
    add_column("guilds", "threads", "TEXT"),
    _THREAD_CHANNELS,
    # the news desk (bot/discord/news.py): where stories go, what was posted where (a
    # restart posts nothing twice), digests and members' followed topics
    _NEWS,
]


def _migrate(path: Path) -> None:
    with closing(sqlite3.connect(path, timeout=30)) as db:
        db.execute("PRAGMA journal_mode=WAL")  # persistent: readers never block writers
        migrate(db, "storage", _STEPS)


class GuildConfig(BaseModel):
    """One guild's settings; frozen, because the storage hands out its cached copy."""

    model_config = ConfigDict(frozen=True)

    guild_id: int | None
    moderator_role: int | None = None
    cooldown: float = DEFAULT_COOLDOWN
    channels: dict[int, Mode] = {}
    private_channels: frozenset[int] = frozenset()  # /ask answers only the asker by default
    threads: ThreadMode = DEFAULT_THREADS
    channel_threads: dict[int, ThreadMode] = {}  # channels whose setting is not the guild's

    def threads_in(self, channel_id: int) -> ThreadMode:
        """A channel's own thread setting, else the guild's."""
        return self.channel_threads.get(channel_id, self.threads)


class Unanswered(BaseModel):
    """A question the community asked and the corpus could not answer well."""

    question: str
    asked: int  # times declined or voted 👎
    declined: int
    down_votes: int
    last: float


class AuditEntry(BaseModel):
    user_id: int
    user_name: str
    action: str
    detail: str
    at: float


class Feedback(BaseModel):
    up: int = 0
    down: int = 0

    @property
    def ratio(self) -> float | None:
        total = self.up + self.down
        return self.up / total if total else None


class Storage:
    def __init__(self, path: Path) -> None:
        self.path = path
        # every message reads its guild's settings: keep them, forget them when a setter runs
        self._guilds: dict[int | None, GuildConfig] = {}
        self._changes: dict[int, int] = {}  # per guild: how many writes, to spot stale reads

    async def setup(self) -> None:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        await asyncio.to_thread(_migrate, self.path)

    @asynccontextmanager
    async def _db(self) -> AsyncIterator[aiosqlite.Connection]:
        async with aiosqlite.connect(self.path, timeout=30) as db:
            yield db
            await db.commit()

    async def _all(self, sql: str, args: tuple = ()) -> list[tuple]:
        async with self._db() as db, db.execute(sql, args) as cur:
            return list(await cur.fetchall())

    async def _one(self, sql: str, args: tuple = ()) -> tuple | None:
        rows = await self._all(sql, args)
        return rows[0] if rows else None

    # -- per-guild settings ------------------------------------------------
    async def guild(self, guild_id: int | None) -> GuildConfig:
        """The guild's settings (defaults outside a guild), read from disk once per change."""
        cached = self._guilds.get(guild_id)
        if cached is not None:
            return cached
        if guild_id is None:
            return GuildConfig(guild_id=None)
        changes = self._changes.get(guild_id, 0)
        config = await self._read_guild(guild_id)
        if self._changes.get(guild_id, 0) == changes:
            self._guilds[guild_id] = config
        return config

    async def _read_guild(self, guild_id: int) -> GuildConfig:
        async with aiosqlite.connect(self.path, timeout=30) as db:
            async with db.execute("SELECT moderator_role, cooldown, threads FROM guilds "
                                  "WHERE guild_id = ?", (guild_id,)) as cur:
                row = await cur.fetchone()
            async with db.execute("SELECT channel_id, mode FROM channels WHERE guild_id = ?",
                                  (guild_id,)) as cur:
                channels = {c: m for c, m in await cur.fetchall()}
            async with db.execute("SELECT channel_id FROM private_channels WHERE guild_id = ?",
                                  (guild_id,)) as cur:
                private = frozenset(c for (c,) in await cur.fetchall())
            async with db.execute("SELECT channel_id, threads FROM thread_channels "
                                  "WHERE guild_id = ?", (guild_id,)) as cur:
                threads = {c: t for c, t in await cur.fetchall()}
        values: dict = {"moderator_role": row[0], "cooldown": row[1]} if row else {}
        if row and row[2]:
            values["threads"] = row[2]
        return GuildConfig(guild_id=guild_id, channels=channels, private_channels=private,
                           channel_threads=threads, **values)

    @asynccontextmanager
    async def _writing(self, guild_id: int) -> AsyncIterator[aiosqlite.Connection]:
        """A change to the guild's settings: its cached copy is dropped once committed, and
        a read that began before the commit does not put the old copy back."""
        try:
            async with self._db() as db:
                yield db
        finally:
            self._changes[guild_id] = self._changes.get(guild_id, 0) + 1
            self._guilds.pop(guild_id, None)

    async def _upsert_guild(self, db: aiosqlite.Connection, guild_id: int) -> None:
        await db.execute("INSERT OR IGNORE INTO guilds (guild_id, cooldown) VALUES (?, ?)",
                         (guild_id, DEFAULT_COOLDOWN))

    async def set_moderator_role(self, guild_id: int, role_id: int | None) -> None:
        async with self._writing(guild_id) as db:
            await self._upsert_guild(db, guild_id)
            await db.execute("UPDATE guilds SET moderator_role = ? WHERE guild_id = ?",
                             (role_id, guild_id))

    async def set_cooldown(self, guild_id: int, seconds: float) -> None:
        async with self._writing(guild_id) as db:
            await self._upsert_guild(db, guild_id)
            await db.execute("UPDATE guilds SET cooldown = ? WHERE guild_id = ?",
                             (seconds, guild_id))

    async def enable_channel(self, guild_id: int, channel_id: int, mode: Mode) -> None:
        async with self._writing(guild_id) as db:
            await db.execute(
                "INSERT INTO channels (guild_id, channel_id, mode) VALUES (?, ?, ?) "
                "ON CONFLICT (guild_id, channel_id) DO UPDATE SET mode = excluded.mode",
                (guild_id, channel_id, mode),
            )

    async def disable_channel(self, guild_id: int, channel_id: int) -> bool:
        async with self._writing(guild_id) as db:
            cur = await db.execute(
                "DELETE FROM channels WHERE guild_id = ? AND channel_id = ?", (guild_id, channel_id)
            )
            return cur.rowcount > 0

    async def set_private(self, guild_id: int, channel_id: int, private: bool) -> None:
        async with self._writing(guild_id) as db:
            if private:
                await db.execute("INSERT OR IGNORE INTO private_channels (guild_id, channel_id)"
                                 " VALUES (?, ?)", (guild_id, channel_id))
            else:
                await db.execute("DELETE FROM private_channels WHERE guild_id = ? AND "
                                 "channel_id = ?", (guild_id, channel_id))

    async def set_threads(self, guild_id: int, channel_id: int | None,
                          threads: ThreadMode | None) -> None:
        """The guild's thread setting (channel_id None) or one channel's; None goes back to
        the level above (the guild's for a channel, DEFAULT_THREADS for the guild)."""
        async with self._writing(guild_id) as db:
            if channel_id is None:
                await self._upsert_guild(db, guild_id)
                await db.execute("UPDATE guilds SET threads = ? WHERE guild_id = ?",
                                 (threads, guild_id))
            elif threads is None:
                await db.execute("DELETE FROM thread_channels WHERE guild_id = ? AND "
                                 "channel_id = ?", (guild_id, channel_id))
            else:
                await db.execute(
                    "INSERT INTO thread_channels (guild_id, channel_id, threads) VALUES (?, ?, ?)"
                    " ON CONFLICT (guild_id, channel_id) DO UPDATE SET threads = "
                    "excluded.threads", (guild_id, channel_id, threads))

    # -- audit log -------------------------------------------------------------
    async def audit(self, guild_id: int, user_id: int, user_name: str, action: str,
                    detail: str) -> None:
        async with self._db() as db:
            await db.execute(
                "INSERT INTO audit (guild_id, user_id, user_name, action, detail, at) "
                "VALUES (?, ?, ?, ?, ?, ?)",
                (guild_id, user_id, user_name, action, detail, time.time()),
            )

    async def audit_entries(self, guild_id: int, limit: int = 10) -> list[AuditEntry]:
        rows = await self._all(
            "SELECT user_id, user_name, action, detail, at FROM audit WHERE guild_id = ? "
            "ORDER BY id DESC LIMIT ?", (guild_id, limit))
        return [AuditEntry(user_id=r[0], user_name=r[1], action=r[2], detail=r[3], at=r[4])
                for r in rows]

    # -- answers, feedback, threads ---------------------------------------------
    async def record_answer(self, guild_id: int | None, channel_id: int | None, user_id: int,
                            question: str, cited: list[str], abstained: bool,
                            answer: Answer | None = None, face: str = "discord") -> int:
        async with self._db() as db:
            cur = await db.execute(
                "INSERT INTO answers (guild_id, channel_id, user_id, question, cited, abstained,"
                " at, body, face) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (guild_id, channel_id, user_id, question, json.dumps(cited), int(abstained),
                 time.time(), answer.model_dump_json() if answer else None, face),
            )
            return int(cur.lastrowid or 0)

    async def answer(self, answer_id: int) -> Answer | None:
        """The answer as it was sent; None if unknown or recorded before bodies were kept."""
        row = await self._one("SELECT body FROM answers WHERE id = ?", (answer_id,))
        return Answer.model_validate_json(row[0]) if row and row[0] else None

    async def answer_row(self, answer_id: int) -> tuple[int | None, str, list[str]] | None:
        row = await self._one(
            "SELECT guild_id, question, cited FROM answers WHERE id = ?", (answer_id,))
        return (row[0], row[1], json.loads(row[2])) if row else None

    async def vote(self, answer_id: int, user_id: int, vote: int) -> None:
        async with self._db() as db:
            await db.execute(
                "INSERT INTO feedback (answer_id, user_id, vote, at) VALUES (?, ?, ?, ?) "
                "ON CONFLICT (answer_id, user_id) DO UPDATE SET vote = excluded.vote, at = "
                "excluded.at", (answer_id, user_id, vote, time.time()),
            )

    async def feedback(self, guild_id: int) -> Feedback:
        row = await self._one(
            "SELECT SUM(f.vote > 0), SUM(f.vote < 0) FROM feedback f JOIN answers a "
            "ON a.id = f.answer_id WHERE a.guild_id = ?", (guild_id,))
        return Feedback(up=row[0] or 0, down=row[1] or 0) if row else Feedback()

    async def questions_since(self, guild_id: int, since: float) -> int:
        row = await self._one(
            "SELECT COUNT(*) FROM answers WHERE guild_id = ? AND at >= ?", (guild_id, since))
        return int(row[0]) if row else 0

    async def add_thread_question(self, thread_id: int, question: str) -> None:
        async with self._db() as db:
            await db.execute("INSERT INTO threads (thread_id, question, at) VALUES (?, ?, ?)",
                             (thread_id, question, time.time()))

    async def thread_questions(self, thread_id: int, limit: int = 3) -> list[str]:
        rows = await self._all(
            "SELECT question FROM threads WHERE thread_id = ? ORDER BY rowid DESC LIMIT ?",
            (thread_id, limit))
        return [r[0] for r in reversed(rows)]

    async def unanswered(self, guild_id: int | None = None, limit: int = 20,
                         face: str | None = None) -> list[Unanswered]:
        """Questions declined or voted 👎 (in one guild, or everywhere; from one face, or
        all), the most frequent first: the news the community wants and the corpus lacks."""
        rows = await self._all(
            "SELECT a.question, a.abstained, (SELECT COUNT(*) FROM feedback f WHERE "
            "f.answer_id = a.id AND f.vote < 0) AS down, a.at FROM answers a "
            "WHERE (? IS NULL OR a.guild_id = ?) AND (? IS NULL OR a.face = ?) "
            "AND (a.abstained = 1 OR down > 0)",
            (guild_id, guild_id, face, face))
        groups: dict[str, Unanswered] = {}
        for question, abstained, down, at in rows:
            key = " ".join(question.casefold().split()).rstrip("?？ ")
            seen = groups.get(key)
            if seen is None:
                groups[key] = Unanswered(question=question, asked=1, declined=int(abstained),
                                         down_votes=down, last=at)
                continue
            seen.asked += 1
            seen.declined += int(abstained)
            seen.down_votes += down
            if at > seen.last:
                seen.question, seen.last = question, at
        ranked = sorted(groups.values(), key=lambda u: (-u.asked, -u.last))
        return ranked[:limit]
