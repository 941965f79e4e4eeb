"""Members ask: `/ask`, a mention, or (mode `all`) any question in an enabled channel."""

from __future__ import annotations

import asyncio
import contextlib
import re
from collections.abc import AsyncIterator

import discord
from discord import app_commands
from discord.ext import commands

from bot.answer import validate_question
from bot.discord.client import NONE, NewsdeskBot
from bot.discord.render import clip, render
from bot.discord.storage import ThreadMode
from bot.discord.threads import start_thread
from bot.discord.translator import described as _
from bot.discord.views import answer_view
from bot.messages import say
from corpus.errors import NewsdeskError
from index.filters import Filters

_QUESTION_WORDS = re.compile(
    r"^(who|what|when|where|why|how|which|did|does|do|is|are|was|were|can|could|has|have|"
    r"will|should|qui|que|quoi|quand|où|pourquoi|comment|quel|quelle|quels|quelles|est-ce|"
    r"wer|was|wann|wo|warum|wie|welche[rsmn]?|hat|ist|qué|quién|cuándo|dónde|por qué|cómo|"
    r"cuál|chi|cosa|quando|dove|perché|come)\b", re.I)


_MENTION = re.compile(r"<(?:@[!&]?|#)\d+>")


def plain_question(text: str) -> str:
    """Without Discord's mention markup: `<@123>` means nothing to a search."""
    return _MENTION.sub(" ", text)


def looks_like_question(text: str) -> bool:
    text = text.strip()
    return text.endswith(("?", "？")) or bool(_QUESTION_WORDS.match(text))


class _Entrance:
    """How one question came in and how its replies go out: a slash command or a message.
    Everything between (validate → cooldown → context → answer → record → send → thread) is
    `Ask.answer`, the one path both entrances share."""

    guild_id: int | None
    channel: object
    user_id: int
    locale: str
    follow_up: bool  # asked inside one of our threads: earlier questions give the context
    private: bool = False  # only the asker sees the answer (and no thread opens)
    queues: bool = False  # waits out a cooldown instead of being refused

    async def refuse(self, text: str, *, seconds: int = 0) -> None:
        """One line before any work: bad input, a cooldown, or a queued question."""
        raise NotImplementedError

    def working(self) -> contextlib.AbstractAsyncContextManager[object]:
        raise NotImplementedError

    async def failed(self, text: str) -> None:
        raise NotImplementedError

    async def send(self, embed: discord.Embed, view: discord.ui.View) -> discord.Message:
        raise NotImplementedError


class _Slash(_Entrance):
    def __init__(self, interaction: discord.Interaction, private: bool) -> None:
        self.interaction = interaction
        self.guild_id = interaction.guild_id
        self.channel = interaction.channel
        self.user_id = interaction.user.id
        self.locale = str(interaction.locale)
        self.follow_up = isinstance(interaction.channel, discord.Thread)
        self.private = private

    async def refuse(self, text: str, *, seconds: int = 0) -> None:
        await self.interaction.response.send_message(text, ephemeral=True,
                                                     allowed_mentions=NONE)

    @contextlib.asynccontextmanager
    async def working(self) -> AsyncIterator[None]:
        await self.interaction.response.defer(thinking=True, ephemeral=self.private)
        yield

    async def failed(self, text: str) -> None:
        await self.interaction.delete_original_response()
        await self.interaction.followup.send(text, ephemeral=True, allowed_mentions=NONE)

    async def send(self, embed: discord.Embed, view: discord.ui.View) -> discord.Message:
        return await self.interaction.followup.send(embed=embed, view=view, wait=True,
                                                    ephemeral=self.private,
                                                    allowed_mentions=NONE)


class _Mention(_Entrance):
    queues = True  # a follow-up typed during the cooldown is answered when it ends

    def __init__(self, message: discord.Message, follow_up: bool) -> None:
        assert message.guild is not None
        self.message = message
        self.guild_id = message.guild.id
        self.channel = message.channel
        self.user_id = message.author.id
        self.locale = str(message.guild.preferred_locale)
        self.follow_up = follow_up

    async def refuse(self, text: str, *, seconds: int = 0) -> None:
        await self.message.reply(text, allowed_mentions=NONE, mention_author=False,
                                 delete_after=seconds or None)

    def working(self) -> contextlib.AbstractAsyncContextManager[object]:
        return self.message.channel.typing()

    async def failed(self, text: str) -> None:
        await self.message.reply(text, allowed_mentions=NONE, mention_author=False)

    async def send(self, embed: discord.Embed, view: discord.ui.View) -> discord.Message:
        return await self.message.reply(embed=embed, view=view, allowed_mentions=NONE,
                                        mention_author=False)


class Ask(commands.Cog):
    def __init__(self, bot: NewsdeskBot) -> None:
        self.bot = bot
        self._queued: set[tuple[int | None, int]] = set()  # members told "I will answer"

    @app_commands.command(name="ask", description=_("cmd_ask"))
    @app_commands.describe(question=_("cmd_ask_question"), private=_("cmd_ask_private"),
                           since=_("cmd_ask_since"), outlet=_("cmd_ask_outlet"),
                           language=_("cmd_ask_language"))
    async def ask(self, interaction: discord.Interaction,
                  question: app_commands.Range[str, 1, 1000],
                  private: bool | None = None, since: str | None = None,
                  outlet: str | None = None, language: str | None = None) -> None:
        if private is None:
            config = await self.bot.storage.guild(interaction.guild_id)
            private = interaction.channel_id in config.private_channels
        entrance = _Slash(interaction, private)
        try:
            filters = Filters.read(since, outlet, language)
        except NewsdeskError as exc:  # e.g. a since that cannot be read: one line, why
            await entrance.refuse(str(exc))
            return
        await self.answer(entrance, question, filters if filters.active else None)

    @ask.autocomplete("outlet")
    async def _outlet_choices(self, interaction: discord.Interaction,
                              typed: str) -> list[app_commands.Choice[str]]:
        """The outlets the index holds, those containing what was typed first."""
        try:
            names = await self.bot.outlets()
        except NewsdeskError:  # no index yet: nothing to offer
            return []
        needle = typed.casefold().strip()
        return [app_commands.Choice(name=clip(name, 100), value=name[:100])
                for name in names if needle in name.casefold()][:25]

    @commands.Cog.listener()
    async def on_message(self, message: discord.Message) -> None:
        if message.author.bot or message.guild is None or self.bot.user is None:
            return
        mentioned = self.bot.user in message.mentions
        channel = message.channel
        in_our_thread = isinstance(channel, discord.Thread) and bool(
            await self.bot.storage.thread_questions(channel.id, limit=1))
        parent_id = channel.parent_id if isinstance(channel, discord.Thread) else channel.id
        config = await self.bot.storage.guild(message.guild.id)
        mode = config.channels.get(parent_id) or config.channels.get(channel.id)
        if mode is None and not in_our_thread:
            return  # not an enabled channel: ignored
        text = plain_question(message.content).strip()
        if not (mentioned or ((mode == "all" or in_our_thread) and looks_like_question(text))):
            return
        await self.answer(_Mention(message, in_our_thread), text)

    async def answer(self, entrance: _Entrance, text: str,
                     filters: Filters | None = None) -> None:
        """The one path from a question to a cited answer, whichever way it came in."""
        try:
            question = validate_question(plain_question(text),
                                         self.bot.desk.settings.max_question_chars)
        except NewsdeskError as exc:
            await entrance.refuse(str(exc))
            return
        if not await self._wait_turn(entrance):
            return
        channel = entrance.channel
        context = await self.bot.storage.thread_questions(channel.id) \
            if entrance.follow_up and isinstance(channel, discord.Thread) else []
        async with entrance.working():
            try:
                answer = await self.bot.answer(question, context, entrance.locale, filters)
            except NewsdeskError as exc:
                await entrance.failed(str(exc))
                return
        answer_id = await self.bot.storage.record_answer(
            entrance.guild_id, getattr(channel, "id", None), entrance.user_id,
            answer.question, [c.article_id for c in answer.citations], answer.abstained, answer)
        answered = not answer.abstained
        threads = await self._new_threads(entrance)
        view = answer_view(answer_id, answer.language, answered=answered,
                           follow_up=threads == "on-follow-up")
        message = await entrance.send(render(answer, say("footer", answer.language)), view)
        if isinstance(channel, discord.Thread) and not entrance.private:
            await self.bot.storage.add_thread_question(channel.id, question)  # continues
        elif threads == "always" and answered and isinstance(channel, discord.TextChannel):
            # at once, as before the setting existed ("I don't know" has nothing to follow up)
            await start_thread(channel, message, question, self.bot.storage)

    async def _wait_turn(self, entrance: _Entrance) -> bool:
        """The member's cooldown: a slash command is refused with the seconds to wait; a
        message is queued and answered when it ends, the member told once."""
        key = (entrance.guild_id, entrance.user_id)
        while True:
            config = await self.bot.storage.guild(entrance.guild_id)
            wait = self.bot.cooldowns.retry_after(*key, config.cooldown)
            if not wait:
                return True
            if not entrance.queues:
                await entrance.refuse(say("cooldown", entrance.locale, seconds=wait))
                return False
            if key not in self._queued:
                self._queued.add(key)
                await entrance.refuse(say("queued", entrance.locale, seconds=wait),
                                      seconds=wait)
            try:
                await asyncio.sleep(wait)
            finally:
                self._queued.discard(key)

    async def _new_threads(self, entrance: _Entrance) -> ThreadMode:
        """Whether this answer may start a thread, and when: the channel's setting where a
        thread can start (a public answer in a text channel), else `off`."""
        channel = entrance.channel
        if entrance.private or not isinstance(channel, discord.TextChannel):
            return "off"
        config = await self.bot.storage.guild(entrance.guild_id)
        return config.threads_in(channel.id)


async def setup(bot: NewsdeskBot) -> None:
    await bot.add_cog(Ask(bot))
