"""The Discord face: a thin layer over `Desk`; no retrieval logic lives here.

Every blocking call (embedding, search, indexing, SQLite of the catalogue)
runs in a worker thread, so the gateway heartbeat and other answers never
wait on it. Every message goes out with mentions disabled.
"""

from __future__ import annotations

import asyncio
import logging

import discord
from discord import app_commands
from discord.ext import commands, tasks

from bot.answer import Answer
from bot.desk import Desk
from bot.discord.limits import AnswerSlots, Cooldowns
from bot.discord.permissions import NotAllowed
from bot.discord.reindex import Reindexer
from bot.discord.storage import Storage
from bot.discord.translator import CatalogueTranslator
from bot.discord.views import ITEMS
from bot.messages import say
from corpus.errors import NewsdeskError
from corpus.poll import SourceOutcome
from index.filters import Filters
from index.ranking import ArticleRef

log = logging.getLogger("newsdesk." + __name__)

NONE = discord.AllowedMentions.none()
COGS = ("bot.discord.cogs.ask", "bot.discord.cogs.moderation", "bot.discord.cogs.config",
        "bot.discord.cogs.news")


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
        self.reindexer = Reindexer(desk)
        self.tree.on_error = self.on_app_command_error

    async def setup_hook(self) -> None:
        await self.storage.setup()
        self.add_dynamic_items(*ITEMS)
        self.poller.change_interval(minutes=self.desk.settings.poll_minutes)
        if not self.desk.settings.answer_only:  # a shard of a shared index never fetches
            self.poller.start()
        await self.tree.set_translator(CatalogueTranslator())
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
        """One reply per failure, in the asker's language: a refused check says why (it is
        no crash); anything else is logged with its traceback for the moderators."""
        original = getattr(error, "original", error)
        name = interaction.command.qualified_name if interaction.command else "?"
        locale = str(interaction.locale)
        if isinstance(error, app_commands.CheckFailure):
            log.info("refused /%s for %s: %s", name, interaction.user, error)
            text = say(error.key, locale) if isinstance(error, NotAllowed) else \
                "You cannot use this command here."
        elif isinstance(original, NewsdeskError):  # e.g. a damaged catalogue: say so
            log.warning("/%s: %s", name, original)
            text = str(original)[:1900]
        else:
            log.exception("command failed", exc_info=error)
            text = say("failed", locale)
        if interaction.response.is_done():
            await interaction.followup.send(text, ephemeral=True, allowed_mentions=NONE)
        else:
            await interaction.response.send_message(text, ephemeral=True, allowed_mentions=NONE)

    # -- work off the event loop ------------------------------------------------
    async def answer(self, question: str, context: list[str] | None = None,
                     locale: str = "", filters: Filters | None = None) -> Answer:
        """`locale`: the asker's (Discord's interaction locale, else the guild's), a hint for
        the question's language, which the bot's own words then follow."""
        async with self.slots.slot():
            return await asyncio.to_thread(self.desk.ask, question, 8, context, locale,
                                           filters)

    async def more_like(self, answer: Answer, count: int = 5) -> list[ArticleRef]:
        """"More like this": the next best articles on the story the answer cites."""
        cited = [c.article_id for c in answer.citations]
        async with self.slots.slot():
            return await asyncio.to_thread(self.desk.more_like, cited, None, count)

    async def outlets(self) -> list[str]:
        return await asyncio.to_thread(self.desk.outlets)

    @tasks.loop(minutes=30)
    async def poller(self) -> None:
        """Fetch due feeds and URLs off the loop; reindex when something changed (the fetch
        has just read the folders, so the reindex does not read them again)."""
        try:
            outcomes = await self.fetch_sources(due_only=True)
            task = self.reindexer.start("scheduled fetch", read_folders=False) \
                if any(o.changed for o in outcomes) else None
            if task is not None:  # one round at a time; a failure is logged by the runner
                await asyncio.wait({task})
        except NewsdeskError as exc:  # e.g. the catalogue is busy: the next round tries again
            log.warning("scheduled fetch failed: %s", exc)
        except Exception:  # the next round tries again; the old index keeps serving
            log.exception("scheduled fetch failed")

    @poller.before_loop
    async def _before_poller(self) -> None:
        await self.wait_until_ready()

    async def fetch_sources(self, due_only: bool) -> list[SourceOutcome]:
        return await asyncio.to_thread(self.desk.fetch, due_only)
