"""Members ask: `/ask`, a mention, or (mode `all`) any question in an enabled channel."""

from __future__ import annotations

import re

import discord
from discord import app_commands
from discord.ext import commands

from bot.answer import Answer, validate_question
from bot.discord.client import NONE, NewsdeskBot
from bot.discord.feedback import feedback_view
from bot.discord.render import clip, render
from bot.messages import say
from corpus.errors import NewsdeskError

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


class Ask(commands.Cog):
    def __init__(self, bot: NewsdeskBot) -> None:
        self.bot = bot

    async def _cooldown(self, guild_id: int | None, user_id: int) -> int:
        seconds = (await self.bot.storage.guild(guild_id)).cooldown if guild_id else 10.0
        return self.bot.cooldowns.retry_after(guild_id, user_id, seconds)

    async def _record(self, answer: Answer, guild_id: int | None, channel_id: int | None,
                      user_id: int) -> int:
        return await self.bot.storage.record_answer(
            guild_id, channel_id, user_id, answer.question,
            [c.article_id for c in answer.citations], answer.abstained)

    @app_commands.command(name="ask", description="Ask about AI news; the answer cites its sources")
    @app_commands.describe(question="your question, in any language")
    async def ask(self, interaction: discord.Interaction,
                  question: app_commands.Range[str, 1, 1000]) -> None:
        try:
            question = validate_question(plain_question(question),
                                         self.bot.desk.settings.max_question_chars)
        except NewsdeskError as exc:
            await interaction.response.send_message(str(exc), ephemeral=True,
                                                    allowed_mentions=NONE)
            return
        locale = str(interaction.locale)
        wait = await self._cooldown(interaction.guild_id, interaction.user.id)
        if wait:
            await interaction.response.send_message(
                say("cooldown", locale, seconds=wait),
                ephemeral=True, allowed_mentions=NONE)
            return
        await interaction.response.defer(thinking=True)
        channel = interaction.channel
        context = (await self.bot.storage.thread_questions(channel.id)
                   if isinstance(channel, discord.Thread) else [])
        try:
            answer = await self.bot.answer(question, context, locale)
        except NewsdeskError as exc:
            await interaction.delete_original_response()
            await interaction.followup.send(str(exc), ephemeral=True, allowed_mentions=NONE)
            return
        answer_id = await self._record(answer, interaction.guild_id, interaction.channel_id,
                                       interaction.user.id)
        message = await interaction.followup.send(
            embed=self._embed(answer), view=feedback_view(answer_id), allowed_mentions=NONE,
            wait=True)
        await self._thread_for(message, channel, question)

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
        send = message.reply
        try:
            question = validate_question(text, self.bot.desk.settings.max_question_chars)
        except NewsdeskError as exc:
            await send(str(exc), allowed_mentions=NONE, mention_author=False)
            return
        locale = str(message.guild.preferred_locale)
        wait = await self._cooldown(message.guild.id, message.author.id)
        if wait:
            await send(say("cooldown", locale, seconds=wait),
                       allowed_mentions=NONE, mention_author=False, delete_after=wait)
            return
        context = await self.bot.storage.thread_questions(channel.id) if in_our_thread else []
        async with channel.typing():
            try:
                answer = await self.bot.answer(question, context, locale)
            except NewsdeskError as exc:
                await send(str(exc), allowed_mentions=NONE, mention_author=False)
                return
        answer_id = await self._record(answer, message.guild.id, channel.id, message.author.id)
        reply = await send(embed=self._embed(answer), view=feedback_view(answer_id),
                           allowed_mentions=NONE, mention_author=False)
        await self._thread_for(reply, channel, question)

    def _embed(self, answer: Answer) -> discord.Embed:
        return render(answer, title=answer.question, footer=say("footer", answer.language))

    async def _thread_for(self, message: discord.Message, channel: object, question: str) -> None:
        """Continue in the current thread, or open one on the answer for follow-ups."""
        if isinstance(channel, discord.Thread):
            await self.bot.storage.add_thread_question(channel.id, question)
            return
        if not isinstance(channel, discord.TextChannel):
            return
        try:
            name = clip(discord.utils.escape_mentions(question), 100)  # a name can't ping
            thread = await channel.create_thread(name=name, message=message,
                                                 auto_archive_duration=1440)
        except discord.HTTPException:
            return  # no permission to open threads here: the answer stands alone
        await self.bot.storage.add_thread_question(thread.id, question)


async def setup(bot: NewsdeskBot) -> None:
    await bot.add_cog(Ask(bot))
