"""The news desk's rows in the bot's SQLite file (tables made by storage.py's migrations).

What was posted where is written before it is sent and completed after, so a restart can
tell a post that went out from one that did not, and never posts a story twice.
"""

from __future__ import annotations

import time
from collections.abc import Iterable
from typing import Literal

from pydantic import BaseModel

from bot.discord.storage import Storage
from bot.stories import Story

PostState = Literal["sending", "posted", "folded"]
Every = Literal["daily", "weekly"]
DEFAULT_HOURLY = 6


class Post(BaseModel):
    """A story in a channel: sent (`posted`), being sent (`sending`: a restart checks the
    channel for it), or `folded` into the next digest by the hourly cap or a pause."""

    id: int
    guild_id: int
    channel_id: int
    message_id: int | None
    state: PostState
    story: Story
    at: float
    article_ids: set[str]


class Digest(BaseModel):
    guild_id: int
    channel_id: int
    every: Every
    at: str  # HH:MM in `timezone`
    timezone: str
    last_due: float | None  # the scheduled time (epoch) of the last digest posted


class NewsGuild(BaseModel):
    paused: bool = False
    hourly: int = DEFAULT_HOURLY


_POST = "SELECT id, guild_id, channel_id, message_id, state, story, at FROM news_posts"


def _marks(values: Iterable[object]) -> str:
    return ", ".join("?" for _ in values)


class NewsStorage:
    def __init__(self, storage: Storage) -> None:
        self.storage = storage

    # -- channels and guild settings ------------------------------------------
    async def add_channel(self, guild_id: int, channel_id: int) -> None:
        async with self.storage._db() as db:
            await db.execute("INSERT OR IGNORE INTO news_channels (guild_id, channel_id, "
                             "added_at) VALUES (?, ?, ?)", (guild_id, channel_id, time.time()))

    async def remove_channel(self, guild_id: int, channel_id: int) -> bool:
        async with self.storage._db() as db:
            cur = await db.execute("DELETE FROM news_channels WHERE guild_id = ? AND "
                                   "channel_id = ?", (guild_id, channel_id))
            return cur.rowcount > 0

    async def channels(self, guild_id: int | None = None) -> list[tuple[int, int]]:
        """(guild, channel) pairs, one guild's or all."""
        rows = await self.storage._all(
            "SELECT guild_id, channel_id FROM news_channels WHERE ? IS NULL OR guild_id = ? "
            "ORDER BY guild_id, channel_id", (guild_id, guild_id))
        return [(int(g), int(c)) for g, c in rows]

    async def guild(self, guild_id: int) -> NewsGuild:
        row = await self.storage._one("SELECT paused, hourly FROM news_guilds WHERE "
                                      "guild_id = ?", (guild_id,))
        return NewsGuild(paused=bool(row[0]), hourly=int(row[1])) if row else NewsGuild()

    async def set_paused(self, guild_id: int, paused: bool) -> None:
        async with self.storage._db() as db:
            await db.execute("INSERT INTO news_guilds (guild_id, paused, hourly) VALUES "
                             "(?, ?, ?) ON CONFLICT (guild_id) DO UPDATE SET paused = "
                             "excluded.paused", (guild_id, int(paused), DEFAULT_HOURLY))

    async def set_hourly(self, guild_id: int, hourly: int) -> None:
        async with self.storage._db() as db:
            await db.execute("INSERT INTO news_guilds (guild_id, hourly) VALUES (?, ?) "
                             "ON CONFLICT (guild_id) DO UPDATE SET hourly = excluded.hourly",
                             (guild_id, hourly))

    # -- what the desk has already read -----------------------------------------
    async def state(self, key: str) -> str | None:
        row = await self.storage._one("SELECT value FROM news_state WHERE key = ?", (key,))
        return row[0] if row else None

    async def set_state(self, key: str, value: str) -> None:
        async with self.storage._db() as db:
            await db.execute("INSERT INTO news_state (key, value) VALUES (?, ?) ON CONFLICT "
                             "(key) DO UPDATE SET value = excluded.value", (key, value))

    async def seen(self) -> set[str]:
        return {r[0] for r in await self.storage._all("SELECT article_id FROM news_seen")}

    async def mark_seen(self, article_ids: Iterable[str]) -> None:
        now = time.time()
        async with self.storage._db() as db:
            await db.executemany("INSERT OR IGNORE INTO news_seen (article_id, at) VALUES "
                                 "(?, ?)", [(a, now) for a in article_ids])

    async def known_sources(self) -> set[str]:
        return {r[0] for r in await self.storage._all("SELECT source_id FROM news_sources")}

    async def mark_sources(self, source_ids: Iterable[str]) -> None:
        now = time.time()
        async with self.storage._db() as db:
            await db.executemany("INSERT OR IGNORE INTO news_sources (source_id, at) VALUES "
                                 "(?, ?)", [(s, now) for s in source_ids])

    # -- posts ------------------------------------------------------------------
    async def _posts(self, where: str, args: tuple) -> list[Post]:
        rows = await self.storage._all(f"{_POST} WHERE {where} ORDER BY id", args)
        if not rows:
            return []
        ids = [r[0] for r in rows]
        links = await self.storage._all(
            f"SELECT post_id, article_id FROM news_post_articles WHERE post_id IN "
            f"({_marks(ids)})", tuple(ids))
        covered: dict[int, set[str]] = {}
        for post_id, article_id in links:
            covered.setdefault(post_id, set()).add(article_id)
        return [Post(id=r[0], guild_id=r[1], channel_id=r[2], message_id=r[3], state=r[4],
                     story=Story.model_validate_json(r[5]), at=r[6],
                     article_ids=covered.get(r[0], set())) for r in rows]

    async def post(self, post_id: int) -> Post | None:
        found = await self._posts("id = ?", (post_id,))
        return found[0] if found else None

    async def post_sharing(self, channel_id: int, article_ids: Iterable[str]) -> Post | None:
        """The channel's first post covering any of the articles: a story that grew, or
        whose key changed, finds its post by any article it still shares."""
        ids = list(article_ids)
        if not ids:
            return None
        found = await self._posts(
            f"channel_id = ? AND id IN (SELECT post_id FROM news_post_articles WHERE "
            f"article_id IN ({_marks(ids)}))", (channel_id, *ids))
        return found[0] if found else None

    async def add_post(self, guild_id: int, channel_id: int, story: Story,
                       state: PostState, at: float) -> int:
        async with self.storage._db() as db:
            cur = await db.execute(
                "INSERT INTO news_posts (guild_id, channel_id, state, story, at) VALUES "
                "(?, ?, ?, ?, ?)", (guild_id, channel_id, state, story.model_dump_json(), at))
            post_id = int(cur.lastrowid or 0)
            await db.executemany("INSERT OR IGNORE INTO news_post_articles (post_id, "
                                 "article_id) VALUES (?, ?)",
                                 [(post_id, a.article_id) for a in story.articles])
            return post_id

    async def sent(self, post_id: int, message_id: int) -> None:
        async with self.storage._db() as db:
            await db.execute("UPDATE news_posts SET state = 'posted', message_id = ? WHERE "
                             "id = ?", (message_id, post_id))

    async def fold(self, post_id: int) -> None:
        async with self.storage._db() as db:
            await db.execute("UPDATE news_posts SET state = 'folded' WHERE id = ?", (post_id,))

    async def grow(self, post_id: int, story: Story) -> None:
        """The post now covers the story as it is (the articles it covered stay linked)."""
        async with self.storage._db() as db:
            await db.execute("UPDATE news_posts SET story = ? WHERE id = ?",
                             (story.model_dump_json(), post_id))
            await db.executemany("INSERT OR IGNORE INTO news_post_articles (post_id, "
                                 "article_id) VALUES (?, ?)",
                                 [(post_id, a.article_id) for a in story.articles])

    async def sending(self) -> list[Post]:
        return await self._posts("state = 'sending'", ())

    async def sent_since(self, channel_id: int, since: float) -> int:
        row = await self.storage._one(
            "SELECT COUNT(*) FROM news_posts WHERE channel_id = ? AND at >= ? AND state != "
            "'folded'", (channel_id, since))
        return int(row[0]) if row else 0

    async def folded(self, guild_id: int) -> list[Post]:
        """Stories the cap or a pause kept out of the guild's channels, not yet in a digest."""
        return await self._posts("guild_id = ? AND state = 'folded' AND digested = 0",
                                 (guild_id,))

    async def digested(self, post_ids: Iterable[int]) -> None:
        ids = list(post_ids)
        async with self.storage._db() as db:
            await db.execute(f"UPDATE news_posts SET digested = 1 WHERE id IN ({_marks(ids)})",
                             tuple(ids))

    # -- digests ----------------------------------------------------------------
    async def set_digest(self, digest: Digest) -> None:
        async with self.storage._db() as db:
            await db.execute(
                "INSERT INTO news_digests (guild_id, channel_id, every, at, timezone, last_due)"
                " VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (guild_id) DO UPDATE SET channel_id = "
                "excluded.channel_id, every = excluded.every, at = excluded.at, timezone = "
                "excluded.timezone, last_due = excluded.last_due",
                (digest.guild_id, digest.channel_id, digest.every, digest.at, digest.timezone,
                 digest.last_due))

    async def remove_digest(self, guild_id: int) -> bool:
        async with self.storage._db() as db:
            cur = await db.execute("DELETE FROM news_digests WHERE guild_id = ?", (guild_id,))
            return cur.rowcount > 0

    async def digests(self) -> list[Digest]:
        rows = await self.storage._all("SELECT guild_id, channel_id, every, at, timezone, "
                                       "last_due FROM news_digests ORDER BY guild_id")
        return [Digest(guild_id=r[0], channel_id=r[1], every=r[2], at=r[3], timezone=r[4],
                       last_due=r[5]) for r in rows]

    async def digest_posted(self, guild_id: int, due: float) -> None:
        async with self.storage._db() as db:
            await db.execute("UPDATE news_digests SET last_due = ? WHERE guild_id = ?",
                             (due, guild_id))

    # -- followed topics --------------------------------------------------------
    async def follow(self, guild_id: int, user_id: int, topic: str) -> bool:
        async with self.storage._db() as db:
            cur = await db.execute("INSERT OR IGNORE INTO news_follows (guild_id, user_id, "
                                   "topic) VALUES (?, ?, ?)", (guild_id, user_id, topic))
            return cur.rowcount > 0

    async def unfollow(self, guild_id: int, user_id: int, topic: str) -> bool:
        async with self.storage._db() as db:
            cur = await db.execute("DELETE FROM news_follows WHERE guild_id = ? AND user_id = ?"
                                   " AND topic = ? COLLATE NOCASE", (guild_id, user_id, topic))
            return cur.rowcount > 0

    async def following(self, guild_id: int, user_id: int) -> list[str]:
        rows = await self.storage._all("SELECT topic FROM news_follows WHERE guild_id = ? AND "
                                       "user_id = ? ORDER BY topic", (guild_id, user_id))
        return [r[0] for r in rows]

    async def follows(self) -> list[tuple[int, int, str]]:
        rows = await self.storage._all("SELECT guild_id, user_id, topic FROM news_follows")
        return [(int(g), int(u), t) for g, u, t in rows]

    async def untold(self, user_id: int, article_ids: Iterable[str]) -> bool:
        """True (and remembered) unless the member was already told of one of the articles."""
        ids = list(article_ids)
        row = await self.storage._one(
            f"SELECT 1 FROM news_told WHERE user_id = ? AND article_id IN ({_marks(ids)})",
            (user_id, *ids))
        if row:
            return False
        async with self.storage._db() as db:
            await db.executemany("INSERT OR IGNORE INTO news_told (user_id, article_id) VALUES"
                                 " (?, ?)", [(user_id, a) for a in ids])
        return True
