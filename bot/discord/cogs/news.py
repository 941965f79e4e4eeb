"""The news desk: new stories posted to the channels admins chose, a digest on schedule,
and a DM to members following a topic.

After every reindex that changed the index, one *round* reads the articles the desk has not
seen yet, groups them into stories (bot/stories.py through `Desk.stories`) and, per news
channel, edits the post that shares an article with the story (the story grew) or posts it
(a new one). A round marks articles seen only after it has placed them, and a post is
written down before it is sent, so a restart between a poll and its posts posts each story
once: the next round (one runs at start) places what the last one did not.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import re
from collections.abc import Awaitable, Callable
from datetime import date
from typing import Any, Literal

import discord
from discord import app_commands
from discord.ext import commands, tasks

from bot.discord.client import NONE, NewsdeskBot
from bot.discord.news import (
    NewsError,
    backfill,
    digest_embed,
    digest_stories,
    is_due,
    last_due,
    period_start,
    read_time,
    story_embed,
    zone,
)
from bot.discord.news_storage import Digest, NewsStorage, Post
from bot.discord.permissions import require_admin, require_moderator
from bot.discord.render import clip, render
from bot.discord.views import answer_view
from bot.messages import say
from bot.stories import Story
from corpus.errors import NewsdeskError
from corpus.language import normalise_language
from corpus.registry import Source
from index.filters import Filters

log = logging.getLogger("newsdesk." + __name__)
EveryChoice = Literal["daily", "weekly"]
HOUR = 3600.0
# a followed topic matches a story when the retriever's best passage of the story for the
# topic has at least this debiased similarity: the best F1 on the bundled corpus's labelled
# topic-story pairs (eval/calibrate_follow.py: precision 0.755, recall 0.974, F1 0.851 over
# 495 pairs, 38 matches; in-sample, e5-small). A short topic scores too low on `relevance`
# (matches 0.11-0.22) for the answers' bar to tell them apart (AUC 0.974 against 0.989)
TOPIC_BAR = 0.840
MAX_TOPICS = 20  # per member and guild: each topic is searched in every new story


def _(key: str) -> app_commands.locale_str:
    """A command text from the catalogue: English here, the others through the translator."""
    return app_commands.locale_str(say(key), key=key)


def _locale(guild: discord.Guild | None) -> str:
    return str(guild.preferred_locale) if guild is not None else "en"


def _ids(story: Story) -> set[str]:
    return {a.article_id for a in story.articles}


class AskStory(discord.ui.DynamicItem[discord.ui.Button],
               template=r"newsdesk:story:(?P<post>[0-9]+)"):
    """"Ask about this" under a story's post: a question answered from the story's articles
    only. The post id lives in the custom_id, so the button works after a restart."""

    def __init__(self, post_id: int, label: str = "Ask about this") -> None:
        super().__init__(discord.ui.Button(label=label, emoji="💬",
                                           style=discord.ButtonStyle.secondary,
                                           custom_id=f"newsdesk:story:{post_id}"))
        self.post_id = post_id

    @classmethod
    async def from_custom_id(cls, interaction: discord.Interaction, item: discord.ui.Button,
                             match: re.Match[str], /) -> AskStory:
        return cls(int(match["post"]))

    async def callback(self, interaction: discord.Interaction[Any]) -> None:
        await interaction.response.send_modal(StoryQuestion(self.post_id,
                                                            str(interaction.locale)))


class StoryQuestion(discord.ui.Modal):
    def __init__(self, post_id: int, locale: str) -> None:
        super().__init__(title=clip(say("news_ask_title", locale), 45), timeout=600)
        self.post_id = post_id
        self.question: discord.ui.TextInput[StoryQuestion] = discord.ui.TextInput(
            label=clip(say("news_ask_label", locale), 45), max_length=500)
        self.add_item(self.question)

    async def on_submit(self, interaction: discord.Interaction[Any]) -> None:  # type: ignore[override]
        bot: NewsdeskBot = interaction.client
        locale = str(interaction.locale)
        post = await NewsStorage(bot.storage).post(self.post_id)
        if post is None:
            await interaction.response.send_message(say("gone", locale), ephemeral=True,
                                                    allowed_mentions=NONE)
            return
        config = await bot.storage.guild(interaction.guild_id)
        wait = bot.cooldowns.retry_after(interaction.guild_id, interaction.user.id,
                                         config.cooldown)
        if wait:  # the same cooldown as /ask: a modal is no way around it
            await interaction.response.send_message(say("cooldown", locale, seconds=wait),
                                                    ephemeral=True, allowed_mentions=NONE)
            return
        await interaction.response.defer(ephemeral=True, thinking=True)
        filters = Filters(articles=frozenset(post.article_ids))
        try:
            answer = await bot.answer(str(self.question.value), [], locale, filters)
        except NewsdeskError as exc:  # a question too long, a busy catalogue: one line
            await interaction.followup.send(str(exc)[:1900], ephemeral=True,
                                            allowed_mentions=NONE)
            return
        answer_id = await bot.storage.record_answer(
            interaction.guild_id, interaction.channel_id, interaction.user.id, answer.question,
            [c.article_id for c in answer.citations], answer.abstained, answer)
        await interaction.followup.send(
            embed=render(answer, say("footer", answer.language)), ephemeral=True,
            view=answer_view(answer_id, answer.language, answered=not answer.abstained),
            allowed_mentions=NONE)


def _view(post_id: int, language: str) -> discord.ui.View:
    view = discord.ui.View(timeout=None)
    view.add_item(AskStory(post_id, say("news_ask_button", language)))
    return view


@app_commands.guild_only()
class News(commands.GroupCog, group_name="news", group_description=_("cmd_news")):
    channel = app_commands.Group(name="channel", description=_("cmd_news_channel"))
    digest = app_commands.Group(name="digest", description=_("cmd_news_digest"))

    def __init__(self, bot: NewsdeskBot) -> None:
        self.bot = bot
        self.news = NewsStorage(bot.storage)
        self._round = asyncio.Lock()  # one round at a time: a round reads what it marks
        self._started: asyncio.Task[None] | None = None
        super().__init__()

    async def cog_load(self) -> None:
        self.bot.add_dynamic_items(AskStory)
        self.bot.reindexer.listeners.append(self.after_reindex)
        self.digests.start()
        self._started = asyncio.create_task(self._start())

    async def cog_unload(self) -> None:
        self.digests.cancel()
        with contextlib.suppress(ValueError):
            self.bot.reindexer.listeners.remove(self.after_reindex)
        if self._started is not None:
            self._started.cancel()

    async def _start(self) -> None:
        """A restart completes what the last process left: a post it may have sent, and the
        stories of a reindex it did not get to post."""
        await self.bot.wait_until_ready()
        await self.round()

    # -- the round: new stories into the channels ------------------------------
    async def after_reindex(self, changed: bool) -> None:
        if changed:
            await self.round()

    async def round(self) -> None:
        """Place every unseen article's story; a failure is logged, the next round retries."""
        if self.bot.desk.settings.answer_only:
            return  # a shard of a shared index: the indexing process posts
        async with self._round:
            try:
                await self._resume_sending()
                await self._round_once()
            except NewsdeskError as exc:  # e.g. no index yet, a busy catalogue
                log.warning("news round: %s", exc)
            except Exception:
                log.exception("news round failed")

    async def _round_once(self) -> None:
        desk = self.bot.desk
        held, sources = await asyncio.to_thread(self._read_desk)
        if await self.news.state("baseline") is None:  # first start: the archive is no news
            await self.news.mark_seen(held)
            await self.news.mark_sources(sources)
            await self.news.set_state("baseline", "done")
            return
        new = held - await self.news.seen()
        known = await self.news.known_sources()
        fresh = set(sources) - known
        if new:
            read = await asyncio.to_thread(self._new_articles, new)
            postable = {aid for aid, (published, listing) in read.items()
                        if not backfill(published, listing, sources, fresh)}
            dated = [published for published, _ in read.values() if published is not None]
            since = min(dated) if dated and len(dated) == len(new) else None
            told: dict[str, list[Story]] = {}  # by headline language: the guilds'

            async def touched(language: str) -> list[Story]:
                if language not in told:
                    stories = await asyncio.to_thread(desk.stories, since, None, None,
                                                      language)
                    told[language] = [s for s in stories if _ids(s) & new]
                return told[language]

            for guild_id, channel_id in await self.news.channels():
                for story in await touched(self._language(guild_id)):
                    try:
                        await self._place(guild_id, channel_id, story, postable)
                    except discord.HTTPException as exc:  # Discord down: the post stays
                        log.warning("news post to %s: %s", channel_id, exc)  # 'sending'
                        break
            await self._tell_followers(postable, touched)
            await self.news.mark_seen(new)
        await self.news.mark_sources(fresh)

    def _language(self, guild_id: int) -> str:
        """The guild's language: its bot words, and the headline where a story has one."""
        return normalise_language(_locale(self.bot.get_guild(guild_id))) or "en"

    def _read_desk(self) -> tuple[set[str], dict[str, Source]]:
        """Off the loop: the indexed articles with their copies, and the sources."""
        desk = self.bot.desk
        version = desk.index_version()
        held = set(version.article_ids)
        held |= {c.id for copies in desk.catalogue.copies().values() for c in copies}
        sources = {s.id: s for s in desk.registry.all()}
        return held, sources

    def _new_articles(self, ids: set[str]) -> dict[str, tuple[date | None, set[str]]]:
        """Off the loop: each new article's publication day and the sources listing it."""
        catalogue = self.bot.desk.catalogue
        articles = catalogue.get_many(ids)
        return {aid: (articles[aid].published if aid in articles else None,
                      catalogue.sources_of(aid)) for aid in ids}

    async def _place(self, guild_id: int, channel_id: int, story: Story,
                     postable: set[str]) -> None:
        """Edit the channel's post of this story, or post it (or fold it, over the cap)."""
        post = await self.news.post_sharing(channel_id, _ids(story))
        if post is not None:
            if _ids(story) - post.article_ids:
                await self.news.grow(post.id, story)
                if post.state == "posted":
                    await self._edit(post, story)
            return
        if not _ids(story) & postable:
            return
        channel = self.bot.get_channel(channel_id)
        if not isinstance(channel, discord.abc.Messageable):
            return  # the channel is gone or not visible: nothing to post to
        settings = await self.news.guild(guild_id)
        now = discord.utils.utcnow().timestamp()
        if settings.paused or await self.news.sent_since(channel_id, now - HOUR) >= \
                settings.hourly:
            await self.news.add_post(guild_id, channel_id, story, "folded", now)
            return
        post_id = await self.news.add_post(guild_id, channel_id, story, "sending", now)
        await self._send(post_id, channel, story)

    async def _send(self, post_id: int, channel: discord.abc.Messageable, story: Story) -> None:
        language = _locale(getattr(channel, "guild", None))
        try:
            message = await channel.send(embed=story_embed(story, language),
                                         view=_view(post_id, language), allowed_mentions=NONE)
        except (discord.Forbidden, discord.NotFound) as exc:  # no right to post there, or
            log.warning("news post %s not sent: %s", post_id, exc)  # no channel: the digest
            await self.news.fold(post_id)  # lists it instead, and no round tries again
            return
        await self.news.sent(post_id, message.id)

    async def _edit(self, post: Post, story: Story) -> None:
        channel = self.bot.get_channel(post.channel_id)
        if post.message_id is None or not hasattr(channel, "get_partial_message"):
            return
        language = _locale(getattr(channel, "guild", None))
        try:
            await channel.get_partial_message(post.message_id).edit(  # type: ignore[union-attr]
                embed=story_embed(story, language), view=_view(post.id, language),
                allowed_mentions=NONE)
        except discord.NotFound:
            log.info("news post %s was deleted; not edited", post.id)

    async def _resume_sending(self) -> None:
        """Posts written down but not known to be sent: the channel's recent messages say
        whether one went out (its button carries the post id) before it is sent again."""
        for post in await self.news.sending():
            channel = self.bot.get_channel(post.channel_id)
            if not isinstance(channel, discord.TextChannel):
                continue
            wanted = f"newsdesk:story:{post.id}"
            found = None
            async for message in channel.history(limit=50):
                if self.bot.user and message.author.id == self.bot.user.id and any(
                        getattr(c, "custom_id", None) == wanted
                        for row in message.components for c in getattr(row, "children", [])):
                    found = message
                    break
            if found is not None:
                await self.news.sent(post.id, found.id)
            else:
                await self._send(post.id, channel, post.story)

    # -- followers ------------------------------------------------------------------
    async def _tell_followers(self, postable: set[str],
                              touched: Callable[[str], Awaitable[list[Story]]]) -> None:
        """One search per distinct topic and story, however many members follow it; one DM
        per member and story, however many of their topics it matches; the story as told
        in the member's guild's language."""
        follows = await self.news.follows()
        if not follows:
            return
        matched: dict[str, set[str]] = {}  # story key → the topics (casefolded) it matches
        for guild_id, user_id, topic in follows:
            language = self._language(guild_id)
            for story in await touched(language):
                if not _ids(story) & postable:
                    continue
                topics = matched.setdefault(story.key, set())
                if topic.casefold() not in topics and \
                        await asyncio.to_thread(self.matches, topic, story):
                    topics.add(topic.casefold())
                if topic.casefold() in topics and \
                        await self.news.untold(user_id, _ids(story)):
                    await self._dm(user_id, story, topic, language)

    def matches(self, topic: str, story: Story) -> bool:
        """The retrieval the answers use, restricted to the story's articles: its best
        passage must clear TOPIC_BAR."""
        retriever = self.bot.desk.retriever()
        filters = Filters(articles=frozenset(_ids(story)))
        found = retriever.search(topic, k=1, filters=filters)
        return bool(found) and found[0].debiased >= TOPIC_BAR

    async def _dm(self, user_id: int, story: Story, topic: str, language: str) -> None:
        try:
            user = self.bot.get_user(user_id) or await self.bot.fetch_user(user_id)
            await user.send(say("news_dm", language, topic=topic),
                            embed=story_embed(story, language), allowed_mentions=NONE)
        except discord.HTTPException as exc:  # DMs closed: the member chose that
            log.info("no DM to %s: %s", user_id, exc)

    # -- digests --------------------------------------------------------------------
    @tasks.loop(minutes=1)
    async def digests(self) -> None:
        if self.bot.desk.settings.answer_only:
            return  # a shard of a shared index: the indexing process posts digests
        try:
            await self.post_due_digests()
        except NewsdeskError as exc:  # e.g. no index yet: the next minute tries again
            log.warning("digest: %s", exc)
        except Exception:
            log.exception("digest failed")

    @digests.before_loop
    async def _before_digests(self) -> None:
        await self.bot.wait_until_ready()

    async def post_due_digests(self) -> None:
        now = discord.utils.utcnow()
        for digest in await self.news.digests():
            due = is_due(digest, now)
            if due is None:
                continue
            channel = self.bot.get_channel(digest.channel_id)
            if not isinstance(channel, discord.abc.Messageable):
                continue
            since = period_start(digest.every, due)
            language = self._language(digest.guild_id)
            stories = await asyncio.to_thread(self.bot.desk.stories, since, None, None,
                                              language)
            stories = [s for s in stories if s.newest is not None and s.newest >= since]
            folded = await self.news.folded(digest.guild_id)
            listed = digest_stories(stories, [p.story for p in folded])
            await self.news.digest_posted(digest.guild_id, due.timestamp())  # once, first
            await channel.send(embed=digest_embed(listed, digest.every, since, language),
                               allowed_mentions=NONE)
            if folded:
                await self.news.digested(p.id for p in folded)

    # -- commands -------------------------------------------------------------------
    async def _reply(self, interaction: discord.Interaction, text: str,
                     audit: str | None = None) -> None:
        if audit:
            await self.bot.storage.audit(interaction.guild_id or 0, interaction.user.id,
                                         str(interaction.user), f"news {audit}", text)
        await interaction.response.send_message(text, ephemeral=True, allowed_mentions=NONE)

    @channel.command(name="set", description=_("cmd_news_channel_set"))
    @app_commands.describe(channel=_("cmd_news_opt_channel"), per_hour=_("cmd_news_opt_per_hour"))
    @app_commands.check(require_admin)
    async def channel_set(self, interaction: discord.Interaction, channel: discord.TextChannel,
                          per_hour: app_commands.Range[int, 1, 60] | None = None) -> None:
        guild_id = interaction.guild_id or 0
        await self.news.add_channel(guild_id, channel.id)
        if per_hour is not None:
            await self.news.set_hourly(guild_id, per_hour)
        hourly = (await self.news.guild(guild_id)).hourly
        await self._reply(interaction, say("news_channel_set", str(interaction.locale),
                                           channel=channel.mention, count=hourly), "channel set")

    @channel.command(name="remove", description=_("cmd_news_channel_remove"))
    @app_commands.describe(channel=_("cmd_news_opt_channel"))
    @app_commands.check(require_admin)
    async def channel_remove(self, interaction: discord.Interaction,
                             channel: discord.TextChannel) -> None:
        removed = await self.news.remove_channel(interaction.guild_id or 0, channel.id)
        key = "news_channel_removed" if removed else "news_channel_not_set"
        await self._reply(interaction, say(key, str(interaction.locale),
                                           channel=channel.mention), "channel remove")

    @channel.command(name="list", description=_("cmd_news_channel_list"))
    @app_commands.check(require_admin)
    async def channel_list(self, interaction: discord.Interaction) -> None:
        channels = await self.news.channels(interaction.guild_id or 0)
        locale = str(interaction.locale)
        lines = [f"<#{c}>" for _g, c in channels]
        settings = await self.news.guild(interaction.guild_id or 0)
        if settings.paused:
            lines.append(say("news_paused", locale))
        await self._reply(interaction, "\n".join(lines) or say("news_no_channel", locale))

    @digest.command(name="set", description=_("cmd_news_digest_set"))
    @app_commands.describe(channel=_("cmd_news_opt_channel"), every=_("cmd_news_opt_every"),
                           at=_("cmd_news_opt_at"), timezone=_("cmd_news_opt_timezone"))
    @app_commands.check(require_admin)
    async def digest_set(self, interaction: discord.Interaction, channel: discord.TextChannel,
                         every: EveryChoice, at: str, timezone: str = "UTC") -> None:
        try:
            hhmm = read_time(at)
            zone(timezone)
        except NewsError as exc:
            await self._reply(interaction, str(exc))
            return
        now = discord.utils.utcnow()
        due = last_due(every, hhmm, timezone, now)  # the time just past is not due
        await self.news.set_digest(Digest(guild_id=interaction.guild_id or 0,
                                          channel_id=channel.id, every=every, at=hhmm,
                                          timezone=timezone.strip() or "UTC",
                                          last_due=due.timestamp()))
        await self._reply(interaction, say(f"news_digest_set_{every}", str(interaction.locale),
                                           channel=channel.mention, at=hhmm,
                                           timezone=timezone), "digest set")

    @digest.command(name="remove", description=_("cmd_news_digest_remove"))
    @app_commands.check(require_admin)
    async def digest_remove(self, interaction: discord.Interaction) -> None:
        removed = await self.news.remove_digest(interaction.guild_id or 0)
        key = "news_digest_removed" if removed else "news_digest_none"
        await self._reply(interaction, say(key, str(interaction.locale)), "digest remove")

    @app_commands.command(name="pause", description=_("cmd_news_pause"))
    @app_commands.check(require_moderator)
    async def pause(self, interaction: discord.Interaction) -> None:
        await self.news.set_paused(interaction.guild_id or 0, True)
        await self._reply(interaction, say("news_paused", str(interaction.locale)), "pause")

    @app_commands.command(name="resume", description=_("cmd_news_resume"))
    @app_commands.check(require_moderator)
    async def resume(self, interaction: discord.Interaction) -> None:
        await self.news.set_paused(interaction.guild_id or 0, False)
        await self._reply(interaction, say("news_resumed", str(interaction.locale)), "resume")

    @app_commands.command(name="follow", description=_("cmd_news_follow"))
    @app_commands.describe(topic=_("cmd_news_opt_topic"))
    async def follow(self, interaction: discord.Interaction,
                     topic: app_commands.Range[str, 2, 100]) -> None:
        shown = " ".join(topic.split())
        locale = str(interaction.locale)
        topics = await self.news.following(interaction.guild_id or 0, interaction.user.id)
        if shown.casefold() not in {t.casefold() for t in topics}:
            if len(topics) >= MAX_TOPICS:
                await self._reply(interaction, say("news_follow_limit", locale,
                                                   count=MAX_TOPICS))
                return
            await self.news.follow(interaction.guild_id or 0, interaction.user.id, shown)
        await self._reply(interaction, say("news_following_now", locale,
                                           topic=discord.utils.escape_mentions(shown)))

    @app_commands.command(name="unfollow", description=_("cmd_news_unfollow"))
    @app_commands.describe(topic=_("cmd_news_opt_topic"))
    async def unfollow(self, interaction: discord.Interaction,
                       topic: app_commands.Range[str, 1, 100]) -> None:
        shown = " ".join(topic.split())
        removed = await self.news.unfollow(interaction.guild_id or 0, interaction.user.id,
                                           shown)
        key = "news_unfollowed" if removed else "news_not_following"
        await self._reply(interaction, say(key, str(interaction.locale),
                                           topic=discord.utils.escape_mentions(shown)))

    @app_commands.command(name="following", description=_("cmd_news_following"))
    async def following(self, interaction: discord.Interaction) -> None:
        topics = await self.news.following(interaction.guild_id or 0, interaction.user.id)
        locale = str(interaction.locale)
        text = "\n".join(f"• {discord.utils.escape_mentions(t)}" for t in topics) or \
            say("news_following_none", locale)
        await self._reply(interaction, text)


async def setup(bot: NewsdeskBot) -> None:
    await bot.add_cog(News(bot))
