"""Admins (Manage Server or Administrator) choose where the bot speaks and who moderates.

A new guild is safe by default: `/ask` works anywhere, but the bot answers
mentions and plain messages nowhere until an admin enables a channel; and calm by
default: an answer opens a thread only when a member presses its Follow up button.
"""

from __future__ import annotations

from typing import Literal

import discord
from discord import app_commands
from discord.ext import commands

from bot.discord.client import NONE, NewsdeskBot
from bot.discord.permissions import require_admin
from bot.discord.storage import ThreadMode
from bot.discord.translator import described as _

ModeChoice = Literal["mention", "all"]
ThreadChoice = Literal["on-follow-up", "off", "always", "default"]
_THREADS: dict[ThreadMode, str] = {
    "off": "answers open no thread",
    "on-follow-up": "a thread opens when a member presses Follow up under an answer",
    "always": "every answer opens a thread",
}


@app_commands.default_permissions(manage_guild=True)
@app_commands.guild_only()
class Config(commands.GroupCog, group_name="config", group_description=_("cmd_config")):
    channels = app_commands.Group(name="channels", description=_("cmd_config_channels"))

    def __init__(self, bot: NewsdeskBot) -> None:
        self.bot = bot
        super().__init__()

    async def interaction_check(self, interaction: discord.Interaction) -> bool:
        """Discord hides /config from members, but a server's permission override can show
        it; the bot's error handler gives the one reply."""
        return await require_admin(interaction)

    async def _done(self, interaction: discord.Interaction, text: str, action: str) -> None:
        await self.bot.storage.audit(interaction.guild_id or 0, interaction.user.id,
                                     str(interaction.user), f"config {action}", text)
        await interaction.response.send_message(text, ephemeral=True, allowed_mentions=NONE)

    @channels.command(name="add", description=_("cmd_config_channels_add"))
    @app_commands.describe(channel=_("cmd_channel"), mode=_("cmd_config_mode_mode"))
    async def channels_add(self, interaction: discord.Interaction, channel: discord.TextChannel,
                           mode: ModeChoice = "mention") -> None:
        await self.bot.storage.enable_channel(interaction.guild_id or 0, channel.id, mode)
        note = (" The bot needs the Message Content intent to read questions without a mention."
                if mode == "all" and not self.bot.intents.message_content else "")
        await self._done(interaction, f"Answering in {channel.mention} (mode {mode}).{note}",
                         "channels add")

    @channels.command(name="remove", description=_("cmd_config_channels_remove"))
    @app_commands.describe(channel=_("cmd_channel"))
    async def channels_remove(self, interaction: discord.Interaction,
                              channel: discord.TextChannel) -> None:
        removed = await self.bot.storage.disable_channel(interaction.guild_id or 0, channel.id)
        text = (f"No longer answering in {channel.mention}." if removed
                else f"{channel.mention} was not enabled.")
        await self._done(interaction, text, "channels remove")

    @channels.command(name="list", description=_("cmd_config_channels_list"))
    async def channels_list(self, interaction: discord.Interaction) -> None:
        config = await self.bot.storage.guild(interaction.guild_id or 0)
        lines = [f"<#{cid}> — {mode}" for cid, mode in sorted(config.channels.items())]
        text = "\n".join(lines) or "No channel enabled: the bot only answers `/ask`."
        await interaction.response.send_message(text, ephemeral=True, allowed_mentions=NONE)

    @app_commands.command(name="mode", description=_("cmd_config_mode"))
    @app_commands.describe(channel=_("cmd_channel"), mode=_("cmd_config_mode_mode"))
    async def mode(self, interaction: discord.Interaction, channel: discord.TextChannel,
                   mode: ModeChoice) -> None:
        await self.bot.storage.enable_channel(interaction.guild_id or 0, channel.id, mode)
        await self._done(interaction, f"{channel.mention} now uses mode {mode}.", "mode")

    @app_commands.command(name="private", description=_("cmd_config_private"))
    @app_commands.describe(channel=_("cmd_channel"), private=_("cmd_config_private_private"))
    async def private(self, interaction: discord.Interaction, channel: discord.TextChannel,
                      private: bool) -> None:
        await self.bot.storage.set_private(interaction.guild_id or 0, channel.id, private)
        text = (f"/ask in {channel.mention} now answers privately by default." if private
                else f"/ask in {channel.mention} now answers in the channel by default.")
        await self._done(interaction, text, "private")

    @app_commands.command(name="moderator-role", description=_("cmd_config_moderator_role"))
    @app_commands.describe(role=_("cmd_config_moderator_role_role"))
    async def moderator_role(self, interaction: discord.Interaction,
                             role: discord.Role | None = None) -> None:
        await self.bot.storage.set_moderator_role(interaction.guild_id or 0,
                                                  role.id if role else None)
        text = (f"Moderator role set to {role.mention}." if role
                else "Moderator role cleared: Manage Messages is needed to moderate.")
        await self._done(interaction, text, "moderator-role")

    @app_commands.command(name="cooldown", description=_("cmd_config_cooldown"))
    @app_commands.describe(seconds=_("cmd_config_cooldown_seconds"))
    async def cooldown(self, interaction: discord.Interaction,
                       seconds: app_commands.Range[int, 0, 3600]) -> None:
        await self.bot.storage.set_cooldown(interaction.guild_id or 0, float(seconds))
        await self._done(interaction, f"Cooldown set to {seconds} s per member.", "cooldown")

    @app_commands.command(name="threads", description=_("cmd_config_threads"))
    @app_commands.describe(mode=_("cmd_config_threads_mode"),
                           channel=_("cmd_config_threads_channel"))
    async def threads(self, interaction: discord.Interaction, mode: ThreadChoice,
                      channel: discord.TextChannel | None = None) -> None:
        guild_id = interaction.guild_id or 0
        setting: ThreadMode | None = None if mode == "default" else mode
        await self.bot.storage.set_threads(guild_id, channel.id if channel else None, setting)
        config = await self.bot.storage.guild(guild_id)
        now = config.threads_in(channel.id) if channel else config.threads
        text = f"Threads in {channel.mention if channel else 'this server'}: {now} — " \
            f"{_THREADS[now]}."
        if channel is None and config.channel_threads:
            text += f" Channels with their own setting keep it: " \
                f"{', '.join(f'<#{c}>' for c in sorted(config.channel_threads))}."
        await self._done(interaction, text, "threads")


async def setup(bot: NewsdeskBot) -> None:
    await bot.add_cog(Config(bot))
