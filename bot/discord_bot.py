"""The Discord face: a thin layer over `Desk`; no retrieval logic lives here.

Every blocking call (embedding, search, indexing, SQLite of the catalogue)
runs in a worker thread, so the gateway heartbeat and other answers never
wait on it. Every message goes out with mentions disabled.
"""

from __future__ import annotations

import asyncio
import logging
import time
from dataclasses import dataclass, field

import discord
from discord import app_commands
from discord.ext import commands, tasks

from bot.answer import Answer
from bot.desk import Desk
from bot.feedback import FeedbackButton
from bot.limits import AnswerSlots, Cooldowns
from bot.permissions import NotAllowed
from bot.storage import Storage
from corpus.errors import NewsdeskError
from corpus.poll import SourceOutcome
from index.builder import BuildProgress, BuildStats

log = logging.getLogger("newsdesk." + __name__)

NONE = discord.AllowedMentions.none()
COGS = ("bot.cogs.ask", "bot.cogs.moderation", "bot.cogs.config")


@dataclass
class ReindexState:
    """What the status message shows; written by the worker thread, read by the loop."""

    started: float = field(default_factory=time.monotonic)
    by: str = ""
    progress: BuildProgress | None = None


class NewsdeskBot(commands.AutoShardedBot):
    def __init__(self, desk: Desk, *, message_content: bool = False,
                 shard_count: int | None = None) -> None:
        intents = discord.Intents.default()
        intents.message_content = message_content
        super().__init__(command_prefix=commands.when_mentioned, intents=intents,
                         allowed_mentions=NONE, shard_count=shard_count, help_command=None)
        self.desk = desk
        self.storage = Storage(desk.settings.home / "bot.sqlite3")
        self.cooldowns = Cooldowns()
        self.slots = AnswerSlots(desk.settings.max_concurrent_answers)
        self.reindexing: ReindexState | None = None
        self.tree.on_error = self.on_app_command_error

    async def setup_hook(self) -> None:
        await self.storage.setup()
        self.add_dynamic_items(FeedbackButton)
        self.poller.change_interval(minutes=self.desk.settings.poll_minutes)
        self.poller.start()
        for cog in COGS:
            await self.load_extension(cog)
        guild_id = self.desk.settings.sync_guild
        if guild_id:
            guild = discord.Object(id=guild_id)
            self.tree.copy_global_to(guild=guild)
            await self.tree.sync(guild=guild)

    async def on_message(self, message: discord.Message) -> None:
        """No prefix commands: questions are handled by the ask cog's listener."""

    async def on_ready(self) -> None:
        log.info("connected as %s to %d guilds", self.user, len(self.guilds))

    async def on_app_command_error(self, interaction: discord.Interaction,
                                   error: app_commands.AppCommandError) -> None:
        """One reply per failure: a refused check says why (it is no crash); anything else is
        logged with its traceback for the moderators."""
        original = getattr(error, "original", error)
        if isinstance(error, app_commands.CheckFailure):
            log.info("refused /%s for %s: %s", interaction.command.qualified_name
                     if interaction.command else "?", interaction.user, error)
            text = str(error) if isinstance(error, NotAllowed) else \
                "You cannot use this command here."
        elif isinstance(original, NewsdeskError):  # e.g. a damaged catalogue: say so
            log.warning("/%s: %s", interaction.command.qualified_name
                        if interaction.command else "?", original)
            text = str(original)[:1900]
        else:
            log.exception("command failed", exc_info=error)
            text = "Something went wrong; the moderators can find the details in the bot's log."
        if interaction.response.is_done():
            await interaction.followup.send(text, ephemeral=True, allowed_mentions=NONE)
        else:
            await interaction.response.send_message(text, ephemeral=True, allowed_mentions=NONE)

    # -- work off the event loop ------------------------------------------------
    async def answer(self, question: str, context: list[str] | None = None,
                     locale: str = "") -> Answer:
        """`locale`: the asker's (Discord's interaction locale, else the guild's), a hint for
        the question's language, which the bot's own words then follow."""
        async with self.slots.slot():
            return await asyncio.to_thread(self.desk.ask, question, 8, context, locale)

    @tasks.loop(minutes=30)
    async def poller(self) -> None:
        """Fetch due feeds and URLs off the loop; reindex when something changed."""
        try:
            outcomes = await self.fetch_sources(due_only=True)
            if any(o.changed for o in outcomes) and self.reindexing is None:
                await self.reindex(False, "scheduled fetch")
        except NewsdeskError as exc:  # e.g. the catalogue is busy: the next round tries again
            log.warning("scheduled fetch failed: %s", exc)
        except Exception:  # the next round tries again; the old index keeps serving
            log.exception("scheduled fetch failed")

    @poller.before_loop
    async def _before_poller(self) -> None:
        await self.wait_until_ready()

    async def fetch_sources(self, due_only: bool) -> list[SourceOutcome]:
        return await asyncio.to_thread(self.desk.fetch, due_only)

    async def reindex(self, full: bool, by: str) -> BuildStats:
        """Refresh folder sources and rebuild; the old index serves until the swap."""
        state = ReindexState(by=by)
        self.reindexing = state

        def progress(p: BuildProgress) -> None:
            state.progress = p.model_copy()

        try:
            await asyncio.to_thread(self.desk.refresh_folders)
            return await asyncio.to_thread(self.desk.reindex, full, progress)
        finally:
            self.reindexing = None
