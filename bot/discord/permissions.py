"""Who may do what: admins configure, moderators manage sources, members ask.

Commands carry `default_permissions` so Discord hides them from members who
lack the permission; because a server's admins can override what Discord
shows, each cog also declares its rule once (`Cog.interaction_check`), and a
refusal is raised as `NotAllowed`, which the bot's one error handler answers.
"""

from __future__ import annotations

from typing import Any

import discord
from discord import app_commands

from bot.discord.storage import GuildConfig
from bot.messages import say


class NotAllowed(app_commands.CheckFailure):
    """A refused check; the message under `key` (bot.messages) is the one reply."""

    def __init__(self, key: str) -> None:
        super().__init__(say(key))
        self.key = key


def is_admin(interaction: discord.Interaction) -> bool:
    perms = interaction.permissions
    return perms.administrator or perms.manage_guild


def is_moderator(interaction: discord.Interaction, config: GuildConfig) -> bool:
    if is_admin(interaction) or interaction.permissions.manage_messages:
        return True
    member = interaction.user
    roles = getattr(member, "roles", [])
    return config.moderator_role is not None and any(r.id == config.moderator_role
                                                     for r in roles)


async def may_moderate(interaction: discord.Interaction[Any]) -> bool:
    """In a guild, and an admin, Manage Messages or the guild's moderator role."""
    if interaction.guild_id is None:
        return False
    config = await interaction.client.storage.guild(interaction.guild_id)
    return is_moderator(interaction, config)


async def require_admin(interaction: discord.Interaction[Any]) -> bool:
    if interaction.guild_id is not None and is_admin(interaction):
        return True
    raise NotAllowed("only_admins")


async def require_moderator(interaction: discord.Interaction[Any]) -> bool:
    if await may_moderate(interaction):
        return True
    raise NotAllowed("only_moderators")
