"""👍 / 👎 under every answer, as persistent buttons that work after a restart.

The answer id lives in the button's custom_id, so discord.py can rebuild the
button from any old message without the bot remembering its views.
"""

from __future__ import annotations

import re
from typing import Any

import discord

from bot.messages import say

NONE = discord.AllowedMentions.none()


class FeedbackButton(
    discord.ui.DynamicItem[discord.ui.Button],
    template=r"newsdesk:fb:(?P<vote>up|down):(?P<answer>[0-9]+)",
):
    def __init__(self, vote: str, answer_id: int) -> None:
        super().__init__(discord.ui.Button(
            emoji="👍" if vote == "up" else "👎",
            style=discord.ButtonStyle.secondary,
            custom_id=f"newsdesk:fb:{vote}:{answer_id}",
        ))
        self.vote = vote
        self.answer_id = answer_id

    @classmethod
    async def from_custom_id(cls, interaction: discord.Interaction, item: discord.ui.Button,
                             match: re.Match[str], /) -> FeedbackButton:
        return cls(match["vote"], int(match["answer"]))

    async def callback(self, interaction: discord.Interaction[Any]) -> None:
        storage = interaction.client.storage
        if await storage.answer_row(self.answer_id) is None:
            await interaction.response.send_message(say("gone", str(interaction.locale)),
                                                    ephemeral=True, allowed_mentions=NONE)
            return
        await storage.vote(self.answer_id, interaction.user.id, 1 if self.vote == "up" else -1)
        await interaction.response.send_message(say("thanks", str(interaction.locale)),
                                                ephemeral=True, allowed_mentions=NONE)

