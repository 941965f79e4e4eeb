"""Moderators (Manage Messages, or the role an admin names): reindex, sources, audit, stats."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from datetime import UTC, datetime

import discord
from discord import app_commands
from discord.ext import commands

from bot.discord.client import NONE, NewsdeskBot
from bot.discord.permissions import may_moderate, require_moderator
from bot.discord.render import clip, escape
from bot.discord.translator import described as _
from corpus.errors import NewsdeskError
from index.builder import BuildProgress

log = logging.getLogger("newsdesk." + __name__)
STATUS_EVERY = 2.0  # seconds between edits of the reindex status message
TOKEN_LIFETIME = 14 * 60.0  # an interaction token may edit its messages for 15 minutes


def reindex_status(p: BuildProgress) -> str:
    """Where a reindex is, with its rate and time left: a moderator watching a long back-fill
    needs to know whether to wait a minute or an hour."""
    if p.phase == "scan" or not (p.passages_to_embed or p.sentences_to_embed):
        return (f"Reindexing… {p.articles_scanned}/{p.articles_total} articles scanned, "
                f"{_ago(p.elapsed)} elapsed")
    done = p.passages_embedded + p.sentences_embedded
    total = p.passages_to_embed + p.sentences_to_embed
    rate = done / p.elapsed if p.elapsed > 0 else 0.0
    left = f", about {_ago((total - done) / rate)} left" if rate > 0 and done < total else ""
    return (f"Reindexing… {p.passages_embedded}/{p.passages_to_embed} passages, "
            f"{p.sentences_embedded}/{p.sentences_to_embed} sentences embedded "
            f"({rate:.1f}/s), {_ago(p.elapsed)} elapsed{left}")


def _ago(seconds: float) -> str:
    if seconds < 90:
        return f"{seconds:.0f} s"
    if seconds < 5400:
        return f"{seconds / 60:.0f} min"
    return f"{seconds / 3600:.1f} h"


class _Status:
    """The reindex status message. A full reindex can outlast the interaction token, so
    after TOKEN_LIFETIME the message is edited through its channel with the bot's token."""

    def __init__(self, interaction: discord.Interaction, message: discord.Message) -> None:
        self.interaction = interaction
        self.message = message
        self.started = time.monotonic()

    async def edit(self, content: str) -> None:
        channel = self.interaction.channel
        if time.monotonic() - self.started < TOKEN_LIFETIME or channel is None or \
                not hasattr(channel, "get_partial_message"):
            await self.message.edit(content=content, allowed_mentions=NONE)
        else:
            await channel.get_partial_message(self.message.id).edit(
                content=content, allowed_mentions=NONE)


class Moderation(commands.Cog):
    def __init__(self, bot: NewsdeskBot) -> None:
        self.bot = bot

    async def interaction_check(self, interaction: discord.Interaction) -> bool:
        """Every command here is for moderators: declared once, answered once by the bot's
        error handler (a server's permission override may show them to anyone)."""
        return await require_moderator(interaction)

    async def _audit(self, interaction: discord.Interaction, action: str, detail: str) -> None:
        await self.bot.storage.audit(interaction.guild_id or 0, interaction.user.id,
                                     str(interaction.user), action, detail)

    # -- /reindex -------------------------------------------------------------
    @app_commands.command(name="reindex", description=_("cmd_reindex"))
    @app_commands.describe(full=_("cmd_reindex_full"))
    @app_commands.default_permissions(manage_messages=True)
    @app_commands.guild_only()
    async def reindex(self, interaction: discord.Interaction, full: bool = False) -> None:
        task = self.bot.reindexer.start(str(interaction.user), full=full)
        if task is None:
            await interaction.response.send_message(self._busy(), ephemeral=True,
                                                    allowed_mentions=NONE)
            return
        await interaction.response.send_message("Reindex starting…", allowed_mentions=NONE)
        await self._audit(interaction, "reindex", "full" if full else "incremental")
        status = _Status(interaction, await interaction.original_response())
        while not task.done():
            await asyncio.wait({task}, timeout=STATUS_EVERY)
            state = self.bot.reindexer.state
            if state is not None and state.progress is not None and not task.done():
                p = state.progress
                with contextlib.suppress(discord.HTTPException):
                    await status.edit(reindex_status(p))
        try:
            stats = task.result()
        except Exception as exc:  # any failure: report it; the old index keeps serving
            reason = str(exc) if isinstance(exc, NewsdeskError) else exc.__class__.__name__
            await status.edit(clip(f"Reindex failed: {reason}. The previous index keeps "
                                   "answering.", 2000))
            return
        if stats.changed:
            text = (f"Reindex done in {stats.seconds:.1f} s: index {stats.version}, "
                    f"{stats.articles_total} articles, {stats.passages_total} passages "
                    f"({stats.passages_embedded} embedded, {stats.articles_removed} articles "
                    f"removed).")
        else:
            text = f"Nothing changed: index {stats.version} is up to date."
        await status.edit(text)

    def _busy(self) -> str:
        state = self.bot.reindexer.state
        since = f" (started {_ago(time.monotonic() - state.started)} ago by " \
            f"{escape(state.by)})" if state else ""
        return f"A reindex is already running{since}; answers keep coming from the current index."

    # -- /sources -------------------------------------------------------------
    sources = app_commands.Group(
        name="sources", description=_("cmd_sources"), guild_only=True,
        default_permissions=discord.Permissions(manage_messages=True))

    @sources.command(name="list", description=_("cmd_sources_list"))
    async def sources_list(self, interaction: discord.Interaction) -> None:
        rows = await asyncio.to_thread(self.bot.desk.sources)
        if not rows:
            text = "No sources yet. Add one with `/sources add`."
        else:
            lines = []
            for s in rows:
                when = (datetime.fromtimestamp(s.last_fetch, UTC).strftime("%Y-%m-%d %H:%M UTC")
                        if s.last_fetch else "never")
                error = f" — {escape(clip(s.last_error, 120))}" if s.last_error else ""
                lines.append(f"`{s.id}` {s.kind} {escape(clip(s.location, 120))} · {s.status} · "
                             f"{s.item_count} items · last fetch {when}{error}")
            text = clip("\n".join(lines), 2000)
        await interaction.response.send_message(text, ephemeral=True, allowed_mentions=NONE,
                                                suppress_embeds=True)

    @sources.command(name="add", description=_("cmd_sources_add"))
    @app_commands.describe(location=_("cmd_sources_add_location"))
    async def sources_add(self, interaction: discord.Interaction, location: str) -> None:
        await interaction.response.defer(ephemeral=True, thinking=True)
        try:
            source, outcome = await asyncio.to_thread(
                self.bot.desk.add_source, location, str(interaction.user),
                within=self.bot.desk.settings.sources_root)
        except NewsdeskError as exc:
            await interaction.followup.send(clip(str(exc), 2000), ephemeral=True,
                                            allowed_mentions=NONE)
            return
        await self._audit(interaction, "sources add", f"{source.kind} {source.location}")
        stored = outcome.added + outcome.updated + outcome.unchanged
        text = f"Added {source.kind} source `{source.id}`: {stored} articles read."
        if outcome.errors:
            text += f" {len(outcome.errors)} items failed: {escape(clip(outcome.errors[0], 300))}"
        if outcome.added or outcome.updated:
            text += " Indexing them now; they are searchable once it is done."
            self.bot.reindexer.start(str(interaction.user), read_folders=False)
        await interaction.followup.send(clip(text, 2000), ephemeral=True, allowed_mentions=NONE,
                                        suppress_embeds=True)

    @sources.command(name="fetch", description=_("cmd_sources_fetch"))
    async def sources_fetch(self, interaction: discord.Interaction) -> None:
        await interaction.response.defer(ephemeral=True, thinking=True)
        outcomes = await self.bot.fetch_sources(due_only=False)
        await self._audit(interaction, "sources fetch", f"{len(outcomes)} sources")
        added = sum(o.added for o in outcomes)
        updated = sum(o.updated for o in outcomes)
        failed = [o for o in outcomes if o.status == "error"]
        text = (f"Fetched {len(outcomes)} sources: {added} new and {updated} updated "
                f"articles, {len(failed)} sources failed.")
        if failed:
            text += "\n" + "\n".join(f"`{o.source_id}`: {escape(clip(o.errors[0], 200))}"
                                      for o in failed[:5])
        # also when the catalogue was already ahead (a "not modified" fetch right after
        # `/sources add`, or an index that failed): nothing waits unsearchable
        behind = added or updated or await asyncio.to_thread(self.bot.desk.pending)
        if behind and self.bot.reindexer.start(str(interaction.user), read_folders=False):
            text += "\nReindexing in the background."
        await interaction.followup.send(clip(text, 2000), ephemeral=True, allowed_mentions=NONE,
                                        suppress_embeds=True)

    @sources.command(name="remove", description=_("cmd_sources_remove"))
    @app_commands.describe(source_id=_("cmd_sources_remove_source_id"))
    async def sources_remove(self, interaction: discord.Interaction, source_id: str) -> None:
        try:
            source, removed = await asyncio.to_thread(
                self.bot.desk.remove_source, source_id,
                within=self.bot.desk.settings.sources_root)
        except NewsdeskError as exc:
            await interaction.response.send_message(str(exc), ephemeral=True,
                                                    allowed_mentions=NONE)
            return
        await self._audit(interaction, "sources remove", f"{source.id} {source.location}")
        await interaction.response.send_message(
            f"Removed `{source.id}` and its {removed} articles; they leave the index at the "
            "next `/reindex`.", ephemeral=True, allowed_mentions=NONE)

    @sources_remove.autocomplete("source_id")
    async def _source_choices(self, interaction: discord.Interaction,
                              typed: str) -> list[app_commands.Choice[str]]:
        """Sources whose id or location holds what was typed; nothing for non-moderators
        (autocomplete does not pass through the cog's check)."""
        if not await may_moderate(interaction):
            return []
        rows = await asyncio.to_thread(self.bot.desk.source_choices, typed, 25)
        return [app_commands.Choice(name=clip(f"{s.id} — {s.kind} {s.location}", 100),
                                    value=s.id) for s in rows]

    # -- /audit and /stats ------------------------------------------------------
    audit = app_commands.Group(
        name="audit", description=_("cmd_audit"),
        guild_only=True, default_permissions=discord.Permissions(manage_messages=True))

    @audit.command(name="actions", description=_("cmd_audit_actions"))
    async def audit_actions(self, interaction: discord.Interaction) -> None:
        entries = await self.bot.storage.audit_entries(interaction.guild_id or 0)
        lines = [f"<t:{int(e.at)}:f> {escape(e.user_name)}: {e.action} {escape(e.detail)}"
                 for e in entries] or ["No moderator actions yet."]
        await interaction.response.send_message(clip("\n".join(lines), 2000), ephemeral=True,
                                                allowed_mentions=NONE)

    @audit.command(name="unanswered", description=_("cmd_audit_unanswered"))
    async def audit_unanswered(self, interaction: discord.Interaction) -> None:
        rows = await self.bot.storage.unanswered(interaction.guild_id or 0)
        lines = [f"{u.asked}× {escape(clip(u.question, 200))} ({u.declined} declined, "
                 f"{u.down_votes} 👎)" for u in rows] or ["No unanswered questions yet."]
        await interaction.response.send_message(clip("\n".join(lines), 2000), ephemeral=True,
                                                allowed_mentions=NONE)

    @app_commands.command(name="stats", description=_("cmd_stats"))
    @app_commands.default_permissions(manage_messages=True)
    @app_commands.guild_only()
    async def stats(self, interaction: discord.Interaction) -> None:
        figures = await asyncio.to_thread(self.bot.desk.stats)
        guild_id = interaction.guild_id or 0
        midnight = datetime.now(UTC).replace(hour=0, minute=0, second=0, microsecond=0)
        today = await self.bot.storage.questions_since(guild_id, midnight.timestamp())
        feedback = await self.bot.storage.feedback(guild_id)
        age = "-"
        if figures.index_created:
            created = datetime.fromisoformat(figures.index_created)
            age = _ago((datetime.now(UTC) - created).total_seconds())
        ratio = f"{feedback.ratio:.0%} 👍" if feedback.ratio is not None else "no votes yet"
        removed = f", {figures.removed} removed, in the index until the next reindex" \
            if figures.removed else ""
        text = (f"Articles: {figures.articles} ({figures.pending} waiting to be indexed"
                f"{removed})\n"
                f"Passages: {figures.indexed_passages}\n"
                f"Index: {figures.index_version or 'none'} (built {age} ago)\n"
                f"Questions today: {today}\nFeedback: {ratio} ({feedback.up} 👍 / "
                f"{feedback.down} 👎)\n"
                f"Writer: {figures.writer.describe() if figures.writer else 'off (quotes only)'}")
        await interaction.response.send_message(clip(text, 2000), ephemeral=True,
                                                allowed_mentions=NONE)


async def setup(bot: NewsdeskBot) -> None:
    await bot.add_cog(Moderation(bot))
