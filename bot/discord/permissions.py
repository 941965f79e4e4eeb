"""Who may do what: admins configure, moderators manage sources, members ask.

Commands carry `default_permissions` so Discord hides them from members
who lack the permission, and every command checks again at run time,
because server admins can override what Discord shows.
"""

from __future__ import annotations

import discord
from discord import app_commands

from bot.discord.storage import GuildConfig

ADMINS_ONLY = "Only admins (Manage Server or Administrator) can change the configuration."


class NotAllowed(app_commands.CheckFailure):
    """A refused check; its message is the one reply the member gets."""


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
