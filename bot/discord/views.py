"""The buttons under an answer: 👍 / 👎, Sources, More like this, Follow up.

All are persistent `DynamicItem`s: the answer id lives in the custom_id, so
discord.py rebuilds them from any old message after a restart, and the answer
itself is read back from the bot's storage. What they show goes only to the
member who clicked (ephemeral).
"""

from __future__ import annotations

import re
from typing import Any

import discord

from bot.discord.feedback import FeedbackButton
from bot.discord.render import COLOUR, clip, ref_line, render_sources
from bot.discord.threads import follow_up_thread, invite
from bot.messages import say

NONE = discord.AllowedMentions.none()


class SourcesButton(discord.ui.DynamicItem[discord.ui.Button],
                    template=r"newsdesk:src:(?P<answer>[0-9]+):(?P<page>[0-9]+)"):
    """Every citation's longer verbatim context, one page at a time."""

    def __init__(self, answer_id: int, page: int = 0, label: str = "Sources") -> None:
        super().__init__(discord.ui.Button(
            label=label, emoji="📰", style=discord.ButtonStyle.secondary,
            custom_id=f"newsdesk:src:{answer_id}:{page}"))
        self.answer_id = answer_id
        self.page = page

    @classmethod
    async def from_custom_id(cls, interaction: discord.Interaction, item: discord.ui.Button,
                             match: re.Match[str], /) -> SourcesButton:
        return cls(int(match["answer"]), int(match["page"]))

    async def callback(self, interaction: discord.Interaction[Any]) -> None:
        locale = str(interaction.locale)
        answer = await interaction.client.storage.answer(self.answer_id)
        if answer is None or not answer.citations:
            await interaction.response.send_message(say("gone", locale), ephemeral=True,
                                                    allowed_mentions=NONE)
            return
        pages = render_sources(answer)
        page = min(self.page, len(pages) - 1)
        view = discord.utils.MISSING
        if page + 1 < len(pages):
            view = discord.ui.View(timeout=None)
            view.add_item(SourcesButton(self.answer_id, page + 1,
                                        f"{say('button_sources', answer.language)} "
                                        f"{page + 2}/{len(pages)}"))
        await interaction.response.send_message(embed=pages[page], view=view, ephemeral=True,
                                                allowed_mentions=NONE)


class MoreButton(discord.ui.DynamicItem[discord.ui.Button],
                 template=r"newsdesk:more:(?P<answer>[0-9]+)"):
    """The next best articles on the same story, beyond those the answer cites."""

    def __init__(self, answer_id: int, label: str = "More like this") -> None:
        super().__init__(discord.ui.Button(
            label=label, emoji="🔎", style=discord.ButtonStyle.secondary,
            custom_id=f"newsdesk:more:{answer_id}"))
        self.answer_id = answer_id

    @classmethod
    async def from_custom_id(cls, interaction: discord.Interaction, item: discord.ui.Button,
                             match: re.Match[str], /) -> MoreButton:
        return cls(int(match["answer"]))

    async def callback(self, interaction: discord.Interaction[Any]) -> None:
        bot = interaction.client
        answer = await bot.storage.answer(self.answer_id)
        if answer is None:
            await interaction.response.send_message(say("gone", str(interaction.locale)),
                                                    ephemeral=True, allowed_mentions=NONE)
            return
        await interaction.response.defer(ephemeral=True, thinking=True)
        more = await bot.more_like(answer)
        if not more:
            await interaction.followup.send(say("more_none", answer.language), ephemeral=True,
                                            allowed_mentions=NONE)
            return
        lines = [f"• {ref_line(ref)}" for ref in more]
        embed = discord.Embed(title=say("button_more", answer.language), colour=COLOUR,
                              description=clip("\n".join(lines), 4000))
        await interaction.followup.send(embed=embed, ephemeral=True, allowed_mentions=NONE)


class FollowUpButton(discord.ui.DynamicItem[discord.ui.Button],
                     template=r"newsdesk:follow:(?P<answer>[0-9]+)"):
    """Opens the answer's thread when a member wants to follow up (setting `on-follow-up`):
    the channel gets a thread only for the answers someone continues. An older answer's
    button in a channel since set to `off` opens none."""

    def __init__(self, answer_id: int, label: str = "Follow up") -> None:
        super().__init__(discord.ui.Button(
            label=label, emoji="💬", style=discord.ButtonStyle.secondary,
            custom_id=f"newsdesk:follow:{answer_id}"))
        self.answer_id = answer_id

    @classmethod
    async def from_custom_id(cls, interaction: discord.Interaction, item: discord.ui.Button,
                             match: re.Match[str], /) -> FollowUpButton:
        return cls(int(match["answer"]))

    async def callback(self, interaction: discord.Interaction[Any]) -> None:
        locale = str(interaction.locale)
        storage = interaction.client.storage
        row = await storage.answer_row(self.answer_id)
        message, channel = interaction.message, interaction.channel
        if row is None or message is None:
            await interaction.response.send_message(say("gone", locale), ephemeral=True,
                                                    allowed_mentions=NONE)
            return
        thread = None
        if isinstance(channel, discord.TextChannel) and \
                (await storage.guild(channel.guild.id)).threads_in(channel.id) != "off":
            thread = await follow_up_thread(channel, message, row[1], storage)
        if thread is None:
            await interaction.response.send_message(say("no_thread", locale), ephemeral=True,
                                                    allowed_mentions=NONE)
            return
        await invite(thread, interaction.user)
        await interaction.response.send_message(
            say("follow_up_here", locale, thread=thread.mention), ephemeral=True,
            allowed_mentions=NONE)


ITEMS = (FeedbackButton, SourcesButton, MoreButton, FollowUpButton)


def answer_view(answer_id: int, language: str, *, answered: bool,
                follow_up: bool = False) -> discord.ui.View:
    """Votes under every answer; Sources and More like this under a real one; Follow up
    where a thread opens only when asked for."""
    view = discord.ui.View(timeout=None)
    view.add_item(FeedbackButton("up", answer_id))
    view.add_item(FeedbackButton("down", answer_id))
    if answered:
        view.add_item(SourcesButton(answer_id, 0, say("button_sources", language)))
        view.add_item(MoreButton(answer_id, say("button_more", language)))
    if answered and follow_up:
        view.add_item(FollowUpButton(answer_id, say("button_follow_up", language)))
    return view
